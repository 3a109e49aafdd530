/**
 * The stand-ins must decode what the vendor's own client sends, not just what our exporter
 * sends: here jaeger-client's RemoteReporter (its HTTPSender and UDPSender) reports to them.
 */
import { initTracer, type JaegerTracer } from 'jaeger-client';
import { deferCleanups } from './fixtures';
import { startJaegerAgent, startJaegerCollector } from './standins';

const defer = deferCleanups();

const quietLogger = { info: (): void => undefined, error: (): void => undefined };

function close(tracer: JaegerTracer): Promise<void> {
  return new Promise<void>((resolve) => tracer.close(() => resolve()));
}

function reportOne(tracer: JaegerTracer): { traceId: string; spanId: string } {
  const parent = tracer.startSpan('parent-op');
  const child = tracer.startSpan('child-op', { childOf: parent, tags: { 'span.kind': 'client', attempt: 2 } });
  child.log({ event: 'retry', delayMs: 5 });
  child.finish();
  parent.finish();
  const ctx = child.context() as unknown as { toTraceId(): string; toSpanId(): string };
  return { traceId: ctx.toTraceId(), spanId: ctx.toSpanId() };
}

describe('Jaeger stand-ins decode jaeger-client\'s own senders', () => {
  it('collector stand-in: HTTPSender with basic auth', async () => {
    const collector = await startJaegerCollector({ user: 'u', password: 'p' });
    defer(() => collector.stop());
    const tracer = initTracer(
      {
        serviceName: 'vendor-http',
        sampler: { type: 'const', param: 1 },
        reporter: { collectorEndpoint: collector.url, username: 'u', password: 'p', flushIntervalMs: 60000 },
      },
      { logger: quietLogger },
    );
    defer(() => close(tracer));
    const ids = reportOne(tracer);
    await close(tracer);
    await collector.waitForSpans(2);
    expect(collector.requests.every((r) => r.status === 202)).toBe(true);
    const child = collector.spans.find((s) => s.operationName === 'child-op');
    expect(child?.process.serviceName).toBe('vendor-http');
    expect(child?.traceId.replace(/^0+/, '')).toBe(ids.traceId);
    expect(child?.spanId.replace(/^0+/, '')).toBe(ids.spanId);
    expect(child?.tags['span.kind']).toBe('client');
    expect(child?.logs[0].fields.event).toBe('retry');
    expect(collector.received().find((s) => s.name === 'child-op')?.kind).toBe('client');
    await collector.stop();
  });

  it('agent stand-in: UDPSender emitBatch', async () => {
    const agent = await startJaegerAgent();
    defer(() => agent.stop());
    const tracer = initTracer(
      {
        serviceName: 'vendor-udp',
        sampler: { type: 'const', param: 1 },
        reporter: { agentHost: '127.0.0.1', agentPort: agent.port, flushIntervalMs: 60000 },
      },
      { logger: quietLogger },
    );
    defer(() => close(tracer));
    const ids = reportOne(tracer);
    await close(tracer);
    await agent.waitForSpans(2);
    expect(agent.decodeErrors).toEqual([]);
    const child = agent.spans.find((s) => s.operationName === 'child-op');
    expect(child?.process.serviceName).toBe('vendor-udp');
    expect(child?.spanId.replace(/^0+/, '')).toBe(ids.spanId);
    expect(child?.parentSpanId).toBe(agent.spans.find((s) => s.operationName === 'parent-op')?.spanId);
    await agent.stop();
  });
});
