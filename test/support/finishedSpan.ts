/**
 * One builder for hand-made {@link FinishedSpan}s, shared by the adapter tests (which need
 * exporter input without running the core tracer). Each adapter's fixture file wraps it with
 * the defaults its own tests assert on.
 *
 * @packageDocumentation
 */
import type { FinishedSpan, Resource } from '../../src';

/** Overrides for {@link finishedSpan}: any FinishedSpan field, writable so tests can build them up. */
export type FinishedSpanOverrides = Partial<{ -readonly [K in keyof FinishedSpan]: FinishedSpan[K] }>;

/** A µs-since-epoch timestamp (2023-11-14T22:13:20.123456Z) with a sub-millisecond part. */
export const T0 = 1_700_000_000_123_456;

/**
 * A generator of 16-hex span ids: `base + 1`, `base + 2`, … as lower-case hex, left-padded
 * with zeros to 16 characters. Each call of `spanIdSequence` starts its own counter.
 *
 * @param base - the value before the first id (`0n` → `0000000000000001`); must keep ids below 2^64.
 * @returns a function returning the next id on every call; never throws.
 * @example
 * ```ts
 * const nextId = spanIdSequence(0xa000_0000_0000_0000n);
 * nextId(); // 'a000000000000001'
 * ```
 */
export function spanIdSequence(base: bigint): () => string {
  let n = 0n;
  return () => {
    n += 1n;
    return (base + n).toString(16).padStart(16, '0');
  };
}

/**
 * A {@link Resource} like the core builds for a process, with neutral test values
 * (`orders`, `123@test-host`, `test-host`, `10.1.2.3`, tag `region=eu-1`); `overrides` replaces
 * any field (shallowly: `attributes` is replaced whole). A new object on every call.
 *
 * @param overrides - fields to replace.
 * @returns the resource; never throws.
 * @example
 * ```ts
 * const resource = testResource({ serviceName: 'gateway', hostname: 'host-a' });
 * ```
 */
export function testResource(overrides: Partial<Resource> = {}): Resource {
  return {
    serviceName: 'orders',
    serviceInstance: '123@test-host',
    hostname: 'test-host',
    ip: '10.1.2.3',
    sdkVersion: 'traceandtrace-node-0.1.0',
    attributes: { region: 'eu-1' },
    ...overrides,
  };
}

const neutralSpanId = spanIdSequence(0xf000n);

/**
 * A finished, sampled root span with neutral defaults: a `local` span `op` in trace
 * `0af7651916cd43dd8448eb211c80319c` (the W3C Trace Context example id), its own local root and
 * the first span of segment `seg`, from {@link T0} to `T0 + 1000` µs, no attributes, events,
 * peer or baggage, status `unset`, layer `unknown`, a fresh {@link testResource}. The span id is
 * `overrides.spanId` or a new one, and `localRootSpanId` defaults to it; every other field in
 * `overrides` replaces the default as given.
 *
 * @param overrides - fields to replace (times in µs since epoch).
 * @returns the span (a plain object); never throws.
 * @example
 * ```ts
 * const exit = finishedSpan({ kind: 'exit', peer: { host: '10.0.0.5', port: 50051 }, endTimeUs: T0 + 250 });
 * ```
 */
export function finishedSpan(overrides: FinishedSpanOverrides = {}): FinishedSpan {
  const spanId = overrides.spanId ?? neutralSpanId();
  return {
    name: 'op',
    kind: 'local',
    traceId: '0af7651916cd43dd8448eb211c80319c',
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
    endTimeUs: T0 + 1000,
    attributes: {},
    events: [],
    status: { code: 'unset' },
    peer: undefined,
    layer: 'unknown',
    component: undefined,
    baggage: {},
    remoteParentContext: undefined,
    resource: testResource(),
    ...overrides,
  };
}
