/**
 * Hand-made finished spans for the Zipkin adapter tests (no core tracer needed).
 *
 * @packageDocumentation
 */
import type { FinishedSpan, Resource } from '../../../src';
import { finishedSpan, spanIdSequence, T0, testResource, type FinishedSpanOverrides } from '../../support/finishedSpan';

export { T0 };

/** The resource every fixture span carries unless overridden. */
export const resource: Resource = testResource({ serviceName: 'Orders', serviceInstance: '1234@host-a', hostname: 'host-a' });

/** A fresh 16-hex span id. */
export const newSpanId: () => string = spanIdSequence(0xa000_0000_0000n);

/**
 * A finished span with realistic defaults (entry span `GET /orders` lasting 1500.2 µs);
 * any field can be overridden.
 *
 * @example
 * ```ts
 * makeSpan({ kind: 'exit', peer: { host: '10.0.0.5', port: 50051 } });
 * ```
 */
export function makeSpan(over: FinishedSpanOverrides = {}): FinishedSpan {
  return finishedSpan({
    name: 'GET /orders',
    kind: 'entry',
    traceId: '463ac35c9f6413ad48485a3953bb6124',
    spanId: over.spanId ?? newSpanId(),
    startTimeUs: T0,
    endTimeUs: T0 + 1500.2, // float µs (1500.25 at this magnitude) → rounds to 1500
    resource,
    ...over,
  });
}
