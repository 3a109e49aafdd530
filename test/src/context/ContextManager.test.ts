import { EventEmitter } from 'node:events';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { bind, bindEmitter, createTracer, currentSpan, withSpan, type Span } from '../../../src';

const tracer = createTracer({ serviceName: 'ctx', backend: 'noop', recordCaller: false });
afterAll(() => tracer.shutdown());

describe('context (AsyncLocalStorage)', () => {
  it('survives await, timers, setImmediate, nextTick and promise chains', async () => {
    const span = tracer.startSpan('root');
    await withSpan(span, async () => {
      await Promise.resolve();
      expect(currentSpan()).toBe(span);
      await new Promise<void>((r) => setTimeout(() => { expect(currentSpan()).toBe(span); r(); }, 1));
      await new Promise<void>((r) => setImmediate(() => { expect(currentSpan()).toBe(span); r(); }));
      await new Promise<void>((r) => process.nextTick(() => { expect(currentSpan()).toBe(span); r(); }));
      await Promise.resolve().then(() => expect(currentSpan()).toBe(span));
    });
    expect(currentSpan()).toBeUndefined();
  });

  it('fan-out with Promise.all gives each branch its own child', async () => {
    const root = tracer.startSpan('root');
    const seen = await withSpan(root, () =>
      Promise.all(
        [1, 2, 3].map((i) =>
          tracer.startActiveSpan(`branch-${i}`, async (span) => {
            await new Promise((r) => setTimeout(r, 5 - i));
            const inner = tracer.createLocalSpan(`inner-${i}`);
            inner.end();
            return { span, inner };
          }),
        ),
      ),
    );
    for (const { span, inner } of seen) {
      expect(span.parentSpanId).toBe(root.spanId);
      expect(inner.parentSpanId).toBe(span.spanId);
    }
  });

  it('sequential awaited spans are siblings, not parent and child', async () => {
    const root = tracer.startSpan('entry', { kind: 'entry' });
    const [a, b] = await withSpan(root, async () => {
      const first = await tracer.startActiveSpan('a', async (s) => { await new Promise((r) => setTimeout(r, 1)); return s; });
      const second = await tracer.startActiveSpan('b', async (s) => s);
      return [first, second];
    });
    expect(a.parentSpanId).toBe(root.spanId);
    expect(b.parentSpanId).toBe(root.spanId);
    expect(b.segmentParentIndex).toBe(0);
  });

  it('bindEmitter runs listeners in the context they were added in; bind() binds a function', async () => {
    const ee = new EventEmitter();
    bindEmitter(ee);
    const span = tracer.startSpan('listener-owner');
    const seen: Array<Span | undefined> = [];
    const listener = (): void => { seen.push(currentSpan()); };
    withSpan(span, () => ee.on('ping', listener));
    const other = tracer.startSpan('emitter');
    withSpan(other, () => ee.emit('ping'));
    expect(seen).toEqual([span]);
    ee.off('ping', listener);
    ee.emit('ping');
    expect(seen).toHaveLength(1);
    const bound = withSpan(span, () => bind(() => currentSpan()));
    expect(withSpan(other, bound)).toBe(span);
  });

  it('streams keep the context of the pipeline', async () => {
    const span = tracer.startSpan('stream');
    const seen: Array<Span | undefined> = [];
    await withSpan(span, () =>
      pipeline(
        Readable.from(['a', 'b', 'c']),
        new Transform({ objectMode: true, transform(chunk, _enc, cb) { seen.push(currentSpan()); cb(null, chunk); } }),
        async function* (source) { for await (const _ of source) seen.push(currentSpan()); },
      ),
    );
    expect(seen.length).toBe(6);
    for (const s of seen) expect(s).toBe(span);
  });

  it('1,000 interleaved concurrent requests never mix', async () => {
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => {
        const entry = tracer.startSpan(`req-${i}`, { kind: 'entry', parent: null });
        return withSpan(entry, async () => {
          for (let step = 0; step < 3; step++) {
            await new Promise((r) => setTimeout(r, (i * 7 + step * 13) % 5));
            if (currentSpan() !== entry) return false;
            const child = tracer.createLocalSpan(`step-${step}`);
            if (child.traceId !== entry.traceId || child.parentSpanId !== entry.spanId) return false;
            child.end();
          }
          return currentSpan() === entry;
        });
      }),
    );
    expect(results.filter((ok) => !ok)).toHaveLength(0);
  });
});
