/**
 * The zipkin backend behind the core's pipeline (createTracer): a dead or hanging Zipkin
 * costs only counted drops — the app's spans never throw, requests never pile up, and
 * shutdown() returns with its deadline.
 */
import { createTracer, type Tracer } from '../../../src';
import { silentLogger as quietLogger } from '../../support/logger';
import { startZipkinStandIn, type ZipkinStandIn } from './standin';

function endSpans(tracer: Tracer, n: number): void {
  for (let i = 0; i < n; i++) {
    const span = tracer.startSpan(`op-${i}`, { kind: 'local' });
    span.setTag('i', i);
    span.end();
  }
}

describe('zipkin backend behind the core pipeline', () => {
  let z: ZipkinStandIn;
  afterEach(() => z.stop());

  test('healthy Zipkin: flush() delivers every span, in batches of maxBatchSize', async () => {
    z = await startZipkinStandIn();
    const tracer = createTracer({ serviceName: 'svc', backend: 'zipkin', endpoint: z.url, logger: quietLogger, reporter: { maxBatchSize: 10, flushInterval: 60_000 } });
    endSpans(tracer, 25);
    await tracer.flush();
    expect(z.spans).toHaveLength(25);
    // batches of 10, sent in parallel (arrival order may vary)
    expect(z.requests.map((r) => r.spanCount).sort((x, y) => x - y)).toEqual([5, 10, 10]);
    expect(tracer.stats()).toMatchObject({ exported: 25, dropped: 0, queued: 0 });
    await tracer.shutdown();
  });

  test('dead Zipkin: spans are dropped and counted, nothing throws', async () => {
    z = await startZipkinStandIn();
    const endpoint = z.url;
    await z.stop();
    const tracer = createTracer({ serviceName: 'svc', backend: 'zipkin', endpoint, logger: quietLogger, reporter: { maxRetries: 1, flushInterval: 20 } });
    expect(() => endSpans(tracer, 12)).not.toThrow();
    await tracer.flush();
    expect(tracer.stats()).toMatchObject({ exported: 0, dropped: 12, queued: 0 });
    expect(tracer.stats().exportErrors).toBeGreaterThanOrEqual(1);
    await tracer.shutdown();
    z = await startZipkinStandIn(); // for afterEach
  });

  test('hanging Zipkin: timed out per request, never more requests open than the exporter takes at once, shutdown keeps its deadline', async () => {
    z = await startZipkinStandIn('hang');
    const tracer = createTracer({
      serviceName: 'svc',
      backend: 'zipkin',
      endpoint: z.url,
      logger: quietLogger,
      reporter: { timeout: 150, maxRetries: 1, flushInterval: 10, maxBatchSize: 5 },
    });
    endSpans(tracer, 5);
    await z.waitForRequests(2); // first attempt timed out, then the retry
    endSpans(tracer, 20);
    const result = await tracer.shutdown(300);
    const stats = tracer.stats();
    expect(stats.exported).toBe(0);
    expect(stats.dropped).toBe(25);
    expect(result.delivered).toBe(0);
    // one at a time in steady state; the shutdown drain runs the exporter's maxConcurrentExports (4) at once, no more
    expect(z.maxInFlight()).toBe(4);
    for (let i = 0; i < 50 && z.inFlight() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(z.inFlight()).toBe(0); // nothing left open after shutdown
  });
});
