import { B3Propagator } from '../../../src/propagation/B3Propagator';
import { headerGetter, headerSetter } from '../../../src/propagation/carriers';
import type { SpanContext } from '../../../src/api/types';
import { expectValidContext, recordGetter, recordSetter } from './helpers';

const single = new B3Propagator({ single: true });
const multi = new B3Propagator();

describe('B3Propagator — examples from the openzipkin/b3-propagation README', () => {
  test('multiple headers', () => {
    const ctx = multi.extract(
      {
        'X-B3-TraceId': '80f198ee56343ba864fe8b2a57d3eff7',
        'X-B3-ParentSpanId': '05e3ac9a4f6e3b90',
        'X-B3-SpanId': 'e457b5a2e4d86bd1',
        'X-B3-Sampled': '1',
      },
      headerGetter,
    );
    expect(ctx).toEqual({
      traceId: '80f198ee56343ba864fe8b2a57d3eff7',
      spanId: 'e457b5a2e4d86bd1',
      parentSpanId: '05e3ac9a4f6e3b90',
      sampled: true,
      debug: false,
      baggage: {},
      isRemote: true,
    });
    expectValidContext(ctx!);
  });

  test('single header with all four fields', () => {
    expect(single.extract({ b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90' }, headerGetter)).toEqual({
      traceId: '80f198ee56343ba864fe8b2a57d3eff7',
      spanId: 'e457b5a2e4d86bd1',
      parentSpanId: '05e3ac9a4f6e3b90',
      sampled: true,
      debug: false,
      baggage: {},
      isRemote: true,
    });
  });

  test('single header: debug "d", deny "0", deferred (no state)', () => {
    expect(single.extract({ b3: '80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-d' }, headerGetter)).toMatchObject({ sampled: true, debug: true });
    expect(single.extract({ b3: '80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-0' }, headerGetter)).toMatchObject({ sampled: false, debug: false });
    const deferred = single.extract({ b3: '80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90' }, headerGetter);
    expect(deferred).toMatchObject({ traceId: '80f198ee56343ba864fe8b2a57d3eff7', spanId: '05e3ac9a4f6e3b90', sampled: false });
    expect(deferred?.parentSpanId).toBeUndefined();
  });

  test('sampling-only values (b3: 0 / 1 / d) carry no ids → undefined', () => {
    for (const b3 of ['0', '1', 'd']) expect(single.extract({ b3 }, headerGetter)).toBeUndefined();
  });

  test('README id examples: 64-bit trace ids are left-padded to 32 hex', () => {
    const ctx = multi.extract({ 'x-b3-traceid': '463ac35c9f6413ad', 'x-b3-spanid': 'a2fb4a1d1a96d312', 'x-b3-parentspanid': '0020000000000001' }, headerGetter);
    expect(ctx?.traceId).toBe('0000000000000000463ac35c9f6413ad');
    expect(ctx?.parentSpanId).toBe('0020000000000001');
    expect(single.extract({ b3: '463ac35c9f6413ad-a2fb4a1d1a96d312-1' }, headerGetter)?.traceId).toBe('0000000000000000463ac35c9f6413ad');
  });

  test('X-B3-Sampled: 1/0 and leniently true/false; absent = deferred (not sampled)', () => {
    const h = { 'x-b3-traceid': '463ac35c9f6413ad48485a3953bb6124', 'x-b3-spanid': 'a2fb4a1d1a96d312' };
    expect(multi.extract({ ...h, 'x-b3-sampled': '1' }, headerGetter)?.sampled).toBe(true);
    expect(multi.extract({ ...h, 'x-b3-sampled': 'true' }, headerGetter)?.sampled).toBe(true);
    expect(multi.extract({ ...h, 'x-b3-sampled': '0' }, headerGetter)?.sampled).toBe(false);
    expect(multi.extract({ ...h, 'x-b3-sampled': 'false' }, headerGetter)?.sampled).toBe(false);
    expect(multi.extract(h, headerGetter)?.sampled).toBe(false);
  });

  test('X-B3-Flags: 1 is debug and implies sampled', () => {
    const ctx = multi.extract(
      { 'x-b3-traceid': '463ac35c9f6413ad48485a3953bb6124', 'x-b3-spanid': 'a2fb4a1d1a96d312', 'x-b3-flags': '1' },
      headerGetter,
    );
    expect(ctx).toMatchObject({ sampled: true, debug: true });
  });

  test('extraction reads single first, falls back to multi when single is invalid', () => {
    const m = { 'x-b3-traceid': '463ac35c9f6413ad48485a3953bb6124', 'x-b3-spanid': 'a2fb4a1d1a96d312', 'x-b3-sampled': '1' };
    expect(multi.extract({ ...m, b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1' }, headerGetter)?.traceId).toBe(
      '80f198ee56343ba864fe8b2a57d3eff7',
    );
    expect(single.extract({ ...m, b3: 'garbage' }, headerGetter)?.traceId).toBe('463ac35c9f6413ad48485a3953bb6124');
    // the single-injecting propagator still reads multi headers, and vice versa
    expect(single.extract(m, headerGetter)?.traceId).toBe('463ac35c9f6413ad48485a3953bb6124');
  });

  test.each([
    ['all-zero trace id', '00000000000000000000000000000000-e457b5a2e4d86bd1-1'],
    ['all-zero span id', '80f198ee56343ba864fe8b2a57d3eff7-0000000000000000-1'],
    ['upper-case hex', '80F198EE56343BA864FE8B2A57D3EFF7-E457B5A2E4D86BD1-1'],
    ['24-hex trace id', '80f198ee56343ba864fe8b2a-e457b5a2e4d86bd1-1'],
    ['short span id', '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86b-1'],
    ['bad sampling state', '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-x'],
    ['too many fields', '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90-1'],
    ['empty', ''],
  ])('rejects single %s', (_n, b3) => {
    expect(single.extract({ b3 }, headerGetter)).toBeUndefined();
  });

  test('an invalid parent id is ignored, the rest kept', () => {
    const ctx = single.extract({ b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-zzzz' }, headerGetter);
    expect(ctx?.spanId).toBe('e457b5a2e4d86bd1');
    expect(ctx?.parentSpanId).toBeUndefined();
  });
});

describe('B3Propagator — inject and round trips', () => {
  const base: SpanContext = {
    traceId: '80f198ee56343ba864fe8b2a57d3eff7',
    spanId: 'e457b5a2e4d86bd1',
    parentSpanId: '05e3ac9a4f6e3b90',
    sampled: true,
    debug: false,
    baggage: {},
  };

  test('single header, exactly as the README', () => {
    const out: Record<string, string> = {};
    single.inject(base, out, recordSetter);
    expect(out).toEqual({ b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90' });
  });

  test('multi headers; debug sends X-B3-Flags and no X-B3-Sampled', () => {
    const out: Record<string, string> = {};
    multi.inject(base, out, recordSetter);
    expect(out).toEqual({
      'x-b3-traceid': '80f198ee56343ba864fe8b2a57d3eff7',
      'x-b3-spanid': 'e457b5a2e4d86bd1',
      'x-b3-parentspanid': '05e3ac9a4f6e3b90',
      'x-b3-sampled': '1',
    });
    const dbg: Record<string, string> = {};
    multi.inject({ ...base, debug: true }, dbg, recordSetter);
    expect(dbg['x-b3-flags']).toBe('1');
    expect(dbg['x-b3-sampled']).toBeUndefined();
    const dbgSingle: Record<string, string> = {};
    single.inject({ ...base, debug: true, parentSpanId: undefined }, dbgSingle, recordSetter);
    expect(dbgSingle.b3).toBe('80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d');
  });

  test('a 64-bit trace id is written as 16 hex', () => {
    const out: Record<string, string> = {};
    multi.inject({ ...base, traceId: '0000000000000000463ac35c9f6413ad' }, out, recordSetter);
    expect(out['x-b3-traceid']).toBe('463ac35c9f6413ad');
  });

  test('round trips (ids, sampled, debug) in both forms', () => {
    for (const p of [single, multi]) {
      for (const flags of [
        { sampled: true, debug: false },
        { sampled: false, debug: false },
        { sampled: true, debug: true },
      ]) {
        for (const parentSpanId of [undefined, '05e3ac9a4f6e3b90']) {
          const ctx: SpanContext = { ...base, ...flags, parentSpanId };
          if (parentSpanId === undefined) delete ctx.parentSpanId;
          const out: Record<string, string> = {};
          p.inject(ctx, out, headerSetter);
          expect(p.extract(out, recordGetter)).toEqual({ ...ctx, isRemote: true });
        }
      }
    }
  });

  test('invalid context writes nothing', () => {
    const out: Record<string, string> = {};
    single.inject({ ...base, traceId: 'xyz' }, out, recordSetter);
    multi.inject({ ...base, spanId: '0000000000000000' }, out, recordSetter);
    expect(out).toEqual({});
  });
});
