/**
 * Hand-made FinishedSpans for the SkyWalking adapter tests (no core needed).
 */
import type { FinishedSpan, Resource, SpanContext } from '../../../src';

/** A resource like the core builds. */
export function resource(serviceName = 'orders', serviceInstance = 'orders-1@host'): Resource {
  return {
    serviceName,
    serviceInstance,
    hostname: 'host',
    ip: '127.0.0.1',
    sdkVersion: 'traceandtrace-node-0.1.0',
    attributes: { region: 'eu-1' },
  };
}

let counter = 0;
/** A fresh 16-hex id. */
export function hexId(): string {
  counter++;
  return counter.toString(16).padStart(16, '0');
}

/** Builds one FinishedSpan; unspecified fields get sensible defaults. */
export function span(overrides: Partial<FinishedSpan> & { segmentId: string; segmentSpanIndex: number }): FinishedSpan {
  const spanId = overrides.spanId ?? (overrides.segmentSpanIndex === 0 ? overrides.segmentId : hexId());
  return {
    name: 'op',
    kind: 'local',
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId,
    parentSpanId: undefined,
    remoteParent: false,
    localRootSpanId: overrides.segmentId,
    segmentParentIndex: overrides.segmentSpanIndex === 0 ? -1 : 0,
    sampled: true,
    debug: false,
    startTimeUs: 1_700_000_000_000_000,
    endTimeUs: 1_700_000_000_010_000,
    attributes: {},
    events: [],
    status: { code: 'unset' },
    peer: undefined,
    layer: 'unknown',
    component: undefined,
    baggage: {},
    remoteParentContext: undefined,
    resource: resource(),
    ...overrides,
  };
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
