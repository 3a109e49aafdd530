import { registerBackend, type FinishedSpan, type SpanExporter } from '../../src';
import type { BackendHarness, ReceivedSpan } from './harness';

const KINDS = { entry: 'server', exit: 'client', local: 'internal', producer: 'producer', consumer: 'consumer' } as const;

/** Map one of our finished spans to the suite's normalised shape. */
export function toReceived(s: FinishedSpan): ReceivedSpan {
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.attributes)) tags[k] = String(v);
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    service: s.resource.serviceName,
    name: s.name,
    kind: KINDS[s.kind],
    error: s.status.code === 'error',
    tags,
    startUs: s.startTimeUs,
    durationUs: s.endTimeUs - s.startTimeUs,
    events: s.events.map((e) => e.name),
  };
}

/** The core with an in-memory backend shared by the chain's four tracers. */
export const memoryHarness: BackendHarness = {
  name: 'memory',
  async start() {
    const spans: FinishedSpan[] = [];
    const name = `conformance-memory-${Math.random().toString(36).slice(2)}`;
    const exporter: SpanExporter = {
      export: async (batch) => void spans.push(...batch),
      forceFlush: async () => undefined,
      shutdown: async () => undefined,
    };
    registerBackend(name, () => ({ exporter }));
    return {
      config: { backend: name },
      received: () => spans.map(toReceived),
      stop: async () => undefined,
    };
  },
};
