/**
 * Mapping from traceandtrace's finished spans to SkyWalking's v3 segment protobuf
 * (`skywalking.v3.SegmentObject`, built with the generated `Tracing_pb` classes that the
 * `skywalking-backend-js` package ships — no hand-written protobuf).
 *
 * Follows the SkyWalking v3 agent protocol (`language-agent/Tracing.proto`) and the
 * component ids of the OAP's `component-libraries.yml`.
 *
 * @see https://github.com/apache/skywalking-data-collect-protocol/blob/master/language-agent/Tracing.proto
 * @see https://github.com/apache/skywalking/blob/master/oap-server/server-starter/src/main/resources/component-libraries.yml
 * @packageDocumentation
 */
import { KeyStringValuePair } from 'skywalking-backend-js/lib/proto/common/Common_pb';
import {
  Log,
  RefType,
  SegmentObject,
  SegmentReference,
  SpanLayer as SwSpanLayer,
  SpanObject,
  SpanType as SwSpanType,
} from 'skywalking-backend-js/lib/proto/language-agent/Tracing_pb';
import type { AttributeValue, FinishedSpan, Peer, SpanEvent, SpanKind, SpanLayer } from '../../src';

/**
 * A reference from a span to its parent span in another segment of the **same process**
 * (SkyWalking `RefType.CrossThread`). Used for "continuation" segments: spans that could
 * not travel with their segment's first span (see `SegmentAssembler`).
 *
 * @example
 * ```ts
 * const ref: CrossThreadRef = { parentSegmentId: 'c0ffee0000000001', parentSpanId: 0, parentEndpoint: 'GET /orders' };
 * ```
 */
export interface CrossThreadRef {
  /** Segment id of the segment that holds the parent span. */
  parentSegmentId: string;
  /** The parent's span id (index) inside that segment. */
  parentSpanId: number;
  /** Endpoint (operation name of the first span) of that segment; `''` when unknown. */
  parentEndpoint: string;
}

/**
 * One span placed inside an assembled segment, with its (possibly renumbered) ids.
 *
 * @example
 * ```ts
 * const entry: SegmentSpan = { span: rootSpan, id: 0, parentId: -1 };
 * ```
 */
export interface SegmentSpan {
  /** The finished span. */
  span: FinishedSpan;
  /** SkyWalking span id inside the segment (0 = first span). */
  id: number;
  /** Parent span id inside the segment, -1 for a segment-level root. */
  parentId: number;
  /** Set when the parent lives in another segment of this process. */
  crossThread?: CrossThreadRef;
}

/**
 * A segment ready to encode: one trace, one process, one local root (or a continuation of one).
 *
 * @example
 * ```ts
 * const seg: AssembledSegment = { segmentId: root.segmentId, traceId: root.traceId, spans: [{ span: root, id: 0, parentId: -1 }] };
 * ```
 */
export interface AssembledSegment {
  /** `traceSegmentId` on the wire. */
  segmentId: string;
  /** `traceId` on the wire: the sw8 trace id the caller sent, else our 32-hex trace id. */
  traceId: string;
  /** Spans, ordered by `id`. */
  spans: SegmentSpan[];
}

/**
 * Component ids by our `component` name, from the OAP's `component-libraries.yml`.
 * `[entry/consumer id, exit/producer/local id]`.
 */
const COMPONENTS: Readonly<Record<string, readonly [number, number]>> = {
  // HTTP: `http` (49, server side, what the Node agent reports for its http server) and
  // `HttpClient` (2, what the Node agent reports for outgoing http requests).
  http: [49, 2],
  https: [49, 2],
  grpc: [23, 23],
  // Our JSON-over-TCP custom RPC: the generic `rpc` component (50, Java/C#/Node.js).
  'custom-rpc': [50, 50],
  rpc: [50, 50],
  tcp: [110, 110],
  express: [4002, 4002],
  koa: [4004, 4004],
  axios: [4005, 4005],
  mongoose: [4006, 4006],
  mysql: [5, 5],
  redis: [7, 7],
  mongodb: [9, 9],
  postgresql: [22, 22],
  pg: [22, 22],
  kafka: [41, 40],
  rabbitmq: [53, 52],
};

/**
 * The SkyWalking component id for a span.
 *
 * Known names (case-insensitive): `http`/`https` (entry 49 `http`, exit 2 `HttpClient`), `grpc` (23),
 * `custom-rpc`/`rpc` (50), `tcp` (110), `express` (4002), `koa` (4004), `axios` (4005),
 * `mongoose` (4006), `mysql` (5), `redis` (7), `mongodb` (9), `postgresql`/`pg` (22),
 * `kafka` (consumer 41, producer 40), `rabbitmq` (consumer 53, producer 52). A decimal string
 * is taken as an id as is. Without a component, an `http` layer span gets the HTTP ids and an
 * `rpc` layer span 50. Anything else: 0 (`Unknown`). Never throws.
 *
 * @example
 * ```ts
 * componentIdFor('grpc', 'exit', 'rpc'); // 23
 * componentIdFor('http', 'entry', 'http'); // 49
 * ```
 */
export function componentIdFor(component: string | undefined, kind: SpanKind, layer: SpanLayer): number {
  const entrySide = kind === 'entry' || kind === 'consumer';
  let name = component?.toLowerCase();
  if (name !== undefined && /^\d{1,6}$/.test(name)) return Number(name);
  if (name === undefined) {
    if (layer === 'http') name = 'http';
    else if (layer === 'rpc') name = 'rpc';
    else return 0;
  }
  const ids = COMPONENTS[name];
  if (ids === undefined) return 0;
  return entrySide ? ids[0] : ids[1];
}

/**
 * SkyWalking span type: `entry`/`consumer` → Entry, `exit`/`producer` → Exit, `local` → Local.
 *
 * @example
 * ```ts
 * spanTypeFor('producer'); // SpanType.EXIT
 * ```
 */
export function spanTypeFor(kind: SpanKind): SwSpanType {
  switch (kind) {
    case 'entry':
    case 'consumer':
      return SwSpanType.ENTRY;
    case 'exit':
    case 'producer':
      return SwSpanType.EXIT;
    default:
      return SwSpanType.LOCAL;
  }
}

/**
 * SkyWalking span layer: `http` → Http, `rpc` → RPCFramework, `database` → Database,
 * `cache` → Cache, `mq` → MQ, else Unknown (producer/consumer spans without a layer → MQ).
 *
 * @example
 * ```ts
 * spanLayerFor('rpc', 'exit'); // SpanLayer.RPCFRAMEWORK
 * ```
 */
export function spanLayerFor(layer: SpanLayer, kind: SpanKind): SwSpanLayer {
  switch (layer) {
    case 'http':
      return SwSpanLayer.HTTP;
    case 'rpc':
      return SwSpanLayer.RPCFRAMEWORK;
    case 'database':
      return SwSpanLayer.DATABASE;
    case 'cache':
      return SwSpanLayer.CACHE;
    case 'mq':
      return SwSpanLayer.MQ;
    default:
      return kind === 'producer' || kind === 'consumer' ? SwSpanLayer.MQ : SwSpanLayer.UNKNOWN;
  }
}

/**
 * Formats a peer as SkyWalking wants it on exit spans: `host:port`, else `host`, else the
 * peer's service name, else `''`. IPv6 hosts are bracketed.
 *
 * @example
 * ```ts
 * formatSwPeer({ host: '10.0.0.5', port: 50051 }); // '10.0.0.5:50051'
 * ```
 */
export function formatSwPeer(peer: Readonly<Peer> | undefined): string {
  if (peer === undefined) return '';
  if (peer.host) {
    const host = peer.host.includes(':') && !peer.host.startsWith('[') ? `[${peer.host}]` : peer.host;
    return peer.port !== undefined && peer.port > 0 ? `${host}:${peer.port}` : host;
  }
  return peer.service ?? '';
}

/**
 * Our (OpenTelemetry semantic-convention) tag keys → SkyWalking's standard tag keys. A `Map`:
 * looked up once per tag on the export path, where a keyed load on an object literal with
 * dotted keys is slower.
 */
const TAG_KEYS: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ['http.request.method', ['http.method']],
  ['url.full', ['url']],
  // OAP ≥ 8 reads `http.status_code`; `status_code` is the older key the UI and the issue use.
  ['http.response.status_code', ['http.status_code', 'status_code']],
  ['db.system', ['db.type']],
  ['db.namespace', ['db.instance']],
  ['db.name', ['db.instance']],
  ['db.query.text', ['db.statement']],
  ['messaging.destination.name', ['mq.topic']],
]);

/** A tag value as a SkyWalking string (arrays joined with `,`). */
function tagString(value: AttributeValue): string {
  if (typeof value === 'string') return value;
  return Array.isArray(value) ? value.map(String).join(',') : String(value);
}

/**
 * Converts our tags to SkyWalking `KeyStringValuePair`s: keys with a SkyWalking standard
 * equivalent are renamed (`http.request.method` → `http.method`, `url.full` → `url`,
 * `http.response.status_code` → `http.status_code` + `status_code`, `db.system` → `db.type`,
 * `db.namespace`/`db.name` → `db.instance`, `db.query.text` → `db.statement`,
 * `messaging.destination.name` → `mq.topic`); all others (rpc.*, url.path, http.route,
 * caller…) keep their names. Values become strings.
 *
 * @example
 * ```ts
 * mapTags({ 'http.request.method': 'GET' }); // [['http.method', 'GET']]
 * ```
 */
export function mapTags(attributes: Readonly<Record<string, AttributeValue>>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (value === undefined || value === null) continue;
    const s = tagString(value);
    const renamed = TAG_KEYS.get(key);
    if (renamed === undefined) out.push([key, s]);
    else for (const k of renamed) out.push([k, s]);
  }
  return out;
}

/** One `KeyStringValuePair` (the only way to build one: it is a message, not a tuple). */
function pair(key: string, value: string): KeyStringValuePair {
  return new KeyStringValuePair().setKey(key).setValue(value);
}

/**
 * `KeyStringValuePair`s already built for one batch, by key, then value. Tags repeat across a
 * batch's spans (`caller`, `http.method`, `rpc.system`, status codes, addresses…): with a
 * cache each distinct pair is built once and shared by every span that carries it. Sharing is
 * safe because a pair is never changed after it is built (google-protobuf only reads it when
 * the segment is serialized). Make a new one per batch (`new Map()`) and drop it after, so it
 * never holds more than one batch's tag values.
 */
export type TagPairCache = Map<string, Map<string, KeyStringValuePair>>;

/** The pair `key=value` from `cache` (built and kept on first use), or a fresh one without a cache. */
function cachedPair(cache: TagPairCache | undefined, key: string, value: string): KeyStringValuePair {
  if (cache === undefined) return pair(key, value);
  let byValue = cache.get(key);
  if (byValue === undefined) {
    byValue = new Map();
    cache.set(key, byValue);
  }
  let p = byValue.get(value);
  if (p === undefined) {
    p = pair(key, value);
    byValue.set(value, p);
  }
  return p;
}

/**
 * {@link mapTags} straight into `KeyStringValuePair`s (the export path: no intermediate
 * tuples). Same keys, renames, order and values.
 */
function tagPairs(attributes: Readonly<Record<string, AttributeValue>>, cache: TagPairCache | undefined): KeyStringValuePair[] {
  const out: KeyStringValuePair[] = [];
  const keys = Object.keys(attributes);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as string;
    const value = attributes[key];
    if (value === undefined || value === null) continue;
    const s = tagString(value);
    const renamed = TAG_KEYS.get(key);
    if (renamed === undefined) out.push(cachedPair(cache, key, s));
    else for (let i = 0; i < renamed.length; i++) out.push(cachedPair(cache, renamed[i] as string, s));
  }
  return out;
}

/**
 * µs since epoch → ms since epoch, rounded to the nearest ms (SkyWalking's unit).
 *
 * @example
 * ```ts
 * usToMs(1_700_000_000_000_600); // 1_700_000_000_001
 * ```
 */
export function usToMs(us: number): number {
  return Math.round(us / 1000);
}

/**
 * Converts one event to SkyWalking log fields. The `exception` event that `recordError`
 * adds becomes SkyWalking's error log convention: `event=error`, `error.kind`, `message`,
 * `stack`. Other events: `event=<name>` followed by their fields.
 *
 * @example
 * ```ts
 * logFields({ name: 'cache.miss', timeUs: 0, attributes: { key: 'a' } }); // [['event','cache.miss'],['key','a']]
 * ```
 */
export function logFields(event: SpanEvent): Array<[string, string]> {
  const attrs = event.attributes;
  if (event.name === 'exception') {
    const out: Array<[string, string]> = [['event', 'error']];
    const known = new Set(['exception.type', 'exception.message', 'exception.stacktrace']);
    if (attrs['exception.type'] !== undefined) out.push(['error.kind', tagString(attrs['exception.type'])]);
    if (attrs['exception.message'] !== undefined) out.push(['message', tagString(attrs['exception.message'])]);
    if (attrs['exception.stacktrace'] !== undefined) out.push(['stack', tagString(attrs['exception.stacktrace'])]);
    for (const k of Object.keys(attrs)) if (!known.has(k)) out.push([k, tagString(attrs[k] as AttributeValue)]);
    return out;
  }
  const out: Array<[string, string]> = [['event', event.name]];
  for (const k of Object.keys(attrs)) out.push([k, tagString(attrs[k] as AttributeValue)]);
  return out;
}

function pairs(list: Array<[string, string]>): KeyStringValuePair[] {
  const out: KeyStringValuePair[] = [];
  for (let i = 0; i < list.length; i++) {
    const [k, v] = list[i] as [string, string];
    out.push(pair(k, v));
  }
  return out;
}

/**
 * The CrossProcess reference for a segment's first span when its parent came over `sw8`
 * (the caller's segment, exit span id, service, instance, endpoint and the address it
 * called). A parent extracted from W3C/B3/Jaeger carries none of that (nor does an `sw8`
 * header synthesised from such a context, whose service is `-`), so no reference is made: the segment keeps the caller's trace id (so the trace stays one trace in
 * SkyWalking) and OAP shows the caller as `User`, instead of a phantom service.
 */
function crossProcessRef(span: FinishedSpan, traceId: string): SegmentReference | undefined {
  const sw8 = span.remoteParentContext?.sw8;
  // `-`/empty service: an sw8 header synthesised from a non-SkyWalking context (no real parent segment).
  if (!span.remoteParent || sw8 === undefined || sw8.service === '' || sw8.service === '-') return undefined;
  return new SegmentReference()
    .setReftype(RefType.CROSSPROCESS)
    .setTraceid(sw8.traceId || traceId)
    .setParenttracesegmentid(sw8.segmentId)
    .setParentspanid(sw8.spanId)
    .setParentservice(sw8.service)
    .setParentserviceinstance(sw8.serviceInstance)
    .setParentendpoint(sw8.endpoint)
    .setNetworkaddressusedatpeer(sw8.targetAddress);
}

/**
 * Fills `obj` (a fresh `SpanObject`, already attached to its segment) from `entry`.
 * Attaching first and filling after is deliberate: google-protobuf's `setSpansList` (and
 * `addSpans`) walk every wrapper below each span they get (tags, refs, logs) to sync its
 * array; an empty span has none to walk.
 */
function fillSpanObject(obj: SpanObject, entry: SegmentSpan, traceId: string, cache: TagPairCache | undefined): void {
  const span = entry.span;
  const start = usToMs(span.startTimeUs);
  const end = Math.max(start, usToMs(span.endTimeUs));
  const kind = span.kind;
  const isError = span.status.code === 'error';
  obj
    .setSpanid(entry.id)
    .setParentspanid(entry.parentId)
    .setStarttime(start)
    .setEndtime(end)
    .setOperationname(span.name)
    .setSpantype(spanTypeFor(kind))
    .setSpanlayer(spanLayerFor(span.layer, kind))
    .setComponentid(componentIdFor(span.component, kind, span.layer))
    .setTagsList(tagPairs(span.attributes, cache));
  if (isError) obj.setIserror(true);
  if (kind === 'exit' || kind === 'producer') obj.setPeer(formatSwPeer(span.peer));

  const crossProcess = entry.parentId === -1 && span.segmentSpanIndex === 0 ? crossProcessRef(span, traceId) : undefined;
  if (crossProcess !== undefined) obj.addRefs(crossProcess);
  if (entry.crossThread !== undefined) {
    const res = span.resource;
    obj.addRefs(
      new SegmentReference()
        .setReftype(RefType.CROSSTHREAD)
        .setTraceid(traceId)
        .setParenttracesegmentid(entry.crossThread.parentSegmentId)
        .setParentspanid(entry.crossThread.parentSpanId)
        .setParentservice(res.serviceName)
        .setParentserviceinstance(res.serviceInstance)
        .setParentendpoint(entry.crossThread.parentEndpoint),
    );
  }

  const events = span.events;
  let hasErrorLog = false;
  for (let i = 0; i < events.length; i++) {
    const ev = events[i] as SpanEvent;
    if (ev.name === 'exception') hasErrorLog = true;
    obj.addLogs(new Log().setTime(usToMs(ev.timeUs)).setDataList(pairs(logFields(ev))));
  }
  if (isError && !hasErrorLog && span.status.message) {
    obj.addLogs(new Log().setTime(end).setDataList([pair('event', 'error'), pair('message', span.status.message)]));
  }
}

/**
 * Encodes one assembled segment as a `SegmentObject` (traceId, traceSegmentId, service,
 * serviceInstance from the spans' resource, spans with refs/tags/logs; times in ms).
 * Throws only on a programming error (empty segment).
 *
 * @param segment - from `SegmentAssembler.take`
 * @param cache - optional {@link TagPairCache} shared by the segments of one batch: the same
 *   bytes on the wire, fewer message objects
 * @example
 * ```ts
 * const cache: TagPairCache = new Map(); // one per batch
 * const objs = assembly.segments.map((s) => toSegmentObject(s, cache));
 * ```
 */
export function toSegmentObject(segment: AssembledSegment, cache?: TagPairCache): SegmentObject {
  const spans = segment.spans;
  const first = spans[0];
  if (first === undefined) throw new Error('empty segment');
  const res = first.span.resource;
  const traceId = segment.traceId;
  const obj = new SegmentObject()
    .setTraceid(traceId)
    .setTracesegmentid(segment.segmentId)
    .setService(res.serviceName)
    .setServiceinstance(res.serviceInstance);
  for (let i = 0; i < spans.length; i++) fillSpanObject(obj.addSpans(), spans[i] as SegmentSpan, traceId, cache);
  return obj;
}
