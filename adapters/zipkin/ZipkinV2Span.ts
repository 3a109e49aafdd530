import { model } from 'zipkin';

/** An annotation as `model.Span` keeps it: µs since epoch, and its text. */
interface ZipkinAnnotation {
  timestamp: number;
  value: string;
}

/**
 * A `model.Span` of the `zipkin` package (its prototype is `model.Span.prototype`, so
 * `instanceof model.Span` holds and its setters work) whose fields are set in one constructor
 * call (plain assignments, no class-field definitions): what `jsonEncoder.JSON_V2.encode`
 * reads, in the order `model.Span`'s own constructor sets them.
 *
 * Why not `new model.Span(new TraceId(…))` and its setters: per span those allocate two
 * `option` wrappers, a `TraceId`, a closure (`parentSpanId.ifPresent`) and, in `setName`, a
 * lower-cased copy of the name; in `node --cpu-prof` of a Zipkin batch they were about a
 * quarter of the export's time. The values are the ones the setters would store, prepared by
 * `toZipkinSpan` (name lower-cased, duration ≥ 1 µs, endpoints only when not empty, tag
 * values as strings) — with one difference: an endpoint with only an IPv6 address is kept,
 * where `setLocalEndpoint`/`setRemoteEndpoint` dropped it (its `isEmpty()` looks at
 * serviceName, ipv4 and port only), although Zipkin v2's `Endpoint` has `ipv6`.
 *
 * Spec: the Zipkin v2 `Span` model, https://zipkin.io/zipkin-api/#/default/post_spans.
 *
 * @example
 * ```ts
 * const s = new ZipkinV2Span('463ac35c9f6413ad48485a3953bb6124', undefined, 'a2fb4a1d1a96d312', 'get /orders',
 *   'SERVER', 1700000000000000, 1200, endpoint, undefined, false);
 * s.tags['http.request.method'] = 'GET';
 * jsonEncoder.JSON_V2.encode(s.asModelSpan()); // '{"traceId":"463a…","id":"a2fb…",…}'
 * ```
 */
export class ZipkinV2Span {
  /** 16 or 32 lower-case hex. */
  declare readonly traceId: string;
  /** 16 lower-case hex, or undefined for a root span. */
  declare readonly parentId: string | undefined;
  /** 16 lower-case hex. */
  declare readonly id: string;
  /** Lower-cased operation name, or undefined. */
  declare readonly name: string | undefined;
  /** `SERVER`, `CLIENT`, `PRODUCER`, `CONSUMER`, or undefined for a local span. */
  declare readonly kind: string | undefined;
  /** Start, µs since epoch (integer). */
  declare readonly timestamp: number;
  /** Duration, µs (integer ≥ 1). */
  declare readonly duration: number;
  /** This service's endpoint, or undefined. */
  declare readonly localEndpoint: model.Endpoint | undefined;
  /** The peer's endpoint, or undefined. */
  declare readonly remoteEndpoint: model.Endpoint | undefined;
  /** Annotations, filled by the mapping. */
  declare readonly annotations: ZipkinAnnotation[];
  /** Tags (string values), filled by the mapping. */
  declare readonly tags: Record<string, string>;
  /** Debug flag (`X-B3-Flags: 1`). */
  declare readonly debug: boolean;
  /** Always false here: our server spans have their own span ids. */
  declare readonly shared: boolean;

  /**
   * @param traceId - 16 or 32 lower-case hex (checked by the caller)
   * @param parentId - 16 lower-case hex, or undefined
   * @param id - 16 lower-case hex
   * @param name - lower-cased name, or undefined
   * @param kind - Zipkin span kind, or undefined
   * @param timestamp - start, integer µs since epoch
   * @param duration - integer µs ≥ 1
   * @param localEndpoint - non-empty endpoint, or undefined
   * @param remoteEndpoint - non-empty endpoint, or undefined
   * @param debug - the debug flag
   */
  constructor(
    traceId: string,
    parentId: string | undefined,
    id: string,
    name: string | undefined,
    kind: string | undefined,
    timestamp: number,
    duration: number,
    localEndpoint: model.Endpoint | undefined,
    remoteEndpoint: model.Endpoint | undefined,
    debug: boolean,
  ) {
    this.traceId = traceId;
    this.parentId = parentId;
    this.id = id;
    this.name = name;
    this.kind = kind;
    this.timestamp = timestamp;
    this.duration = duration;
    this.localEndpoint = localEndpoint;
    this.remoteEndpoint = remoteEndpoint;
    this.annotations = [];
    this.tags = {};
    this.debug = debug;
    this.shared = false;
  }

  /**
   * This span as the `zipkin` package's type (it is one at run time: see the class doc).
   *
   * @example
   * ```ts
   * jsonEncoder.JSON_V2.encode(span.asModelSpan());
   * ```
   */
  asModelSpan(): model.Span {
    return this as unknown as model.Span;
  }
}

// Instances are `model.Span`s: its methods (setName, putTag…) and `instanceof` work on them.
Object.setPrototypeOf(ZipkinV2Span.prototype, model.Span.prototype);
