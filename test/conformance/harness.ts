import type { TracerConfig } from '../../src';

/**
 * A span as a backend stand-in decoded it from the wire, normalised so that one
 * conformance suite can assert on every backend.
 */
export interface ReceivedSpan {
  /** Trace id as the backend carries it, lower-case (hex for Jaeger/Zipkin/OTLP; SkyWalking's trace id string). */
  traceId: string;
  /** Unique span id (hex; for SkyWalking `${segmentId}:${spanId}`). */
  spanId: string;
  /** Parent's unique span id (same notation), cross-process parents included (SkyWalking: from the segment ref). */
  parentSpanId?: string;
  /** Service name as reported. */
  service: string;
  /** Operation name. */
  name: string;
  /** Normalised kind. */
  kind: 'server' | 'client' | 'internal' | 'producer' | 'consumer';
  /** True when the backend marks the span failed (Jaeger error tag, Zipkin error tag, OTLP status ERROR, SkyWalking isError). */
  error: boolean;
  /** Tags/attributes as strings. */
  tags: Record<string, string>;
  /** Start, µs since epoch. */
  startUs: number;
  /** Duration, µs. */
  durationUs: number;
  /** Event/log/annotation names (for logs without a name: the `event` field or the first field value). */
  events: string[];
}

/** A running backend stand-in. */
export interface RunningStandIn {
  /** Config fragment that points a tracer at this stand-in (backend, endpoint, reporter…). */
  config: Partial<TracerConfig>;
  /** Every span received so far, decoded from the real wire format. */
  received(): ReceivedSpan[];
  /** Stop the stand-in's servers. */
  stop(): Promise<void>;
}

/** One backend under the shared conformance suite. */
export interface BackendHarness {
  /** Backend name (`memory`, `jaeger`, …). */
  name: string;
  /** Start the stand-in on 127.0.0.1 ephemeral port(s). */
  start(): Promise<RunningStandIn>;
}
