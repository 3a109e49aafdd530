import { W3CTraceContextPropagator } from '../../../src/propagation/W3CTraceContextPropagator';
import { headerGetter } from '../../../src/propagation/carriers';
import type { SpanContext } from '../../../src/api/types';
import { expectValidContext, recordGetter, recordSetter } from './helpers';

const w3c = new W3CTraceContextPropagator();
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const extract = (traceparent: string, tracestate?: string): SpanContext | undefined =>
  w3c.extract(tracestate === undefined ? { traceparent } : { traceparent, tracestate }, headerGetter);

describe('W3CTraceContextPropagator — spec examples (Trace Context level 1)', () => {
  test('§3.2 example: sampled traceparent', () => {
    const ctx = extract(`00-${TRACE}-${SPAN}-01`);
    expect(ctx).toEqual({ traceId: TRACE, spanId: SPAN, sampled: true, debug: false, baggage: {}, isRemote: true });
    expectValidContext(ctx!);
  });

  test('§3.2 example: not sampled', () => {
    expect(extract(`00-${TRACE}-${SPAN}-00`)?.sampled).toBe(false);
  });

  test('only bit 0 of trace-flags means sampled', () => {
    expect(extract(`00-${TRACE}-${SPAN}-03`)?.sampled).toBe(true);
    expect(extract(`00-${TRACE}-${SPAN}-02`)?.sampled).toBe(false);
    expect(extract(`00-${TRACE}-${SPAN}-ff`)?.sampled).toBe(true);
  });

  test('§3.3 tracestate examples are kept with a valid traceparent', () => {
    expect(extract(`00-${TRACE}-${SPAN}-01`, 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE')?.traceState).toBe(
      'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE',
    );
    expect(extract(`00-${TRACE}-${SPAN}-01`, 'congo=t61rcWkgMzE')?.traceState).toBe('congo=t61rcWkgMzE');
    // multi-tenant key and OWS / empty members are normalised
    expect(extract(`00-${TRACE}-${SPAN}-01`, ' fw529a3039@dt=ab , , rojo=1 ')?.traceState).toBe('fw529a3039@dt=ab,rojo=1');
  });

  test.each([
    ['version ff', `ff-${TRACE}-${SPAN}-01`],
    ['all-zero trace id', `00-00000000000000000000000000000000-${SPAN}-01`],
    ['all-zero parent id', `00-${TRACE}-0000000000000000-01`],
    ['upper-case hex', `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ['invalid hex in trace id', `00-4bf92f3577b34da6a3ce929d0e0e473g-${SPAN}-01`],
    ['invalid hex in flags', `00-${TRACE}-${SPAN}-0x`],
    ['invalid hex in the first flags digit', `00-${TRACE}-${SPAN}-g1`],
    ['invalid hex in parent id', `00-${TRACE}-00f067aa0ba9O2b7-01`],
    ['upper-case version', `0A-${TRACE}-${SPAN}-01`],
    ['short trace id', `00-${TRACE.slice(1)}-${SPAN}-01`],
    ['long parent id', `00-${TRACE}-${SPAN}0-01`],
    ['version 00 with extra data', `00-${TRACE}-${SPAN}-01-extra`],
    ['version 00 with trailing dash', `00-${TRACE}-${SPAN}-01-`],
    ['wrong separators', `00_${TRACE}_${SPAN}_01`],
    ['one-digit version', `0-${TRACE}-${SPAN}-01`],
    ['non-hex version', `0g-${TRACE}-${SPAN}-01`],
    ['empty', ''],
    ['truncated', `00-${TRACE}-${SPAN}-0`],
    ['future version with garbage after flags', `cc-${TRACE}-${SPAN}-01x`],
  ])('rejects %s', (_name, value) => {
    expect(extract(value)).toBeUndefined();
  });

  test('future versions are parsed per spec (fields, then "-" or end)', () => {
    expect(extract(`cc-${TRACE}-${SPAN}-01-what-the-future-will-be-like`)).toMatchObject({ traceId: TRACE, spanId: SPAN, sampled: true });
    expect(extract(`01-${TRACE}-${SPAN}-00`)).toMatchObject({ traceId: TRACE, sampled: false });
  });

  test('optional white space around the value is accepted', () => {
    expect(extract(` \t00-${TRACE}-${SPAN}-01 `)?.traceId).toBe(TRACE);
  });

  test('an invalid tracestate is dropped but traceparent is kept', () => {
    for (const ts of ['UPPER=1', 'a=1,a=2', 'novalue', '=x', 'a=b=c', `a=${'x'.repeat(257)}`]) {
      const ctx = extract(`00-${TRACE}-${SPAN}-01`, ts);
      expect(ctx?.traceId).toBe(TRACE);
      expect(ctx?.traceState).toBeUndefined();
    }
    const tooMany = Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(',');
    expect(extract(`00-${TRACE}-${SPAN}-01`, tooMany)?.traceState).toBeUndefined();
    const max = Array.from({ length: 32 }, (_, i) => `k${i}=v`).join(',');
    expect(extract(`00-${TRACE}-${SPAN}-01`, max)?.traceState).toBe(max);
  });

  test('tracestate is ignored when traceparent is invalid', () => {
    expect(extract(`ff-${TRACE}-${SPAN}-01`, 'rojo=1')).toBeUndefined();
  });

  test('repeated traceparent headers (arrays) use the first; node joins duplicates → invalid', () => {
    expect(w3c.extract({ traceparent: [`00-${TRACE}-${SPAN}-01`, `00-${'1'.repeat(32)}-${SPAN}-01`] }, headerGetter)?.traceId).toBe(TRACE);
    expect(w3c.extract({ traceparent: `00-${TRACE}-${SPAN}-01, 00-${TRACE}-${SPAN}-01` }, headerGetter)).toBeUndefined();
  });

  test('tracestate arrays are joined with ","', () => {
    expect(w3c.extract({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: ['a=1', 'b=2'] }, headerGetter)?.traceState).toBe('a=1,b=2');
  });

  test('header names are case-insensitive', () => {
    expect(w3c.extract({ TraceParent: `00-${TRACE}-${SPAN}-01` }, headerGetter)?.traceId).toBe(TRACE);
  });
});

describe('W3CTraceContextPropagator — inject', () => {
  const base: SpanContext = { traceId: TRACE, spanId: SPAN, sampled: true, debug: false, baggage: {} };

  test('writes version 00 and the sampled flag', () => {
    const out: Record<string, string> = {};
    w3c.inject(base, out, recordSetter);
    expect(out).toEqual({ traceparent: `00-${TRACE}-${SPAN}-01` });
    const out2: Record<string, string> = {};
    w3c.inject({ ...base, sampled: false }, out2, recordSetter);
    expect(out2.traceparent).toBe(`00-${TRACE}-${SPAN}-00`);
  });

  test('debug is sent as sampled (W3C has no debug flag)', () => {
    const out: Record<string, string> = {};
    w3c.inject({ ...base, sampled: false, debug: true }, out, recordSetter);
    expect(out.traceparent.endsWith('-01')).toBe(true);
  });

  test('passes tracestate through, and drops an invalid one', () => {
    const out: Record<string, string> = {};
    w3c.inject({ ...base, traceState: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE' }, out, recordSetter);
    expect(out.tracestate).toBe('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
    const bad: Record<string, string> = {};
    w3c.inject({ ...base, traceState: 'a=1\r\nx: y' }, bad, recordSetter);
    expect(bad.tracestate).toBeUndefined();
    expect(bad.traceparent).toBeDefined();
  });

  test('cuts tracestate to 512 characters, long members first', () => {
    const long = `big=${'x'.repeat(200)}`;
    const members = [long, ...Array.from({ length: 31 }, (_, i) => `k${i}=${'v'.repeat(20)}`)];
    const out: Record<string, string> = {};
    w3c.inject({ ...base, traceState: members.join(',') }, out, recordSetter);
    expect(out.tracestate.length).toBeLessThanOrEqual(512);
    expect(out.tracestate).not.toContain('big=');
    expect(out.tracestate.startsWith('k0=')).toBe(true);
  });

  test.each([
    ['all-zero trace id', { ...base, traceId: '0'.repeat(32) }],
    ['short span id', { ...base, spanId: 'abc' }],
    ['upper-case id', { ...base, traceId: TRACE.toUpperCase() }],
    ['CRLF in id', { ...base, spanId: '00f067aa0ba9\r\n02' }],
  ])('writes nothing for an invalid context (%s)', (_n, ctx) => {
    const out: Record<string, string> = {};
    w3c.inject(ctx as SpanContext, out, recordSetter);
    expect(out).toEqual({});
  });

  test('round trip keeps ids, flags and tracestate', () => {
    for (const sampled of [true, false]) {
      const ctx: SpanContext = { ...base, sampled, traceState: 'vendor=abc' };
      const out: Record<string, string> = {};
      w3c.inject(ctx, out, recordSetter);
      expect(w3c.extract(out, recordGetter)).toEqual({ ...ctx, isRemote: true });
    }
  });

  test('never throws, even with a throwing setter or getter or a garbage context', () => {
    expect(() =>
      w3c.inject(base, {}, () => {
        throw new Error('boom');
      }),
    ).not.toThrow();
    expect(
      w3c.extract({}, () => {
        throw new Error('boom');
      }),
    ).toBeUndefined();
    expect(() => w3c.inject(null as unknown as SpanContext, {}, recordSetter)).not.toThrow();
    expect(w3c.extract(null, headerGetter as never)).toBeUndefined();
  });

  test('values over maxHeaderLength are ignored', () => {
    const small = new W3CTraceContextPropagator({ maxHeaderLength: 40 });
    expect(small.extract({ traceparent: `00-${TRACE}-${SPAN}-01` }, headerGetter)).toBeUndefined();
    expect(w3c.extract({ traceparent: `cc-${TRACE}-${SPAN}-01-${'x'.repeat(9000)}` }, headerGetter)).toBeUndefined();
    const out: Record<string, string> = {};
    small.inject({ ...base, traceState: 'a=1' }, out, recordSetter); // a 55-character traceparent does not fit in 40
    expect(out).toEqual({});
  });

  test('a setter that throws on traceparent gets no tracestate either', () => {
    const written: string[] = [];
    w3c.inject({ ...base, traceState: 'a=1' }, {}, (_c, k) => {
      written.push(k);
      if (k === 'traceparent') throw new Error('boom');
    });
    expect(written).toEqual(['traceparent']);
  });
});

describe('W3CTraceContextPropagator — traceparent check against a reference reading of §3.2', () => {
  /** §3.2 as regular expressions: the fields, version ff invalid, version 00 exactly 55 chars, ids not all zeros. */
  function referenceFlags(tp: string): number | undefined {
    const m = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-[^]*)?$/.exec(tp);
    if (!m || m[1] === 'ff' || (m[1] === '00' && tp.length !== 55)) return undefined;
    if (/^0+$/.test(m[2]!) || /^0+$/.test(m[3]!)) return undefined;
    return parseInt(m[4]!, 16);
  }
  const valid = `00-${TRACE}-${SPAN}-01`;
  const cases: string[] = [valid, `01-${TRACE}-${SPAN}-09-extra`, `01-${TRACE}-${SPAN}-09x`, `cc-${TRACE}-${SPAN}-00-`, `ff-${TRACE}-${SPAN}-01`, `00-${TRACE}-${SPAN}-01-`];
  // every position of a valid value, replaced by characters that are wrong there (or right)
  const replacements = ['0', '9', 'a', 'f', 'g', 'A', 'F', '-', ' ', '/', ':', '`', '\u0130', '\u0161', '\u6130', '\u0000', '\u00e1'];
  for (let i = 0; i < 55; i++) for (const r of replacements) cases.push(valid.slice(0, i) + r + valid.slice(i + 1));
  cases.push(`00-${'0'.repeat(32)}-${SPAN}-01`, `00-${TRACE}-${'0'.repeat(16)}-01`, `00-${'0'.repeat(31)}1-${SPAN}-01`, `00-${TRACE}-${'0'.repeat(15)}1-01`);
  cases.push(valid.slice(0, 54), `${valid}0`, `${valid}-`, `02-${TRACE}-${SPAN}-01${'x'.repeat(40)}`);

  test('accepts and rejects exactly what the reference does, with the same flags', () => {
    for (const tp of cases) {
      const want = referenceFlags(tp);
      const ctx = extract(tp);
      if (want === undefined) expect({ tp, ctx }).toEqual({ tp, ctx: undefined });
      else expect({ tp, sampled: ctx?.sampled, traceId: ctx?.traceId, spanId: ctx?.spanId }).toEqual({ tp, sampled: (want & 1) === 1, traceId: tp.slice(3, 35), spanId: tp.slice(36, 52) });
    }
    expect(cases.filter((tp) => referenceFlags(tp) !== undefined).length).toBeGreaterThan(20);
    expect(cases.filter((tp) => referenceFlags(tp) === undefined).length).toBeGreaterThan(500);
  });
});
