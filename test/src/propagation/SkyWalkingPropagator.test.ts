import { createHash } from 'node:crypto';
import { SkyWalkingPropagator, deriveSw8SpanId, deriveSw8TraceId } from '../../../src/propagation/SkyWalkingPropagator';
import { headerGetter } from '../../../src/propagation/carriers';
import type { SpanContext, Sw8Data } from '../../../src/api/types';
import { expectValidContext, headersProblem, recordGetter, recordSetter } from './helpers';

const sw = new SkyWalkingPropagator();
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const sha = (s: string, n: number): string => createHash('sha256').update(s).digest('hex').slice(0, n);

/** The sw8 v3 example (Node agent style ids: 32-hex UUIDs). */
const EXAMPLE =
  '1-MWYyZDRiZjQ3YmY3MTFlYWI3OTRhY2RlNDgwMDExMjI=-MWU3YzIwNGE3YmY3MTFlYWI4NThhY2RlNDgwMDExMjI=-0-c2VydmljZQ==-aW5zdGFuY2U=-L2FwcA==-MTI3LjAuMC4xOjgwODA=';
/** A Java-agent header (trace id `{uuid}.{thread}.{timestamp}`), as shown in write-ups of the v3 protocol. */
const JAVA_EXAMPLE =
  '1-YTRlYzZmYzhjY2FiNGJiNGI2ODIwNjQ2OThjYzk3ZTYuNzQuMTYyMTgzODExMDQ1NTAwMDk=-YTRlYzZmYzhjY2FiNGJiNGI2ODIwNjQ2OThjYzk3ZTYuNzQuMTYyMTgzODExMDQ1NTAwMDg=-2-b25lbW9yZS1h-ZTFkMmZiYjYzYmJhNDMwNDk5YWY4OTVjMDQwZTMyZmVAMTkyLjE2OC4xLjEwMQ==-L29uZW1vcmUtYS9nZXQ=-MTkyLjE2OC4xLjEwMjo4MA==';

describe('SkyWalkingPropagator — sw8 v3 examples', () => {
  test('example header: caller data in ctx.sw8, 32-hex trace id kept', () => {
    const ctx = sw.extract({ sw8: EXAMPLE }, headerGetter);
    expect(ctx?.sw8).toEqual({
      traceId: '1f2d4bf47bf711eab794acde48001122',
      segmentId: '1e7c204a7bf711eab858acde48001122',
      spanId: 0,
      service: 'service',
      serviceInstance: 'instance',
      endpoint: '/app',
      targetAddress: '127.0.0.1:8080',
    });
    expect(ctx).toMatchObject({ traceId: '1f2d4bf47bf711eab794acde48001122', sampled: true, debug: false, isRemote: true });
    expect(ctx?.spanId).toBe(sha('1e7c204a7bf711eab858acde48001122:0', 16));
    expectValidContext(ctx!);
  });

  test('Java-agent ids: trace id derived deterministically (sha256 prefix), raw id kept', () => {
    const ctx = sw.extract({ sw8: JAVA_EXAMPLE }, headerGetter);
    expect(ctx?.sw8).toEqual({
      traceId: 'a4ec6fc8ccab4bb4b682064698cc97e6.74.16218381104550009',
      segmentId: 'a4ec6fc8ccab4bb4b682064698cc97e6.74.16218381104550008',
      spanId: 2,
      service: 'onemore-a',
      serviceInstance: 'e1d2fbb63bba430499af895c040e32fe@192.168.1.101',
      endpoint: '/onemore-a/get',
      targetAddress: '192.168.1.102:80',
    });
    expect(ctx?.traceId).toBe(sha('a4ec6fc8ccab4bb4b682064698cc97e6.74.16218381104550009', 32));
    expect(ctx?.spanId).toBe(sha('a4ec6fc8ccab4bb4b682064698cc97e6.74.16218381104550008:2', 16));
    // every service derives the same ids
    expect(sw.extract({ sw8: JAVA_EXAMPLE }, headerGetter)).toEqual(ctx);
  });

  test('sample flag 0 = not sampled', () => {
    expect(sw.extract({ sw8: '0' + EXAMPLE.slice(1) }, headerGetter)?.sampled).toBe(false);
  });

  test('span-id derivation: a 16-hex segment id with index 0 maps to itself', () => {
    expect(deriveSw8SpanId('00f067aa0ba902b7', 0)).toBe('00f067aa0ba902b7');
    expect(deriveSw8SpanId('00f067aa0ba902b7', 1)).toBe(sha('00f067aa0ba902b7:1', 16));
    expect(deriveSw8SpanId('0000000000000000', 0)).toMatch(/^[0-9a-f]{16}$/);
    expect(deriveSw8SpanId('0000000000000000', 0)).not.toBe('0000000000000000');
    expect(deriveSw8TraceId('0'.repeat(32))).not.toBe('0'.repeat(32));
    expect(deriveSw8TraceId('1F2D4BF47BF711EAB794ACDE48001122')).toBe('1f2d4bf47bf711eab794acde48001122');
  });

  test.each([
    ['7 fields', EXAMPLE.split('-').slice(0, 7).join('-')],
    ['9 fields', EXAMPLE + '-eA=='],
    ['sample 2', '2' + EXAMPLE.slice(1)],
    ['negative span id', EXAMPLE.replace('=-0-', '=--1-')],
    ['non-integer span id', EXAMPLE.replace('=-0-', '=-x-')],
    ['empty trace id', EXAMPLE.replace('MWYyZDRiZjQ3YmY3MTFlYWI3OTRhY2RlNDgwMDExMjI=', '')],
    ['invalid base64', EXAMPLE.replace('c2VydmljZQ==', 'c2V!dmljZQ==')],
    ['trace id with control characters', EXAMPLE.replace('MWYyZDRiZjQ3YmY3MTFlYWI3OTRhY2RlNDgwMDExMjI=', b64('a\r\nb'))],
  ])('rejects %s', (_n, value) => {
    expect(sw.extract({ sw8: value }, headerGetter)).toBeUndefined();
  });

  test('control characters are stripped from text fields', () => {
    const v = EXAMPLE.replace('c2VydmljZQ==', b64('svc\r\nX: y'));
    expect(sw.extract({ sw8: v }, headerGetter)?.sw8?.service).toBe('svcX: y');
  });
});

describe('SkyWalkingPropagator — sw8-correlation', () => {
  test('base64 key:value pairs, comma separated', () => {
    const corr = `${b64('user')}:${b64('ann')},${b64('tenant')}:${b64('acme')}`;
    expect(sw.extract({ sw8: EXAMPLE, 'sw8-correlation': corr }, headerGetter)?.baggage).toEqual({ user: 'ann', tenant: 'acme' });
    expect(sw.extractBaggage({ 'sw8-correlation': corr }, headerGetter)).toEqual({ user: 'ann', tenant: 'acme' });
  });

  test('default limits: 3 keys, values ≤ 128 bytes; configurable', () => {
    const items = ['a', 'b', 'c', 'd'].map((k) => `${b64(k)}:${b64(k)}`);
    expect(sw.extractBaggage({ 'sw8-correlation': items.join(',') }, headerGetter)).toEqual({ a: 'a', b: 'b', c: 'c' });
    const long = `${b64('big')}:${b64('x'.repeat(129))},${b64('ok')}:${b64('x'.repeat(128))}`;
    expect(Object.keys(sw.extractBaggage({ 'sw8-correlation': long }, headerGetter))).toEqual(['ok']);
    const five = new SkyWalkingPropagator({ maxCorrelationItems: 5 });
    expect(Object.keys(five.extractBaggage({ 'sw8-correlation': items.join(',') }, headerGetter))).toHaveLength(4);
  });

  test('malformed items are skipped', () => {
    expect(sw.extractBaggage({ 'sw8-correlation': `garbage,${b64('a')}:${b64('1')},:,x:y:z` }, headerGetter)).toEqual({ a: '1' });
  });
});

describe('SkyWalkingPropagator — inject', () => {
  const data: Sw8Data = {
    traceId: '1f2d4bf47bf711eab794acde48001122',
    segmentId: '1e7c204a7bf711eab858acde48001122',
    spanId: 0,
    service: 'service',
    serviceInstance: 'instance',
    endpoint: '/app',
    targetAddress: '127.0.0.1:8080',
  };
  const base: SpanContext = {
    traceId: '1f2d4bf47bf711eab794acde48001122',
    spanId: '00f067aa0ba902b7',
    sampled: true,
    debug: false,
    baggage: {},
    sw8: data,
  };

  test('from context.sw8: reproduces the example header exactly', () => {
    const out: Record<string, string> = {};
    sw.inject(base, out, recordSetter);
    expect(out).toEqual({ sw8: EXAMPLE });
  });

  test('round trip keeps the sw8 data, the trace id and the sample flag', () => {
    for (const sampled of [true, false]) {
      const out: Record<string, string> = {};
      sw.inject({ ...base, sampled, baggage: { user: 'ann' } }, out, recordSetter);
      const ctx = sw.extract(out, recordGetter);
      expect(ctx).toMatchObject({ traceId: base.traceId, sampled, sw8: data, baggage: { user: 'ann' } });
    }
  });

  test('without context.sw8 a valid header is synthesised from the ids', () => {
    const out: Record<string, string> = {};
    sw.inject({ ...base, sw8: undefined }, out, recordSetter);
    const parts = out.sw8.split('-');
    expect(parts).toHaveLength(8);
    expect(Buffer.from(parts[1]!, 'base64').toString()).toBe(base.traceId);
    expect(Buffer.from(parts[2]!, 'base64').toString()).toBe(base.spanId);
    expect(parts[3]).toBe('0');
    for (const p of parts.slice(4)) expect(Buffer.from(p, 'base64').toString().length).toBeGreaterThan(0);
    // …and extracting it gives back the same trace id and, via the 16-hex segment rule, the same span id
    expect(sw.extract(out, recordGetter)).toMatchObject({ traceId: base.traceId, spanId: base.spanId, sampled: true });
  });

  test('Java-style raw trace id survives extract → inject (core copies sw8.traceId)', () => {
    const parent = sw.extract({ sw8: JAVA_EXAMPLE }, headerGetter)!;
    const out: Record<string, string> = {};
    sw.inject({ ...base, traceId: parent.traceId, sw8: { ...data, traceId: parent.sw8!.traceId } }, out, recordSetter);
    expect(sw.extract(out, recordGetter)?.traceId).toBe(parent.traceId);
    expect(sw.extract(out, recordGetter)?.sw8?.traceId).toBe('a4ec6fc8ccab4bb4b682064698cc97e6.74.16218381104550009');
  });

  test('long / hostile text fields are cut and cleaned, header stays under 2 KiB', () => {
    const out: Record<string, string> = {};
    const big = 'ü'.repeat(2000) + '\r\n';
    sw.inject({ ...base, sw8: { ...data, service: big, serviceInstance: big, endpoint: big, targetAddress: '' } }, out, recordSetter);
    expect(out.sw8.length).toBeLessThan(2048);
    expect(headersProblem(out)).toBe('');
    const back = sw.extract(out, recordGetter)!;
    expect(Buffer.byteLength(back.sw8!.service)).toBeLessThanOrEqual(150);
    expect(back.sw8!.targetAddress).toBe('-');
  });

  test('correlation: at most 3 items with values ≤ 128 bytes', () => {
    const out: Record<string, string> = {};
    sw.inject({ ...base, baggage: { a: '1', big: 'x'.repeat(200), b: '2', c: '3', d: '4' } }, out, recordSetter);
    expect(sw.extractBaggage(out, recordGetter)).toEqual({ a: '1', b: '2', c: '3' });
  });

  test('invalid ids or sw8 data with bad ids: nothing or a synthesised header', () => {
    const none: Record<string, string> = {};
    sw.inject({ ...base, traceId: '0'.repeat(32) }, none, recordSetter);
    expect(none).toEqual({});
    const synth: Record<string, string> = {};
    sw.inject({ ...base, sw8: { ...data, traceId: 'bad\nid', spanId: -1 } }, synth, recordSetter);
    expect(Buffer.from(synth.sw8!.split('-')[1]!, 'base64').toString()).toBe(base.traceId);
  });
});
