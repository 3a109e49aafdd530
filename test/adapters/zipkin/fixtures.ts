/**
 * Hand-made finished spans for the Zipkin adapter tests (no core tracer needed).
 *
 * @packageDocumentation
 */
import type { FinishedSpan, Resource } from '../../../src';

/** The resource every fixture span carries unless overridden. */
export const resource: Resource = {
  serviceName: 'Orders',
  serviceInstance: '1234@host-a',
  hostname: 'host-a',
  ip: '10.1.2.3',
  sdkVersion: 'traceandtrace-node-0.1.0',
  attributes: { region: 'eu-1' },
};

/** A µs timestamp in 2023 with a sub-millisecond part. */
export const T0 = 1_700_000_000_123_456;

let counter = 0;

/** A fresh 16-hex span id. */
export function newSpanId(): string {
  counter++;
  return (0xa000_0000_0000 + counter).toString(16).padStart(16, '0');
}

/**
 * A finished span with realistic defaults; any field can be overridden.
 *
 * @example
 * ```ts
 * makeSpan({ kind: 'exit', peer: { host: '10.0.0.5', port: 50051 } });
 * ```
 */
export function makeSpan(over: Partial<{ -readonly [K in keyof FinishedSpan]: FinishedSpan[K] }> = {}): FinishedSpan {
  const spanId = over.spanId ?? newSpanId();
  return {
    name: 'GET /orders',
    kind: 'entry',
    traceId: '463ac35c9f6413ad48485a3953bb6124',
    spanId,
    parentSpanId: undefined,
    remoteParent: false,
    localRootSpanId: spanId,
    segmentId: 'seg',
    segmentSpanIndex: 0,
    segmentParentIndex: -1,
    sampled: true,
    debug: false,
    startTimeUs: T0,
    endTimeUs: T0 + 1500.2, // float µs (1500.25 at this magnitude) → rounds to 1500
    attributes: {},
    events: [],
    status: { code: 'unset' },
    peer: undefined,
    layer: 'unknown',
    component: undefined,
    baggage: {},
    remoteParentContext: undefined,
    resource,
    ...over,
  };
}
