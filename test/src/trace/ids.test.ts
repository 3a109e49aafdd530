import type * as Ids from '../../../src/trace/ids';

/** The ids module with `randomFillSync` filling zeros for its first `zeroFills` calls. */
function idsWithZeroFills(zeroFills: number): { ids: typeof Ids; fills: () => number } {
  let calls = 0;
  let ids: typeof Ids | undefined;
  jest.isolateModules(() => {
    jest.doMock('node:crypto', () => {
      const real = jest.requireActual<typeof import('node:crypto')>('node:crypto');
      return {
        ...real,
        randomFillSync: (buf: Buffer) => {
          calls++;
          return calls <= zeroFills ? buf.fill(0) : real.randomFillSync(buf);
        },
      };
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ids = require('../../../src/trace/ids') as typeof Ids;
  });
  jest.dontMock('node:crypto');
  return { ids: ids!, fills: () => calls };
}

describe('trace and span ids', () => {
  it('are lower-case hex of 32 and 16 characters, and do not repeat', () => {
    const { ids } = idsWithZeroFills(0);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const t = ids.newTraceId();
      const s = ids.newSpanId();
      expect(t).toMatch(/^[0-9a-f]{32}$/);
      expect(s).toMatch(/^[0-9a-f]{16}$/);
      seen.add(t).add(s);
    }
    expect(seen.size).toBe(4000);
  });

  it('are never all zeros (W3C: invalid), even when the random source gives zeros', () => {
    const span = idsWithZeroFills(1);
    const s = span.ids.newSpanId();
    expect(s).not.toBe('0'.repeat(16)); // the zero pool was skipped, not handed out
    expect(s).toMatch(/^[0-9a-f]{16}$/);
    expect(span.fills()).toBe(2);
    const trace = idsWithZeroFills(1);
    const t = trace.ids.newTraceId();
    expect(t).not.toBe('0'.repeat(32));
    expect(t).toMatch(/^[0-9a-f]{32}$/);
    expect(trace.fills()).toBe(2);
  });

  it('may start with zeros when they are not all zeros', () => {
    const { ids } = idsWithZeroFills(0);
    let leadingZero = 0;
    for (let i = 0; i < 400; i++) if (ids.newSpanId().startsWith('0')) leadingZero++;
    expect(leadingZero).toBeGreaterThan(0); // ~1 in 16: not filtered out with the all-zero ones
  });
});

describe('the random pool', () => {
  it('is filled once per 2,048 span ids (16 KB), not once per id', () => {
    const { ids, fills } = idsWithZeroFills(0);
    for (let i = 0; i < 2048; i++) ids.newSpanId();
    expect(fills()).toBe(1);
    ids.newSpanId();
    expect(fills()).toBe(2);
    for (let i = 0; i < 1023; i++) ids.newTraceId(); // 16 bytes each: 1,023 fit beside the one span id
    expect(fills()).toBe(2);
    ids.newTraceId();
    expect(fills()).toBe(3);
  });
});
