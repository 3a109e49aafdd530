/**
 * Deterministic reproductions of the defects the reliability suite found. Each was marked
 * `it.failing` until its owner applied the fix; all are fixed now and stay as plain
 * regression tests. (D6 lives in exit.test.ts, D7/D8 in secrets.test.ts.)
 *
 * D1 — SkyWalking: spans the exporter only buffered (waiting for their segment's first span)
 *      were counted as `exported`; dropped at shutdown they were then counted twice.
 *      FIXED in b2c7550 (moved from exported to dropped); kept as a plain regression test.
 * D2 — HTTP exporters ignored `Retry-After` on 429/503 (the pipeline retried after its own
 *      100–300 ms backoff). FIXED in e4def63 (core) and d1a4bf8 (senders).
 * D3 — SkyWalking did not retry `RESOURCE_EXHAUSTED` (an overloaded OAP or gateway).
 *      FIXED in 0215741.
 * D4 — Core: `await tracer.shutdown()` held no ref'd handle: with nothing else open (the last
 *      step of a script or of a graceful stop) Node exited in the middle of the shutdown while
 *      the pipeline slept between retries. FIXED in 6843432; kept here as a plain regression test.
 * D5 — Core: `await tracer.flush()` had the same flaw. FIXED in b2c7550; plain regression test.
 */
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createTracer, type Tracer } from '../../src';
import { runNode } from '../support/childProcess';
import { captureLogs } from './app';
import { backendName, endpointFor } from './backends';
import { closedPort, startGrpcStatusServer, startHttpStatusServer } from './faults';

const tracers: Tracer[] = [];
afterEach(async () => {
  await Promise.all(tracers.splice(0).map((t) => t.shutdown(500)));
});

describe('D1 (fixed): SkyWalking stats count only what the OAP accepted', () => {
  it('a child span flushed before its entry span, to a dead OAP, is counted as dropped, never as exported', async () => {
    const port = await closedPort();
    const logs = captureLogs();
    const tracer = createTracer({
      serviceName: 'd1',
      backend: 'skywalking',
      endpoint: endpointFor('skywalking', port),
      reporter: { flushInterval: 60_000, maxRetries: 0, timeout: 500 },
      logger: logs.logger('d1'),
    });
    tracers.push(tracer);
    const entry = tracer.startSpan('GET /x', { kind: 'entry', parent: null });
    const child = tracer.startSpan('db', { kind: 'exit', parent: entry, peer: '127.0.0.1:5432' });
    child.end();
    await tracer.flush(); // batch [child]: the assembler holds it, export() resolves
    entry.end();
    await tracer.flush(); // batch [entry]: the OAP is down, rejected, counted as dropped
    await tracer.shutdown(1000); // the held child is dropped inside the exporter
    const s = tracer.stats();
    expect(s.finished).toBe(2);
    // Nothing reached an OAP, so nothing may count as exported, and both spans as dropped.
    expect(s.exported).toBe(0);
    expect(s.dropped).toBe(2);
  });
});

describe.each(['jaeger-http', 'zipkin', 'otlp-http'])('D2 (fixed): %s honours Retry-After', (label) => {
  it('retries a 429 answered with Retry-After: 1 no sooner than 1 s later', async () => {
    const server = await startHttpStatusServer(429, { retryAfterSeconds: 1 });
    try {
      const tracer = createTracer({
        serviceName: 'd2',
        backend: backendName(label),
        endpoint: endpointFor(label, server.port),
        reporter: { flushInterval: 60_000, maxRetries: 1, timeout: 1000 },
        logger: captureLogs().logger('d2'),
      });
      tracers.push(tracer);
      tracer.startSpan('op', { parent: null }).end();
      await tracer.flush(); // first attempt, then one retry
      expect(server.requestTimes.length).toBe(2);
      const gap = (server.requestTimes[1] as number) - (server.requestTimes[0] as number);
      expect(gap).toBeGreaterThanOrEqual(900);
    } finally {
      await server.stop();
    }
  });
});

describe('D3 (fixed): SkyWalking retries RESOURCE_EXHAUSTED', () => {
  it.each([
    ['sends a batch again after RESOURCE_EXHAUSTED, as after UNAVAILABLE', grpc.status.RESOURCE_EXHAUSTED],
    ['control: UNAVAILABLE is retried (same setup)', grpc.status.UNAVAILABLE],
  ])('%s', async (_title, status) => {
    const server = await startGrpcStatusServer(status);
    try {
      const tracer = createTracer({
        serviceName: 'd3',
        backend: 'skywalking',
        endpoint: server.address,
        reporter: { flushInterval: 60_000, maxRetries: 1, timeout: 1000 },
        logger: captureLogs().logger('d3'),
      });
      tracers.push(tracer);
      tracer.startSpan('GET /x', { kind: 'entry', parent: null }).end();
      await tracer.flush();
      expect(server.calls.get('/skywalking.v3.TraceSegmentReportService/collect')).toBe(2);
    } finally {
      await server.stop();
    }
  });
});


describe('D4/D5: an awaited shutdown() or flush() settles before the process exits', () => {
  const ROOT = path.resolve(__dirname, '..', '..');
  const CHILD = `
    const { createTracer } = require(${JSON.stringify(path.join(ROOT, 'dist', 'src'))});
    require(${JSON.stringify(path.join(ROOT, 'dist', 'adapters'))});
    const quiet = () => undefined;
    const tracer = createTracer({ serviceName: 'd4', backend: 'zipkin', endpoint: process.env.ENDPOINT,
      reporter: { flushInterval: 20, timeout: 300, maxRetries: 5 }, logger: { debug: quiet, info: quiet, warn: quiet, error: quiet } });
    tracer.startSpan('op', { parent: null }).end();
    // 150 ms later the pipeline sleeps between retries (connection refused is immediate).
    setTimeout(async () => {
      if (process.env.CALL === 'flush') {
        await tracer.flush();
        process.stdout.write('FLUSH ' + JSON.stringify({ stats: tracer.stats() }) + '\\n');
      } else {
        const result = await tracer.shutdown(2000);
        process.stdout.write('SHUTDOWN ' + JSON.stringify({ result, stats: tracer.stats() }) + '\\n');
      }
    }, 150);
  `;

  async function run(call: 'flush' | 'shutdown'): Promise<{ stdout: string; code: number | null }> {
    const port = await closedPort();
    const child = await runNode(['-e', CHILD], { cwd: ROOT, env: { CALL: call, ENDPOINT: endpointFor('zipkin', port) }, killAfterMs: 20_000 });
    if (child.stderr) process.stderr.write(child.stderr);
    return { stdout: child.stdout, code: child.code };
  }

  it('D4 (fixed): the line after `await tracer.shutdown(2000)` runs, with the span counted as dropped', async () => {
    const out = await run('shutdown');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/SHUTDOWN .*"dropped":1/);
  }, 30_000);

  it('D5 (fixed): the line after `await tracer.flush()` runs, with the span counted as dropped', async () => {
    const out = await run('flush');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/FLUSH .*"dropped":1/);
  }, 30_000);
});
