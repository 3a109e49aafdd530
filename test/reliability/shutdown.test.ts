/**
 * `shutdown(deadline)` delivers what it can before the deadline, then returns the count it
 * had to drop — for every TCP backend, against
 * - a slow collector (the real stand-in behind a proxy that delays every answer by 150 ms):
 *   some batches arrive, the rest are dropped and counted, delivered + dropped = all (with
 *   an exporter's `maxConcurrentExports` batches in flight at once while shutdown drains:
 *   4 for OTLP, Jaeger over HTTP, Zipkin and SkyWalking);
 * - a hanging collector (accepts, never answers) with the default 10 s export timeout:
 *   shutdown still returns at its deadline, with everything counted as dropped.
 * Bounds on time are generous (deadline + 1 s); the exact figures go to the results file.
 * (`flushOnExit` is tested in test/src/trace/globalTracer.test.ts.)
 */
import { createTracer, type SpanExporter, type Tracer } from '../../src';
import { captureLogs } from './app';
import { BACKENDS, backendName, endpointFor, pointAt } from './backends';
import { startFaultProxy } from './faults';
import { writeExtra } from './results';

// 40 batches: more than 4 at a time can deliver against a 150 ms collector within 1 s.
const SPANS = 2000;
const BATCH = 50;
const rows: string[] = [];

function endSpans(tracer: Tracer, n: number): void {
  for (let i = 0; i < n; i++) tracer.startSpan(`op-${i}`, { kind: 'entry', parent: null }).end();
}

afterAll(async () => {
  // Exports abandoned at a deadline fail once their proxy is gone: let that happen inside
  // the test environment (see D6 in exit.test.ts for what it means outside jest).
  await new Promise((r) => setTimeout(r, 500));
  writeExtra(
    'shutdown',
    [
      '## shutdown(deadline)',
      '',
      `${SPANS} spans queued (batches of ${BATCH}, no flush timer), then \`shutdown(deadline)\`.`,
      '',
      '| backend | collector | batches in flight | deadline ms | took ms | delivered | dropped | stand-in received |',
      '|---|---|---|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
  );
});

describe.each(BACKENDS.filter((b) => b.transport !== 'udp').map((b) => [b.label, b] as const))('%s', (label, b) => {
  it('against a slow collector: delivers some batches before the deadline and counts the rest as dropped', async () => {
    const standIn = await b.harness.start();
    const proxy = await startFaultProxy({ targetPort: Number(/127\.0\.0\.1:(\d+)/.exec(String(standIn.config.endpoint))?.[1]) });
    proxy.setResponseDelay(150);
    try {
      const config = pointAt(standIn.config, proxy.port);
      const tracer = createTracer({
        ...config,
        serviceName: 'shutdown-slow',
        reporter: { ...(config.reporter ?? {}), flushInterval: 60_000, maxBatchSize: BATCH, timeout: 5000, maxRetries: 0 },
        logger: captureLogs().logger('shutdown-slow'),
      });
      const inFlight = (tracer.exporter as SpanExporter).maxConcurrentExports ?? 1;
      endSpans(tracer, SPANS);
      const deadline = 1000;
      const t0 = Date.now();
      const result = await tracer.shutdown(deadline);
      const took = Date.now() - t0;
      await new Promise((r) => setTimeout(r, 400)); // an abandoned in-flight batch may still land
      const received = new Set(standIn.received().map((s) => s.spanId)).size;
      rows.push(`| ${label} | answers after 150 ms | ${inFlight} | ${deadline} | ${took} | ${result.delivered} | ${result.dropped} | ${received} |`);
      expect(result.delivered + result.dropped).toBe(SPANS);
      expect(result.delivered).toBeGreaterThan(0);
      expect(result.dropped).toBeGreaterThan(0);
      expect(tracer.stats()).toMatchObject({ exported: result.delivered, dropped: result.dropped, queued: 0 });
      expect(took).toBeLessThan(deadline + 1000);
      // What it reported delivered did arrive; at most the abandoned in-flight batches arrived besides.
      expect(received).toBeGreaterThanOrEqual(result.delivered);
      expect(received).toBeLessThanOrEqual(result.delivered + BATCH * inFlight);
    } finally {
      await proxy.stop();
      await standIn.stop();
    }
  }, 20_000);

  it('against a hanging collector (10 s export timeout): returns at the deadline with every span counted as dropped', async () => {
    const proxy = await startFaultProxy({ mode: 'hang' });
    try {
      const tracer = createTracer({
        serviceName: 'shutdown-hang',
        backend: backendName(label),
        endpoint: endpointFor(label, proxy.port),
        reporter: { flushInterval: 60_000, maxBatchSize: BATCH, timeout: 10_000 },
        logger: captureLogs().logger('shutdown-hang'),
      });
      const inFlight = (tracer.exporter as SpanExporter).maxConcurrentExports ?? 1;
      endSpans(tracer, SPANS);
      const deadline = 300;
      const t0 = Date.now();
      const result = await tracer.shutdown(deadline);
      const took = Date.now() - t0;
      rows.push(`| ${label} | accepts, never answers | ${inFlight} | ${deadline} | ${took} | ${result.delivered} | ${result.dropped} | n/a |`);
      expect(result).toEqual({ delivered: 0, dropped: SPANS });
      expect(tracer.stats()).toMatchObject({ exported: 0, dropped: SPANS, queued: 0 });
      expect(took).toBeLessThan(deadline + 1000);
      // Idempotent: a second call returns the same outcome and counts nothing again.
      expect(await tracer.shutdown(deadline)).toEqual(result);
      expect(tracer.stats().dropped).toBe(SPANS);
    } finally {
      await proxy.stop();
    }
  }, 20_000);
});
