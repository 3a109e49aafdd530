/**
 * The jaeger backend behind the core's pipeline: config → transport, flush delivers every
 * queued span, a dead collector costs only counted drops.
 */
import { createTracer } from '../../../src';
import '../../../adapters/jaeger';
import { silentLogger as silent } from '../../support/logger';
import { deferCleanups } from './fixtures';
import { startJaegerAgent, startJaegerCollector } from './standins';
import { startHoldingProxy } from '../../support/holdingProxy';

const defer = deferCleanups();

describe('createTracer({ backend: "jaeger" })', () => {
  it('flush() delivers every queued span over HTTP with basic auth, in several batches', async () => {
    const collector = await startJaegerCollector({ user: 'svc', password: 'pw' });
    defer(() => collector.stop());
    const tracer = createTracer({
      serviceName: 'gateway',
      backend: 'jaeger',
      endpoint: collector.url,
      reporter: { user: 'svc', password: 'pw', maxBatchSize: 100, flushInterval: 60000 },
      tags: { region: 'eu-1' },
      logger: silent,
    });
    defer(() => tracer.shutdown());
    const root = tracer.startSpan('root', { kind: 'entry', parent: null });
    for (let i = 0; i < 499; i++) tracer.startSpan(`child-${i}`, { parent: root }).end();
    root.end();
    await tracer.flush();
    expect(collector.spans).toHaveLength(500);
    expect(collector.requests.length).toBeGreaterThanOrEqual(5);
    expect(collector.requests.every((r) => r.status === 202)).toBe(true);
    expect(new Set(collector.spans.map((s) => s.traceId))).toEqual(new Set([root.context().traceId]));
    expect(collector.spans[0].process.serviceName).toBe('gateway');
    expect(collector.spans[0].process.tags.region).toBe('eu-1');
    expect(collector.spans[0].process.tags['jaeger.version']).toMatch(/^traceandtrace-node-/);
    expect(tracer.stats()).toMatchObject({ exported: 500, dropped: 0 });
    await tracer.shutdown();
    await collector.stop();
  });

  it('sends to a UDP agent when the endpoint is udp://', async () => {
    const agent = await startJaegerAgent();
    defer(() => agent.stop());
    const tracer = createTracer({ serviceName: 'inventory', backend: 'jaeger', endpoint: agent.endpoint, logger: silent });
    defer(() => tracer.shutdown());
    const span = tracer.startSpan('reserve-stock', { parent: null });
    span.setTag('qty', 3);
    span.end();
    await tracer.shutdown();
    await agent.waitForSpans(1);
    expect(agent.spans[0]).toMatchObject({ operationName: 'reserve-stock', traceId: span.context().traceId, tags: { qty: 3 } });
    await agent.stop();
  });

  it('a dead collector costs only counted drops: no throw, flush and shutdown resolve', async () => {
    const c = await startJaegerCollector();
    const url = c.url;
    await c.stop();
    const tracer = createTracer({
      serviceName: 'orders',
      backend: 'jaeger',
      endpoint: url,
      reporter: { maxRetries: 0, flushInterval: 60000 },
      logger: silent,
    });
    defer(() => tracer.shutdown());
    expect(() => {
      for (let i = 0; i < 10; i++) tracer.startSpan(`op-${i}`, { parent: null }).end();
    }).not.toThrow();
    await tracer.flush();
    const stats = tracer.stats();
    expect(stats.dropped).toBe(10);
    expect(stats.exported).toBe(0);
    expect(stats.exportErrors).toBeGreaterThanOrEqual(1);
    await tracer.shutdown();
  });

  it('rejects an unusable endpoint at configuration time, naming the key', () => {
    expect(() => createTracer({ serviceName: 'x', backend: 'jaeger', endpoint: 'grpc://h:4317', logger: silent })).toThrow(/endpoint/);
  });
});

describe('jaeger backend: batches in flight together while the pipeline drains', () => {
  it('declares 4 over HTTP and 1 over UDP', async () => {
    const collector = await startJaegerCollector();
    const agent = await startJaegerAgent();
    defer(() => collector.stop());
    defer(() => agent.stop());
    const overHttp = createTracer({ serviceName: 'a', backend: 'jaeger', endpoint: collector.url, logger: silent });
    const overUdp = createTracer({ serviceName: 'b', backend: 'jaeger', endpoint: agent.endpoint, logger: silent });
    defer(() => overHttp.shutdown(1000));
    defer(() => overUdp.shutdown(1000));
    expect(overHttp.exporter.maxConcurrentExports).toBe(4);
    expect(overUdp.exporter.maxConcurrentExports).toBe(1);
  });

  it('a flush sends up to 4 Thrift batches at once to a slow collector, every span once', async () => {
    const collector = await startJaegerCollector();
    const proxy = await startHoldingProxy(Number(new URL(collector.url).port), 40);
    defer(() => collector.stop());
    defer(() => proxy.stop());
    const tracer = createTracer({
      serviceName: 'drain',
      backend: 'jaeger',
      endpoint: `http://127.0.0.1:${proxy.port}/api/traces`,
      recordCaller: false,
      reporter: { flushInterval: 60_000, maxBatchSize: 5 },
      logger: silent,
    });
    defer(() => tracer.shutdown(1000));
    for (let i = 0; i < 40; i++) tracer.startSpan(`s${i}`).end();
    await tracer.flush();
    expect(proxy.mostOpen()).toBeGreaterThan(1);
    expect(proxy.mostOpen()).toBeLessThanOrEqual(4);
    expect(collector.spans.map((s) => s.operationName).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `s${i}`).sort());
    expect(tracer.stats()).toMatchObject({ exported: 40, dropped: 0 });
  });
});
