import { BatchSpanProcessor, createTracer, type ExportError, type FinishedSpan, type Logger, type SpanExporter } from '../../../src';

const quietLogger = (): Logger & { warnings: string[] } => {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, warn: (m) => void warnings.push(m), error: (m) => void warnings.push(m) };
};

function fakeSpan(i: number): FinishedSpan {
  return { name: `s${i}`, attributes: {} } as unknown as FinishedSpan;
}

const options = { queueSize: 10, flushInterval: 50, maxBatchSize: 4, exportTimeout: 200, maxRetries: 2, retryBaseDelay: 5 };

describe('BatchSpanProcessor', () => {
  it('bounds the queue and counts drops, logging once per interval', async () => {
    const log = quietLogger();
    const exporter: SpanExporter = { export: () => new Promise(() => undefined), forceFlush: async () => {}, shutdown: async () => {} };
    const p = new BatchSpanProcessor(exporter, { ...options, flushInterval: 60_000, maxBatchSize: 1000 }, log);
    for (let i = 0; i < 1000; i++) p.onEnd(fakeSpan(i));
    expect(p.queued).toBe(10);
    expect(p.counters.dropped).toBe(990);
    expect(log.warnings.filter((w) => w.includes('queue full'))).toHaveLength(1);
    const r = await p.shutdown(50);
    expect(r.dropped).toBe(10);
  });

  it('delivers in batches of maxBatchSize and never twice', async () => {
    const batches: number[][] = [];
    const exporter: SpanExporter = {
      export: async (b) => void batches.push(b.map((s) => Number(s.name.slice(1)))),
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    const p = new BatchSpanProcessor(exporter, options, quietLogger());
    for (let i = 0; i < 10; i++) p.onEnd(fakeSpan(i));
    await p.forceFlush();
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(batches.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(p.counters.exported).toBe(10);
    await p.shutdown();
  });

  it('retries retryable failures with backoff, then delivers; drops non-retryable ones', async () => {
    let calls = 0;
    const delivered: string[] = [];
    const exporter: SpanExporter = {
      export: async (b) => {
        calls++;
        if (b[0].name === 's0' && calls < 3) {
          const e: ExportError = new Error('503');
          e.retryable = true;
          throw e;
        }
        if (b[0].name === 'bad') throw new Error('400 bad request');
        delivered.push(...b.map((s) => s.name));
      },
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    const p = new BatchSpanProcessor(exporter, { ...options, maxBatchSize: 1 }, quietLogger());
    p.onEnd(fakeSpan(0));
    p.onEnd({ name: 'bad', attributes: {} } as unknown as FinishedSpan);
    await p.forceFlush();
    expect(delivered).toEqual(['s0']);
    expect(p.counters).toEqual({ exported: 1, dropped: 1, exportErrors: 3 });
    await p.shutdown();
  });

  it('times out a hanging export and never throws from a synchronously throwing exporter', async () => {
    const hanging: SpanExporter = { export: () => new Promise(() => undefined), forceFlush: async () => {}, shutdown: async () => {} };
    const p = new BatchSpanProcessor(hanging, { ...options, maxRetries: 0, exportTimeout: 30 }, quietLogger());
    p.onEnd(fakeSpan(1));
    await p.forceFlush();
    expect(p.counters.dropped).toBe(1);
    await p.shutdown();
    const throwing: SpanExporter = { export: () => { throw new Error('sync'); }, forceFlush: async () => {}, shutdown: async () => {} };
    const q = new BatchSpanProcessor(throwing, options, quietLogger());
    q.onEnd(fakeSpan(1));
    await q.forceFlush();
    expect(q.counters.dropped).toBe(1);
    await q.shutdown();
  });

  it('shutdown with a deadline returns what it had to drop; later spans are dropped', async () => {
    const slow: SpanExporter = { export: () => new Promise((r) => setTimeout(r, 1000)), forceFlush: async () => {}, shutdown: async () => {} };
    const p = new BatchSpanProcessor(slow, { ...options, exportTimeout: 5000 }, quietLogger());
    for (let i = 0; i < 8; i++) p.onEnd(fakeSpan(i));
    const t0 = Date.now();
    const r = await p.shutdown(100);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.dropped).toBe(8);
    p.onEnd(fakeSpan(99));
    expect(p.counters.dropped).toBe(9);
  });

  it('the tracer reports pipeline stats', async () => {
    const t = createTracer({ serviceName: 's', backend: 'memory', reporter: { queueSize: 3, flushInterval: 60000 }, recordCaller: false, logger: quietLogger() });
    for (let i = 0; i < 5; i++) t.startSpan('x').end();
    expect(t.stats()).toMatchObject({ started: 5, finished: 5, queued: 3, dropped: 2 });
    await t.flush();
    expect(t.stats()).toMatchObject({ exported: 3, queued: 0 });
    await t.shutdown();
  });
});

describe('BatchSpanProcessor in a process with nothing else to do', () => {
  it('shutdown() settles (and the process then exits) even while a retry backoff is pending', () => {
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const path = require('node:path') as typeof import('node:path');
    const dist = path.resolve(__dirname, '../../../dist/src');
    const script = `
      const { createTracer, registerBackend } = require(${JSON.stringify(dist)});
      registerBackend('down', () => ({ exporter: {
        export: async () => { const e = new Error('503'); e.retryable = true; throw e; },
        forceFlush: async () => {}, shutdown: async () => {} } }));
      const t = createTracer({ serviceName: 's', backend: 'down', recordCaller: false,
        reporter: { flushInterval: 20, maxRetries: 5 }, logger: { debug() {}, info() {}, warn() {}, error() {} } });
      for (let i = 0; i < 10; i++) t.startSpan('x').end();
      setTimeout(async () => {
        const r = await t.shutdown(400);
        console.log('RESULT ' + JSON.stringify(r));
      }, 60);`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10000 });
    expect(run.stdout).toContain('RESULT {"delivered":0,"dropped":10}');
    expect(run.status).toBe(0);
  });
});

describe('BatchSpanProcessor and Retry-After', () => {
  it('waits at least retryAfterMs before retrying a retryable failure', async () => {
    const attempts: number[] = [];
    const exporter: SpanExporter = {
      export: async () => {
        attempts.push(Date.now());
        if (attempts.length === 1) {
          const e: ExportError = new Error('429');
          e.retryable = true;
          e.retryAfterMs = 300;
          throw e;
        }
      },
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    const p = new BatchSpanProcessor(exporter, { ...options, retryBaseDelay: 1 }, quietLogger());
    p.onEnd(fakeSpan(1));
    await p.forceFlush();
    expect(attempts).toHaveLength(2);
    expect(attempts[1] - attempts[0]).toBeGreaterThanOrEqual(290);
    expect(p.counters.exported).toBe(1);
    await p.shutdown();
  });
});

describe('BatchSpanProcessor and maxConcurrentExports', () => {
  /** An exporter whose export() calls stay open until released; records how many overlap. */
  function gatedExporter(maxConcurrentExports?: number) {
    const open: Array<() => void> = [];
    const delivered: string[] = [];
    let running = 0;
    let most = 0;
    const exporter: SpanExporter = {
      maxConcurrentExports,
      export: (b) =>
        new Promise<void>((resolve) => {
          running++;
          most = Math.max(most, running);
          open.push(() => {
            running--;
            delivered.push(...b.map((s) => s.name));
            resolve();
          });
        }),
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    /** Let every open call finish, until none is left and the pipeline settled. */
    const releaseAll = async (settled: Promise<unknown>): Promise<void> => {
      let done = false;
      void settled.then(() => (done = true));
      while (!done) {
        open.splice(0).forEach((f) => f());
        await new Promise((r) => setImmediate(r));
      }
    };
    return { exporter, delivered, open, most: () => most, releaseAll };
  }

  const many = { queueSize: 100, flushInterval: 60_000, maxBatchSize: 4, exportTimeout: 5000, maxRetries: 0 };

  it('forceFlush exports up to maxConcurrentExports batches at once, each span once', async () => {
    const g = gatedExporter(3);
    const p = new BatchSpanProcessor(g.exporter, many, quietLogger());
    for (let i = 0; i < 30; i++) p.onEnd(fakeSpan(i));
    const flushed = p.forceFlush();
    await new Promise((r) => setImmediate(r));
    expect(g.open).toHaveLength(3); // three batches in flight together
    await g.releaseAll(flushed);
    expect(g.most()).toBe(3);
    expect([...g.delivered].sort()).toEqual(Array.from({ length: 30 }, (_, i) => `s${i}`).sort());
    expect(p.counters.exported).toBe(30);
    await p.shutdown();
  });

  it('exports one batch at a time without it, and in steady state even with it', async () => {
    const plain = gatedExporter(undefined);
    const p1 = new BatchSpanProcessor(plain.exporter, many, quietLogger());
    for (let i = 0; i < 12; i++) p1.onEnd(fakeSpan(i));
    await plain.releaseAll(p1.forceFlush());
    expect(plain.most()).toBe(1);
    expect(p1.counters.exported).toBe(12);
    await p1.shutdown();

    // full batches kick a steady-state round: one worker, although the exporter allows 4
    const g = gatedExporter(4);
    const p2 = new BatchSpanProcessor(g.exporter, many, quietLogger());
    for (let i = 0; i < 12; i++) p2.onEnd(fakeSpan(i));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(g.open).toHaveLength(1);
    // a flush joins the running round with more workers
    const flushed = p2.forceFlush();
    expect(g.open.length).toBeGreaterThan(1);
    await g.releaseAll(flushed);
    expect(p2.counters.exported).toBe(12);
    await p2.shutdown();
  });

  it('ignores a maxConcurrentExports that is not an integer above 1, or whose getter throws', async () => {
    for (const bad of [0, -3, 2.5, Number.NaN, '4']) {
      const g = gatedExporter(bad as number);
      const p = new BatchSpanProcessor(g.exporter, many, quietLogger());
      for (let i = 0; i < 12; i++) p.onEnd(fakeSpan(i));
      await g.releaseAll(p.forceFlush());
      expect(g.most()).toBe(1);
      await p.shutdown();
    }
    const throwing = { export: async () => {}, forceFlush: async () => {}, shutdown: async () => {} } as SpanExporter;
    Object.defineProperty(throwing, 'maxConcurrentExports', { get: () => { throw new Error('no'); } });
    const p = new BatchSpanProcessor(throwing, many, quietLogger());
    p.onEnd(fakeSpan(1));
    await p.forceFlush();
    expect(p.counters.exported).toBe(1);
    await p.shutdown();
  });

  it('at a shutdown deadline counts every batch still in flight as dropped, once, and not later as exported', async () => {
    const g = gatedExporter(3);
    const p = new BatchSpanProcessor(g.exporter, many, quietLogger());
    for (let i = 0; i < 20; i++) p.onEnd(fakeSpan(i));
    const r = await p.shutdown(100); // nothing answers before the deadline
    expect(g.most()).toBe(3);
    expect(r).toEqual({ delivered: 0, dropped: 20 });
    g.open.splice(0).forEach((f) => f()); // the abandoned calls answer late
    await new Promise((r2) => setTimeout(r2, 10));
    expect(p.counters).toMatchObject({ exported: 0, dropped: 20 });
  });

  it('starts no batch after a deadline timer fired, even when the wall clock lags the timers', async () => {
    // Timers run on the monotonic clock, Date.now() on the wall clock; a VM's wall clock can
    // lag (slewed, stepped). Here it runs at 80 % speed: the deadline-capped export timeout
    // fires while Date.now() is still short of the deadline. The workers must stop there, not
    // start more batches with 1 ms left (each sent to the collector, then counted dropped).
    const g = gatedExporter(3);
    const p = new BatchSpanProcessor(g.exporter, many, quietLogger());
    for (let i = 0; i < 100; i++) p.onEnd(fakeSpan(i));
    const realNow = Date.now.bind(Date);
    const t0 = realNow();
    const now = jest.spyOn(Date, 'now').mockImplementation(() => t0 + Math.floor((realNow() - t0) * 0.8));
    let calls = 0;
    const exportFn = g.exporter.export;
    g.exporter.export = (b) => (calls++, exportFn(b));
    try {
      const r = await p.shutdown(100);
      expect(r).toEqual({ delivered: 0, dropped: 100 });
    } finally {
      now.mockRestore();
    }
    expect(calls).toBe(3); // the three batches in flight at the deadline, none after
  });

  it('sends no retry after a shutdown deadline fired during its backoff', async () => {
    // Wall clock at half speed: the retry's backoff looks as if it ends before the deadline,
    // but the timers say otherwise — the deadline fires while the batch sleeps.
    const calls: number[] = [];
    let t0 = 0;
    const exporter: SpanExporter = {
      maxConcurrentExports: 2,
      export: (b) => {
        calls.push(performance.now() - t0);
        if (b[0]!.name === 's0') return new Promise(() => undefined); // first batch hangs
        const e: ExportError = new Error('503');
        e.retryable = true;
        e.retryAfterMs = 60;
        return Promise.reject(e);
      },
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    const p = new BatchSpanProcessor(exporter, { ...many, maxRetries: 5, retryBaseDelay: 1 }, quietLogger());
    for (let i = 0; i < 8; i++) p.onEnd(fakeSpan(i));
    const realNow = Date.now.bind(Date);
    const start = realNow();
    const now = jest.spyOn(Date, 'now').mockImplementation(() => start + Math.floor((realNow() - start) * 0.5));
    t0 = performance.now();
    let done = 0;
    try {
      const r = await p.shutdown(100);
      done = performance.now() - t0;
      expect(r).toEqual({ delivered: 0, dropped: 8 });
    } finally {
      now.mockRestore();
    }
    await new Promise((r) => setTimeout(r, 150)); // past any backoff that was running
    expect(calls.filter((at) => at > done)).toEqual([]);
    expect(p.counters.dropped).toBe(8);
  });
});
