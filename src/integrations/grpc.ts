import type * as grpcTypes from '@grpc/grpc-js';
import { runWithSpan } from '../context/ContextManager';
import { metadataGetter, metadataSetter } from '../propagation/carriers';
import { parsePeer, type Span } from '../trace/Span';
import { getTracer } from '../trace/globalTracer';
import type { Tracer } from '../trace/Tracer';
import type { Peer } from '../api/types';

type Grpc = typeof grpcTypes;

/** Options of the gRPC integrations. */
export interface RpcTracingOptions {
  /** Tracer to use; default the process default ({@link getTracer}). */
  tracer?: Tracer;
  /** The `@grpc/grpc-js` module your code uses, when it is not the one this package resolves. */
  grpc?: Grpc;
  /** Client side: the server address (`host:port`) recorded as the exit span's peer. */
  peer?: string;
}

/**
 * What {@link addRpcClientTracing} returns: interceptors for a `@grpc/grpc-js` client and a
 * closer. Follows the OpenTelemetry RPC semantic conventions (`rpc.*` tags).
 *
 * @example
 * ```ts
 * const tracing: RpcClientTracing = addRpcClientTracing('orders', { peer: '127.0.0.1:50051' });
 * const client = new InventoryClient('127.0.0.1:50051', grpc.credentials.createInsecure(), tracing.options);
 * await tracing.close();
 * ```
 */
export interface RpcClientTracing {
  /** Client interceptors, for `new Client(address, credentials, { interceptors })`. */
  interceptors: grpcTypes.Interceptor[];
  /** Ready-made channel/client options: `{ interceptors }`. */
  options: { interceptors: grpcTypes.Interceptor[] };
  /** Closer: delivers the tracer's finished spans (flush). Never rejects. */
  close(): Promise<void>;
}

/**
 * What {@link addRpcServerTracing} returns: interceptors for a `@grpc/grpc-js` server and a
 * closer. Follows the OpenTelemetry RPC semantic conventions (`rpc.*` tags).
 *
 * @example
 * ```ts
 * const tracing: RpcServerTracing = addRpcServerTracing('inventory');
 * const server = new grpc.Server(tracing.options);
 * // on exit:
 * server.forceShutdown(); await tracing.close();
 * ```
 */
export interface RpcServerTracing {
  /** Server interceptors, for `new grpc.Server({ interceptors })`. */
  interceptors: grpcTypes.ServerInterceptor[];
  /** Ready-made server options: `{ interceptors }`. */
  options: { interceptors: grpcTypes.ServerInterceptor[] };
  /** Closer: delivers the tracer's finished spans (flush). Never rejects. */
  close(): Promise<void>;
}

/** What a method path (`/pkg.Service/Method`) gives a span: its name, service and method. */
interface MethodInfo {
  readonly name: string;
  readonly service: string;
  readonly method: string;
}

const METHOD_CACHE_MAX = 1024;
const methodCache = new Map<string, MethodInfo>();

/** Split a method path once per distinct path (at most 1,024 cached; cleared when full). */
function methodInfo(path: string): MethodInfo {
  let info = methodCache.get(path);
  if (info === undefined) {
    const parts = path.split('/');
    info = { name: path.replace(/^\//, ''), service: parts[1] ?? '', method: parts[2] ?? '' };
    if (methodCache.size >= METHOD_CACHE_MAX) methodCache.clear();
    methodCache.set(path, info);
  }
  return info;
}

function loadGrpc(options?: RpcTracingOptions): Grpc {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return options?.grpc ?? (require('@grpc/grpc-js') as Grpc);
}

function recordGrpcStatus(span: Span, code: number, details: string | undefined): void {
  span.setTag('rpc.grpc.status_code', code);
  if (code !== 0) span.setStatus('error', details || `gRPC status ${code}`);
}

/** The tags of every gRPC server span (taken as one object: see `Span._setTagsAsOne`). */
const RPC_TAGS: readonly string[] = ['rpc.system', 'rpc.service', 'rpc.method'];
/** The tags of a gRPC client span of a named service. */
const RPC_CLIENT_TAGS: readonly string[] = ['rpc.system', 'rpc.service', 'rpc.method', 'peer.service'];

let lastRawPeer: string | undefined;
let lastPeer: Peer | undefined;

/**
 * The calling peer from grpc-js's `getPeer()` (`ipv4:10.0.0.7:50312`, `[::1]:50312`,
 * `unknown`): host and port, `undefined` when unknown. The calls of one client share its
 * connection, hence its peer string: the last one is parsed once (two regular expressions)
 * and its Peer shared, as the client side shares its channel's.
 */
function callerPeer(raw: string): Peer | undefined {
  if (raw === lastRawPeer) return lastPeer;
  const peer = raw && raw !== 'unknown' ? parsePeer(raw.replace(/^ipv[46]:/, '')) : undefined;
  lastRawPeer = raw;
  lastPeer = peer;
  return peer;
}

/**
 * Start the entry span of an incoming call from its metadata (continuing the caller's trace
 * when the metadata carries one). Returns `undefined` when anything fails (the call then goes
 * on untraced). Never throws.
 */
function startServerSpan(
  tracer: Tracer,
  call: grpcTypes.ServerInterceptingCallInterface,
  info: MethodInfo,
  serviceName: string,
  metadata: grpcTypes.Metadata,
): Span | undefined {
  try {
    const parent = tracer.extract(metadata, metadataGetter);
    const span = tracer.startSpan(info.name, {
      kind: 'entry',
      parent: parent ?? null,
      layer: 'rpc',
      component: 'grpc',
      peer: callerPeer(call.getPeer()),
    });
    if (span.isRecording()) {
      span._setTagsAsOne({ 'rpc.system': 'grpc', 'rpc.service': info.service || serviceName, 'rpc.method': info.method }, RPC_TAGS);
    }
    return span;
  } catch {
    return undefined;
  }
}

/** The call a client interceptor's `nextCall(options)` returns (grpc-js's `InterceptingCallInterface`). */
type NextInterceptingCall = ReturnType<grpcTypes.NextCall>;

/** The per-call state of a traced client call, as {@link tracedClientCallClass}'s class holds it. */
interface TracedClientCall extends grpcTypes.InterceptingCall {
  onReceiveMetadata(metadata: grpcTypes.Metadata): void;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  onReceiveMessage(message: any): void;
  onReceiveStatus(status: grpcTypes.StatusObject): void;
}
type TracedClientCallClass = new (next: NextInterceptingCall, tracer: Tracer, span: Span) => TracedClientCall;
const tracedCallClasses = new WeakMap<Grpc, TracedClientCallClass>();

/**
 * The client call our interceptor returns, made once per `@grpc/grpc-js` module: an
 * `InterceptingCall` (every method but `start` is grpc-js's own: messages, half-close, cancel
 * and peer pass straight to the next call) that injects the exit span's context into the
 * metadata at `start` and listens to the next call itself — it is its own listener, so one
 * object per call instead of the requester, listener and closures a `Requester` needs (grpc-js
 * copies a requester's and listener's methods into objects of its own and binds them, ~12
 * objects per call). The status ends the span, then reaches the caller's listener.
 */
function tracedClientCallClass(grpc: Grpc): TracedClientCallClass {
  let TracedCall = tracedCallClasses.get(grpc);
  if (TracedCall !== undefined) return TracedCall;
  if (typeof grpc.InterceptingCall !== 'function') {
    throw new TypeError('addRpcClientTracing: the gRPC module (options.grpc) has no InterceptingCall class; pass @grpc/grpc-js');
  }
  TracedCall = class extends grpc.InterceptingCall implements TracedClientCall {
    private readonly next: NextInterceptingCall;
    private readonly tracer: Tracer;
    private readonly span: Span;
    private listener: Partial<grpcTypes.InterceptingListener> | undefined = undefined;

    constructor(next: NextInterceptingCall, tracer: Tracer, span: Span) {
      super(next);
      this.next = next;
      this.tracer = tracer;
      this.span = span;
    }

    override start(metadata: grpcTypes.Metadata, listener?: Partial<grpcTypes.InterceptingListener>): void {
      this.tracer.injectSpan(this.span, metadata, metadataSetter);
      this.listener = listener;
      this.next.start(metadata, this);
    }

    onReceiveMetadata(metadata: grpcTypes.Metadata): void {
      this.listener?.onReceiveMetadata?.(metadata);
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    onReceiveMessage(message: any): void {
      this.listener?.onReceiveMessage?.(message);
    }

    onReceiveStatus(status: grpcTypes.StatusObject): void {
      const span = this.span;
      if (!span.ended) {
        recordGrpcStatus(span, status.code, status.details);
        span.end();
      }
      this.listener?.onReceiveStatus?.(status);
    }
  };
  tracedCallClasses.set(grpc, TracedCall);
  return TracedCall;
}

/**
 * Trace the calls of a `@grpc/grpc-js` client: each call (unary and all three streaming
 * kinds) gets an exit span, child of the active span, whose context is injected into the
 * call's metadata (keeping any metadata the caller set). The span ends when the call's
 * status arrives; a non-OK status marks an error. Tags: `rpc.system=grpc`, `rpc.service`,
 * `rpc.method`, `rpc.grpc.status_code`, `peer.service`; peer = `options.peer`.
 * The interceptor adds no exception of its own to a call (starting the span, tagging and
 * injecting never throw); the call's errors reach the caller as usual. Throws only when
 * `@grpc/grpc-js` cannot be `require`d and `options.grpc` is not given, or (a `TypeError`)
 * when `options.grpc` has no `InterceptingCall` class.
 * Spec: OpenTelemetry semantic conventions for RPC/gRPC spans.
 *
 * @param serviceName - logical name of the called service (recorded as the peer's service)
 * @example
 * ```ts
 * const { options, close } = addRpcClientTracing('inventory', { tracer, peer: '127.0.0.1:50051' });
 * const client = new InventoryClient('127.0.0.1:50051', grpc.credentials.createInsecure(), options);
 * ```
 */
export function addRpcClientTracing(serviceName: string, options?: RpcTracingOptions): RpcClientTracing {
  const grpc = loadGrpc(options);
  const explicit = options?.tracer;
  // The peer is the same for every call through this channel: parse it once.
  const parsed = options?.peer ? parsePeer(options.peer) : undefined;
  const peer: Peer = parsed ? (parsed.service === undefined && serviceName ? { ...parsed, service: serviceName } : parsed) : { service: serviceName };
  const TracedCall = tracedClientCallClass(grpc);
  const interceptor: grpcTypes.Interceptor = (callOptions, nextCall) => {
    const tracer = explicit ?? getTracer();
    const info = methodInfo(callOptions.method_definition.path);
    const span = tracer.startSpan(info.name, { kind: 'exit', layer: 'rpc', component: 'grpc', peer });
    if (span.isRecording()) {
      span._setTagsAsOne(
        { 'rpc.system': 'grpc', 'rpc.service': info.service, 'rpc.method': info.method, 'peer.service': serviceName || undefined },
        RPC_CLIENT_TAGS,
      );
    }
    return new TracedCall(nextCall(callOptions), tracer, span);
  };
  return {
    interceptors: [interceptor],
    options: { interceptors: [interceptor] },
    close: () => (explicit ?? getTracer()).flush(),
  };
}

/**
 * Trace the calls a `@grpc/grpc-js` Server receives: each call gets an entry span that
 * continues the caller's trace from the metadata (any configured format), is active while
 * your handler runs (unary and all three streaming kinds), and ends when the status is
 * sent; a non-OK status or a cancelled call marks an error. Metadata is passed on unchanged.
 * Never throws into a call: a tracing failure leaves the call untraced (handler errors are
 * not swallowed). Throws only when `@grpc/grpc-js` cannot be `require`d and `options.grpc`
 * is not given. Spec: OpenTelemetry semantic conventions for RPC/gRPC spans.
 *
 * @param serviceName - logical name of this service (recorded as `rpc.service` when the path has none)
 * @example
 * ```ts
 * const { options } = addRpcServerTracing('inventory', { tracer });
 * const server = new grpc.Server(options);
 * ```
 */
export function addRpcServerTracing(serviceName: string, options?: RpcTracingOptions): RpcServerTracing {
  const grpc = loadGrpc(options);
  const explicit = options?.tracer;
  const interceptor: grpcTypes.ServerInterceptor = (methodDescriptor, call) => {
    const tracer = explicit ?? getTracer();
    const info = methodInfo(methodDescriptor.path);
    let span: Span | undefined;
    // With a single request message (unary, server streaming) grpc-js calls the handler from
    // the half-close step: only that step needs the span's context. A client/bidi streaming
    // handler starts at the metadata and gets its messages as events: every step needs it.
    const requestStream = methodDescriptor.requestStream !== false;
    // Plain listener/responder objects (the builders cost two more objects per call); each
    // step runs inside the entry span once it exists, without a closure per step.
    const listener: grpcTypes.ServerListener = {
      onReceiveMetadata(metadata, next) {
        span = startServerSpan(tracer, call, info, serviceName, metadata);
        if (span && requestStream) runWithSpan(span, next, metadata);
        else next(metadata);
      },
      onReceiveMessage(message, next) {
        if (span && requestStream) runWithSpan(span, next, message);
        else next(message);
      },
      onReceiveHalfClose(next) {
        if (span) runWithSpan(span, next);
        else next();
      },
      onCancel() {
        if (span && !span.ended) {
          span.setStatus('error', 'cancelled by the client');
          span.setTag('rpc.grpc.status_code', 1);
          span.end();
        }
      },
    };
    const responder: grpcTypes.Responder = {
      start(next) {
        next(listener);
      },
      sendStatus(status, next) {
        if (span && !span.ended) {
          recordGrpcStatus(span, status.code ?? 0, status.details);
          span.end();
        }
        next(status);
      },
    };
    return new grpc.ServerInterceptingCall(call, responder);
  };
  return {
    interceptors: [interceptor],
    options: { interceptors: [interceptor] },
    close: () => (explicit ?? getTracer()).flush(),
  };
}
