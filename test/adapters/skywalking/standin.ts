/**
 * A stand-in SkyWalking OAP for tests: a `@grpc/grpc-js` server on 127.0.0.1 (ephemeral port)
 * implementing `TraceSegmentReportService.collect` and `ManagementService`
 * (`reportInstanceProperties`, `keepAlive`) with the generated service definitions that
 * `skywalking-backend-js` ships, so every `SegmentObject` is decoded from the real wire
 * format by the shipped `Tracing_pb`.
 *
 * @packageDocumentation
 */
import * as grpc from '@grpc/grpc-js';
import { Commands } from 'skywalking-backend-js/lib/proto/common/Common_pb';
import { TraceSegmentReportServiceService } from 'skywalking-backend-js/lib/proto/language-agent/Tracing_grpc_pb';
import { RefType, SegmentObject, SpanLayer, SpanType, type SegmentCollection } from 'skywalking-backend-js/lib/proto/language-agent/Tracing_pb';
import { ManagementServiceService } from 'skywalking-backend-js/lib/proto/management/Management_grpc_pb';
import type { InstancePingPkg, InstanceProperties } from 'skywalking-backend-js/lib/proto/management/Management_pb';
import '../../../adapters/skywalking';
import type { BackendHarness, ReceivedSpan, RunningStandIn } from '../../conformance/harness';

/** Options of {@link startOapStandIn}. */
export interface OapStandInOptions {
  /** Serve TLS with this key and certificate (PEM). */
  tls?: { key: Buffer; cert: Buffer };
  /** When set, calls without `authentication: <token>` fail with UNAUTHENTICATED. */
  requireToken?: string;
}

/** A running stand-in OAP. */
export interface OapStandIn {
  /** `127.0.0.1:<port>`. */
  address: string;
  /** Every segment received, decoded. */
  segments: SegmentObject.AsObject[];
  /** The `authentication` metadata of every call (undefined when absent), in arrival order. */
  authentication: Array<string | undefined>;
  /** All metadata of every call, flattened to strings. */
  metadata: Array<Record<string, string>>;
  /** `reportInstanceProperties` requests. */
  properties: InstanceProperties.AsObject[];
  /** `keepAlive` requests. */
  pings: InstancePingPkg.AsObject[];
  /** Number of `collect` streams seen. */
  collectCalls: number;
  /** Make the next `n` collect calls fail with `code` (after reading the stream). */
  failNext(code: grpc.status, n?: number): void;
  /** While true, collect never answers (the client's deadline fires). */
  hang: boolean;
  /** Resolves once `predicate()` holds (polls every 10 ms), rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** Stops the server (cancels open calls). */
  stop(): Promise<void>;
}

function metadataRecord(md: grpc.Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(md.getMap())) out[k] = String(v);
  return out;
}

/**
 * Starts a stand-in OAP on 127.0.0.1:0.
 *
 * @example
 * ```ts
 * const oap = await startOapStandIn();
 * // point an exporter at oap.address …
 * await oap.waitFor(() => oap.segments.length > 0);
 * await oap.stop();
 * ```
 */
export async function startOapStandIn(options: OapStandInOptions = {}): Promise<OapStandIn> {
  const server = new grpc.Server();
  const failures: grpc.status[] = [];
  const pendingHung: Array<() => void> = [];

  const checkAuth = (md: grpc.Metadata): grpc.ServiceError | null => {
    const token = md.get('authentication')[0];
    standIn.authentication.push(token === undefined ? undefined : String(token));
    standIn.metadata.push(metadataRecord(md));
    if (options.requireToken !== undefined && token !== options.requireToken) {
      return Object.assign(new Error('bad token'), { code: grpc.status.UNAUTHENTICATED, details: 'bad token', metadata: new grpc.Metadata() });
    }
    return null;
  };

  const standIn: OapStandIn = {
    address: '',
    segments: [],
    authentication: [],
    metadata: [],
    properties: [],
    pings: [],
    collectCalls: 0,
    hang: false,
    failNext(code, n = 1) {
      for (let i = 0; i < n; i++) failures.push(code);
    },
    async waitFor(predicate, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > until) throw new Error('stand-in OAP: timed out waiting');
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async stop() {
      for (const f of pendingHung.splice(0)) f();
      server.forceShutdown();
    },
  };

  server.addService(TraceSegmentReportServiceService, {
    collect(call: grpc.ServerReadableStream<SegmentObject, Commands>, callback: grpc.sendUnaryData<Commands>) {
      standIn.collectCalls++;
      const authErr = checkAuth(call.metadata);
      const received: SegmentObject.AsObject[] = [];
      call.on('data', (seg: SegmentObject) => received.push(seg.toObject()));
      call.on('error', () => undefined);
      call.on('end', () => {
        if (authErr) return callback(authErr);
        const code = failures.shift();
        if (code !== undefined) {
          return callback(Object.assign(new Error('injected'), { code, details: 'injected failure', metadata: new grpc.Metadata() }));
        }
        if (standIn.hang) {
          pendingHung.push(() => callback(null, new Commands()));
          return;
        }
        standIn.segments.push(...received);
        callback(null, new Commands());
      });
    },
    collectInSync(call: grpc.ServerUnaryCall<SegmentCollection, Commands>, callback: grpc.sendUnaryData<Commands>) {
      const authErr = checkAuth(call.metadata);
      if (authErr) return callback(authErr);
      standIn.segments.push(...call.request.getSegmentsList().map((s) => s.toObject()));
      callback(null, new Commands());
    },
  });
  server.addService(ManagementServiceService, {
    reportInstanceProperties(call: grpc.ServerUnaryCall<InstanceProperties, Commands>, callback: grpc.sendUnaryData<Commands>) {
      const authErr = checkAuth(call.metadata);
      if (authErr) return callback(authErr);
      standIn.properties.push(call.request.toObject());
      callback(null, new Commands());
    },
    keepAlive(call: grpc.ServerUnaryCall<InstancePingPkg, Commands>, callback: grpc.sendUnaryData<Commands>) {
      const authErr = checkAuth(call.metadata);
      if (authErr) return callback(authErr);
      standIn.pings.push(call.request.toObject());
      callback(null, new Commands());
    },
  });

  const creds = options.tls
    ? grpc.ServerCredentials.createSsl(null, [{ private_key: options.tls.key, cert_chain: options.tls.cert }], false)
    : grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', creds, (err, p) => (err ? reject(err) : resolve(p)));
  });
  standIn.address = `127.0.0.1:${port}`;
  return standIn;
}

/** SkyWalking tag keys → the OTel-style names our API uses (added to ReceivedSpan.tags when absent). */
const REVERSE_TAGS: Readonly<Record<string, string>> = {
  'http.method': 'http.request.method',
  url: 'url.full',
  'http.status_code': 'http.response.status_code',
  status_code: 'http.response.status_code',
};

/**
 * Normalises decoded segments into {@link ReceivedSpan}s: span id `${segmentId}:${spanId}`,
 * parent from `parentSpanId` inside the segment or from the first ref
 * (`${parentTraceSegmentId}:${parentSpanId}`); Entry → server (consumer on MQ), Exit → client
 * (producer on MQ), Local → internal; ms times → µs; tags as sent plus OTel names for the
 * renamed HTTP keys; events = each log's `event` field (or first value).
 *
 * @example
 * ```ts
 * const spans = toReceivedSpans(oap.segments);
 * ```
 */
export function toReceivedSpans(segments: readonly SegmentObject.AsObject[]): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const seg of segments) {
    for (const span of seg.spansList) {
      let parentSpanId: string | undefined;
      if (span.parentspanid >= 0) parentSpanId = `${seg.tracesegmentid}:${span.parentspanid}`;
      else if (span.refsList.length > 0) {
        const ref = span.refsList[0] as (typeof span.refsList)[number];
        parentSpanId = `${ref.parenttracesegmentid}:${ref.parentspanid}`;
      }
      const mq = span.spanlayer === SpanLayer.MQ;
      const kind: ReceivedSpan['kind'] =
        span.spantype === SpanType.ENTRY ? (mq ? 'consumer' : 'server') : span.spantype === SpanType.EXIT ? (mq ? 'producer' : 'client') : 'internal';
      const tags: Record<string, string> = {};
      for (const t of span.tagsList) tags[t.key] = t.value;
      for (const [sw, ours] of Object.entries(REVERSE_TAGS)) {
        const v = tags[sw];
        if (v !== undefined && tags[ours] === undefined) tags[ours] = v;
      }
      const events = span.logsList.map((l) => {
        const ev = l.dataList.find((d) => d.key === 'event');
        return ev?.value ?? l.dataList[0]?.value ?? '';
      });
      const received: ReceivedSpan = {
        traceId: seg.traceid.toLowerCase(),
        spanId: `${seg.tracesegmentid}:${span.spanid}`,
        service: seg.service,
        name: span.operationname,
        kind,
        error: span.iserror,
        tags,
        startUs: span.starttime * 1000,
        durationUs: (span.endtime - span.starttime) * 1000,
        events,
      };
      if (parentSpanId !== undefined) received.parentSpanId = parentSpanId;
      out.push(received);
    }
  }
  return out;
}

/** True when a ref is a CrossProcess ref (re-exported for tests). */
export const CROSS_PROCESS = RefType.CROSSPROCESS;

/**
 * The SkyWalking backend under the shared conformance suite: a stand-in OAP, and a config
 * fragment pointing a tracer at it.
 */
export const skywalkingHarness: BackendHarness = {
  name: 'skywalking',
  async start(): Promise<RunningStandIn> {
    const oap = await startOapStandIn();
    return {
      config: { backend: 'skywalking', endpoint: oap.address, reporter: { flushInterval: 50, timeout: 5000 } },
      received: () => toReceivedSpans(oap.segments),
      stop: () => oap.stop(),
    };
  },
};
