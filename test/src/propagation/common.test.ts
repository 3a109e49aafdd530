import { Metadata } from '@grpc/grpc-js';
import {
  boundBaggage,
  carrierKeys,
  compactTraceId,
  isBaggageExtractor,
  isNonZeroLowerHexAt,
  isSafeHeaderValue,
  isValidSpanId,
  isValidTraceId,
  percentDecode,
  percentEncode,
  readHeader,
  resolvePropagatorOptions,
  writeHeader,
} from '../../../src/propagation/common';
import { B3Propagator } from '../../../src/propagation/B3Propagator';
import { JaegerPropagator } from '../../../src/propagation/JaegerPropagator';
import { SkyWalkingPropagator } from '../../../src/propagation/SkyWalkingPropagator';
import { W3CBaggagePropagator } from '../../../src/propagation/W3CBaggagePropagator';
import { W3CTraceContextPropagator } from '../../../src/propagation/W3CTraceContextPropagator';
import { headerGetter, metadataGetter } from '../../../src/propagation/carriers';
import { recordSetter } from './helpers';

describe('propagation/common', () => {
  test('id validation: exact length, lower-case hex, not all zeros', () => {
    expect(isValidTraceId('4bf92f3577b34da6a3ce929d0e0e4736')).toBe(true);
    expect(isValidTraceId('4BF92F3577B34DA6A3CE929D0E0E4736')).toBe(false);
    expect(isValidTraceId('0'.repeat(32))).toBe(false);
    expect(isValidTraceId('0'.repeat(31) + '1')).toBe(true);
    expect(isValidTraceId('4bf92f3577b34da6a3ce929d0e0e473')).toBe(false);
    expect(isValidTraceId(42)).toBe(false);
    expect(isValidSpanId('00f067aa0ba902b7')).toBe(true);
    expect(isValidSpanId('00f067aa0ba902bg')).toBe(false);
    expect(isValidSpanId('0000000000000000')).toBe(false);
    // every character that is not 0-9a-f fails, wherever it stands, including code units ≥ 256
    // whose low byte alone is a hex digit ('İ' is U+0130, 'š' U+0161, '愰' U+6130)
    const valid = '4bf92f3577b34da6a3ce929d0e0e4736';
    for (let i = 0; i < 32; i++) {
      for (const bad of ['G', 'A', 'F', 'g', '-', ' ', '/', ':', '`', '\u0130', '\u0161', '\u6130', '\u0000']) {
        expect(isValidTraceId(valid.slice(0, i) + bad + valid.slice(i + 1))).toBe(false);
      }
    }
    for (let c = 0; c < 0x180; c++) {
      const ch = String.fromCharCode(c);
      expect(isNonZeroLowerHexAt(`x${ch}y`, 1, 2)).toBe(/^[1-9a-f]$/.test(ch));
    }
    // only [start, end) is read
    expect(isNonZeroLowerHexAt('zz00a0zz', 2, 6)).toBe(true);
    expect(isNonZeroLowerHexAt('zz0000zz', 2, 6)).toBe(false);
    expect(isNonZeroLowerHexAt('', 0, 0)).toBe(false);
    expect(compactTraceId('0000000000000000463ac35c9f6413ad')).toBe('463ac35c9f6413ad');
    expect(compactTraceId('1000000000000000463ac35c9f6413ad')).toBe('1000000000000000463ac35c9f6413ad');
  });

  test('safe header values: visible ASCII, inner spaces, bounded', () => {
    expect(isSafeHeaderValue('a b')).toBe(true);
    for (const bad of ['', ' a', 'a ', 'a\r\nb', 'a\nb', 'a\u0000', 'ü', 'a\tb', '\u007f']) expect(isSafeHeaderValue(bad)).toBe(false);
    expect(isSafeHeaderValue('x'.repeat(8193))).toBe(false);
    expect(isSafeHeaderValue('x'.repeat(10), 5)).toBe(false);
  });

  test('writeHeader refuses unsafe names/values and swallows setter errors', () => {
    const out: Record<string, string> = {};
    expect(writeHeader(out, recordSetter, 'ok', 'v', 100)).toBe(true);
    expect(writeHeader(out, recordSetter, 'bad name', 'v', 100)).toBe(false);
    expect(writeHeader(out, recordSetter, 'x', 'a\r\nb', 100)).toBe(false);
    expect(writeHeader(out, () => { throw new Error('x'); }, 'y', 'v', 100)).toBe(false);
    expect(out).toEqual({ ok: 'v' });
  });

  test('readHeader: trims OWS, bounds length, tolerates odd getters', () => {
    expect(readHeader({ a: ' \tv ' }, headerGetter, 'a', 100)).toBe('v');
    expect(readHeader({ a: '   ' }, headerGetter, 'a', 100)).toBeUndefined();
    expect(readHeader({ a: 'x'.repeat(101) }, headerGetter, 'a', 100)).toBeUndefined();
    expect(readHeader({}, () => ['first', 'second'] as unknown as string, 'a', 100)).toBe('first');
    expect(readHeader({}, () => 7 as unknown as string, 'a', 100)).toBe('7');
    expect(readHeader({}, () => ({}) as unknown as string, 'a', 100)).toBeUndefined();
  });

  test('percent encoding round trips any string, including lone surrogates', () => {
    for (const s of ['plain', 'a b,c;d=e%f', 'Grüße 🌍', '\r\n\u0000', '']) expect(percentDecode(percentEncode(s))).toBe(s);
    expect(percentEncode('\uD800')).toBe('%EF%BF%BD');
    expect(percentDecode('%E2%82')).toBe('\uFFFD');
    expect(percentDecode('%zz%4')).toBe('%zz%4');
    expect(percentDecode('ü%20')).toBe('ü ');
  });

  test('boundBaggage: count, bytes, first key wins, no __proto__', () => {
    expect(boundBaggage([['a', '1'], ['b', '2'], ['c', '3']], 2, 100)).toEqual({ a: '1', b: '2' });
    expect(boundBaggage([['big', 'x'.repeat(10)], ['s', '1']], 10, 5)).toEqual({ s: '1' });
    expect(boundBaggage([['a', '1'], ['a', '2']], 10, 100)).toEqual({ a: '1' });
    const b = boundBaggage([['__proto__', 'x']], 10, 100);
    expect(Object.keys(b)).toEqual([]);
    expect(Object.getPrototypeOf(b)).toBe(Object.prototype);
    // into an existing record: its content counts toward the limits
    expect(boundBaggage([['c', '3']], 2, 100, { a: '1', b: '2' })).toEqual({ a: '1', b: '2' });
  });

  test('resolvePropagatorOptions: defaults for missing or bad values', () => {
    expect(resolvePropagatorOptions()).toEqual({ maxBaggageItems: 64, maxBaggageBytes: 8192, maxHeaderLength: 8192 });
    expect(resolvePropagatorOptions({ maxBaggageItems: -1, maxBaggageBytes: NaN, maxHeaderLength: 100.7 })).toEqual({
      maxBaggageItems: 64,
      maxBaggageBytes: 8192,
      maxHeaderLength: 100,
    });
  });

  test('carrierKeys: objects, Maps, Metadata, getter.keys, garbage', () => {
    expect(carrierKeys({ a: 1, b: 2 }, headerGetter as never)).toEqual(['a', 'b']);
    expect(carrierKeys(new Map([['m', 'v']]), (() => undefined) as never)).toEqual(['m']);
    const md = new Metadata();
    md.set('uberctx-a', '1');
    expect(carrierKeys(md, metadataGetter)).toEqual(['uberctx-a']);
    expect(carrierKeys('str', (() => undefined) as never)).toEqual([]);
    const throwing = Object.assign(() => undefined, { keys: () => { throw new Error('x'); } });
    expect(carrierKeys({}, throwing)).toEqual([]);
    // a getter's keys() that lists non-strings: only the strings are kept
    const mixed = Object.assign(() => undefined, { keys: () => ['uberctx-a', 7, null, 'b'] as unknown as string[] });
    expect(carrierKeys({}, mixed)).toEqual(['uberctx-a', 'b']);
    expect(carrierKeys(new Map<unknown, string>([[1, 'x'], ['k', 'v']]), (() => undefined) as never)).toEqual(['k']);
  });

  test('extractBaggage without baggage: one shared frozen empty object, never a value a caller could pollute', () => {
    const none = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', host: 'h' };
    const results = [
      new JaegerPropagator().extractBaggage(none, headerGetter),
      new SkyWalkingPropagator().extractBaggage(none, headerGetter),
      new W3CBaggagePropagator().extractBaggage(none, headerGetter),
      new W3CTraceContextPropagator().extract(none, headerGetter)!.baggage,
    ];
    for (const r of results) {
      expect(r).toEqual({});
      expect(Object.isFrozen(r)).toBe(true);
    }
    // a shared empty object must never collect items: writes to it fail
    expect(() => {
      'use strict';
      (results[0] as Record<string, string>).leaked = 'x';
    }).toThrow(TypeError);
    expect(new JaegerPropagator().extractBaggage(none, headerGetter)).toEqual({});
    // with items: a fresh, writable object each time
    const some = new JaegerPropagator().extractBaggage({ ...none, 'UberCtx-User': 'ann' }, headerGetter);
    expect(some).toEqual({ user: 'ann' });
    expect(Object.isFrozen(some)).toBe(false);
    expect(new JaegerPropagator().extractBaggage({ 'jaeger-baggage': 'k=v' }, headerGetter)).toEqual({ k: 'v' });
  });

  test('isBaggageExtractor', () => {
    expect(isBaggageExtractor(new JaegerPropagator())).toBe(true);
    expect(isBaggageExtractor(new B3Propagator())).toBe(false);
  });
});
