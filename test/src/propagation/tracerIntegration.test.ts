/**
 * The propagators as the core uses them: real tracers (memory backend) inject and extract
 * through `tracer.inject` / `tracer.extract` / `createEntrySpan` / `createExitSpan`.
 */
import { createTracer, type Tracer } from '../../../src';
import { createPropagator } from '../../../src/propagation/createPropagator';
import { headerGetter } from '../../../src/propagation/carriers';
import type { PropagationFormat } from '../../../src/api/types';

const JAVA_SW8 =
  '1-YTRlYzZmYzhjY2FiNGJiNGI2ODIwNjQ2OThjYzk3ZTYuNzQuMTYyMTgzODExMDQ1NTAwMDk=-YTRlYzZmYzhjY2FiNGJiNGI2ODIwNjQ2OThjYzk3ZTYuNzQuMTYyMTgzODExMDQ1NTAwMDg=-2-b25lbW9yZS1h-ZTFkMmZiYjYzYmJhNDMwNDk5YWY4OTVjMDQwZTMyZmVAMTkyLjE2OC4xLjEwMQ==-L29uZW1vcmUtYS9nZXQ=-MTkyLjE2OC4xLjEwMjo4MA==';

const tracers: Tracer[] = [];
const make = (serviceName: string, propagation: PropagationFormat[]): Tracer => {
  const t = createTracer({ serviceName, backend: 'memory', propagation, recordCaller: false });
  tracers.push(t);
  return t;
};
afterAll(async () => {
  await Promise.all(tracers.map((t) => t.shutdown()));
});

describe('propagators inside the core', () => {
  test('a Java-agent sw8 caller: the raw trace id travels on, the derived 32-hex id stays the same downstream', () => {
    const a = make('a', ['sw8']);
    const entry = a.createEntrySpan('GET /a', (k) => (k === 'sw8' ? JAVA_SW8 : undefined));
    const out: Record<string, string> = {};
    const exit = a.withSpan(entry, () => a.createExitSpan('call b', '10.0.0.9:8080', (k, v) => { out[k] = v; }));
    exit.end();
    entry.end();
    const down = createPropagator(['sw8']).extract(out, headerGetter)!;
    expect(down.traceId).toBe(entry.context().traceId);
    expect(down.sw8?.traceId).toBe('a4ec6fc8ccab4bb4b682064698cc97e6.74.16218381104550009');
    expect(down.sw8).toMatchObject({ segmentId: entry.context().spanId, spanId: 1, service: 'a', endpoint: 'GET /a', targetAddress: '10.0.0.9:8080' });
  });

  test('sw8 from a segment whose first span is the exit span: the derived parent id is that span', () => {
    const a = make('a2', ['sw8']);
    const out: Record<string, string> = {};
    const exit = a.createExitSpan('call', '127.0.0.1:1', (k, v) => { out[k] = v; });
    exit.end();
    const b = make('b2', ['sw8']);
    const entry = b.createEntrySpan('serve', (k) => out[k]);
    entry.end();
    expect(entry.traceId).toBe(exit.traceId);
    expect(entry.parentSpanId).toBe(exit.spanId);
  });

  test('mixed fleet: one service injects every format, each single-format receiver joins the trace', () => {
    const up = make('up', ['w3c', 'b3', 'b3multi', 'jaeger', 'sw8']);
    const span = up.startSpan('root', { kind: 'exit' });
    const headers: Record<string, string> = {};
    up.inject(span.context(), headers);
    span.end();
    for (const f of ['w3c', 'b3', 'b3multi', 'jaeger', 'sw8'] as PropagationFormat[]) {
      const down = make(`down-${f}`, [f]);
      const parent = down.extract(headers);
      expect(parent?.traceId).toBe(span.traceId);
      const child = down.startSpan('serve', { kind: 'entry', parent: parent ?? null });
      child.end();
      expect(child.traceId).toBe(span.traceId);
      // every format but sw8 carries our span id; sw8 maps segment (= this root span) index 0 back to it
      expect(child.parentSpanId).toBe(span.spanId);
    }
  });

  test('a sampled-out decision propagates in every format', () => {
    const up = createTracer({ serviceName: 'quiet', backend: 'memory', propagation: ['w3c', 'b3', 'b3multi', 'jaeger', 'sw8'], sampler: { type: 'const', param: 0 } });
    tracers.push(up);
    const span = up.startSpan('root');
    expect(span.context().sampled).toBe(false);
    const headers: Record<string, string> = {};
    up.inject(span.context(), headers);
    span.end();
    for (const f of ['w3c', 'b3', 'b3multi', 'jaeger', 'sw8'] as PropagationFormat[]) {
      expect(createPropagator([f]).extract(headers, headerGetter)).toMatchObject({ traceId: span.traceId, sampled: false });
    }
  });
});
