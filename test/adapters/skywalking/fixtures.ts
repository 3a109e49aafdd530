/**
 * Hand-made FinishedSpans for the SkyWalking adapter tests (no core needed).
 */
import type { FinishedSpan, Resource, SpanContext } from '../../../src';
import { finishedSpan, spanIdSequence, testResource, type FinishedSpanOverrides } from '../../support/finishedSpan';

/** A resource like the core builds. */
export function resource(serviceName = 'orders', serviceInstance = 'orders-1@host'): Resource {
  return testResource({ serviceName, serviceInstance, hostname: 'host', ip: '127.0.0.1' });
}

/** A fresh 16-hex id. */
export const hexId: () => string = spanIdSequence(0n);

/**
 * Builds one FinishedSpan (local span `op`, 10 ms); unspecified fields get sensible defaults: the
 * segment's first span has the segment id as span id and no parent index, later ones parent index 0.
 */
export function span(overrides: FinishedSpanOverrides & { segmentId: string; segmentSpanIndex: number }): FinishedSpan {
  return finishedSpan({
    name: 'op',
    kind: 'local',
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: overrides.spanId ?? (overrides.segmentSpanIndex === 0 ? overrides.segmentId : hexId()),
    localRootSpanId: overrides.segmentId,
    segmentParentIndex: overrides.segmentSpanIndex === 0 ? -1 : 0,
    startTimeUs: 1_700_000_000_000_000,
    endTimeUs: 1_700_000_000_010_000,
    resource: resource(),
    ...overrides,
  });
}

/** A remote parent context as the sw8 propagator extracts it (describing the caller). */
export function sw8Parent(overrides: Partial<NonNullable<SpanContext['sw8']>> = {}): SpanContext {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    sampled: true,
    debug: false,
    baggage: {},
    isRemote: true,
    sw8: {
      traceId: 'a1b2c3d4.123.456',
      segmentId: 'callerseg',
      spanId: 3,
      service: 'gateway',
      serviceInstance: 'gateway-1@host',
      endpoint: 'GET /checkout',
      targetAddress: '127.0.0.1:8080',
      ...overrides,
    },
  };
}
