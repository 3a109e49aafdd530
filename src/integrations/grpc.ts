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

/** The per-message context grpc-js passes along a client call (its type is not exported by name). */
type MessageContext = Parameters<grpcTypes.InterceptingCall['sendMessageWithContext']>[0];

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
const tracedClientCallClasses = new WeakMap<Grpc, TracedClientCallClass>();

/**
 * The client call our interceptor returns, made once per `@grpc/grpc-js` module: an
 * `InterceptingCall` (messages and half-close pass straight to the next call; cancel and peer
 * are grpc-js's own) that injects the exit span's context into the
 * metadata at `start` and listens to the next call itself — it is its own listener, so one
 * object per call instead of the requester, listener and closures a `Requester` needs (grpc-js
 * copies a requester's and listener's methods into objects of its own and binds them, ~12
 * objects per call). The status ends the span, then reaches the caller's listener.
 */
function tracedClientCallClass(grpc: Grpc): TracedClientCallClass {
  let TracedCall = tracedClientCallClasses.get(grpc);
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

    // Sending passes straight on: grpc-js's own versions go through the default requester
    // with a closure per message and per half-close, to keep the order while an asynchronous
    // `start` holds the metadata; ours starts the next call before it returns.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    override sendMessageWithContext(context: MessageContext, message: any): void {
      this.next.sendMessageWithContext(context, message);
    }

    override halfClose(): void {
      this.next.halfClose();
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
  tracedClientCallClasses.set(grpc, TracedCall);
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

/** The listener a server call's `start` takes (grpc-js does not export its type by name). */
type InterceptingServerListener = Parameters<grpcTypes.ServerInterceptingCall['start']>[0];
/** The status a server call's `sendStatus` takes (code and details optional). */
type PartialStatusObject = Parameters<grpcTypes.ServerInterceptingCall['sendStatus']>[0];

/** The per-call state of a traced server call, as {@link tracedServerCallClass}'s class holds it. */
interface TracedServerCall extends grpcTypes.ServerInterceptingCall, InterceptingServerListener {}
type TracedServerCallClass = new (
  next: grpcTypes.ServerInterceptingCallInterface,
  tracer: Tracer,
  info: MethodInfo,
  serviceName: string,
  requestStream: boolean,
) => TracedServerCall;
const tracedServerCallClasses = new WeakMap<Grpc, TracedServerCallClass>();

// The listener's steps, called with the listener as `this` inside the entry span's context
// (module functions: no closure per call).
function deliverMetadata(listener: InterceptingServerListener, metadata: grpcTypes.Metadata): void {
  listener.onReceiveMetadata(metadata);
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function deliverMessage(listener: InterceptingServerListener, message: any): void {
  listener.onReceiveMessage(message);
}
function deliverHalfClose(listener: InterceptingServerListener): void {
  listener.onReceiveHalfClose();
}

/**
 * The server call our interceptor returns, made once per `@grpc/grpc-js` module: a
 * `ServerInterceptingCall` whose sending steps pass straight to the next call (the status ends
 * the entry span first) and which is itself the next call's listener: it starts the entry span
 * from the incoming metadata and hands each step to the handler's listener inside the span's
 * context. One object per call instead of the responder, listener wrappers and the closure per
 * step a responder-based `ServerInterceptingCall` makes (~12 objects per call); the
 * read-only methods (`getPeer`, `getDeadline`, …) are grpc-js's own. Every step is
 * synchronous, so the order grpc-js's wrappers keep (a message held while metadata is being
 * processed) holds without them.
 */
function tracedServerCallClass(grpc: Grpc): TracedServerCallClass {
  let TracedCall = tracedServerCallClasses.get(grpc);
  if (TracedCall !== undefined) return TracedCall;
  if (typeof grpc.ServerInterceptingCall !== 'function') {
    throw new TypeError('addRpcServerTracing: the gRPC module (options.grpc) has no ServerInterceptingCall class; pass @grpc/grpc-js');
  }
  TracedCall = class extends grpc.ServerInterceptingCall implements TracedServerCall {
    private readonly nextServerCall: grpcTypes.ServerInterceptingCallInterface;
    private readonly tracer: Tracer;
    private readonly info: MethodInfo;
    private readonly serviceName: string;
    private readonly requestStream: boolean;
    private span: Span | undefined = undefined;
    private callListener: InterceptingServerListener | undefined = undefined;

    constructor(next: grpcTypes.ServerInterceptingCallInterface, tracer: Tracer, info: MethodInfo, serviceName: string, requestStream: boolean) {
      super(next);
      this.nextServerCall = next;
      this.tracer = tracer;
      this.info = info;
      this.serviceName = serviceName;
      this.requestStream = requestStream;
    }

    override start(listener: InterceptingServerListener): void {
      this.callListener = listener;
      this.nextServerCall.start(this);
    }

    override sendMetadata(metadata: grpcTypes.Metadata): void {
      this.nextServerCall.sendMetadata(metadata);
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    override sendMessage(message: any, callback: () => void): void {
      this.nextServerCall.sendMessage(message, callback);
    }

    override sendStatus(status: PartialStatusObject): void {
      const span = this.span;
      if (span && !span.ended) {
        recordGrpcStatus(span, status.code ?? 0, status.details);
        span.end();
      }
      this.nextServerCall.sendStatus(status);
    }

    onReceiveMetadata(metadata: grpcTypes.Metadata): void {
      const span = (this.span = startServerSpan(this.tracer, this.nextServerCall, this.info, this.serviceName, metadata));
      if (span && this.requestStream) runWithSpan(span, deliverMetadata, this.callListener!, metadata);
      else this.callListener!.onReceiveMetadata(metadata);
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    onReceiveMessage(message: any): void {
      const span = this.span;
      if (span && this.requestStream) runWithSpan(span, deliverMessage, this.callListener!, message);
      else this.callListener!.onReceiveMessage(message);
    }

    onReceiveHalfClose(): void {
      const span = this.span;
      if (span) runWithSpan(span, deliverHalfClose, this.callListener!);
      else this.callListener!.onReceiveHalfClose();
    }

    onCancel(): void {
      const span = this.span;
      if (span && !span.ended) {
        span.setStatus('error', 'cancelled by the client');
        span.setTag('rpc.grpc.status_code', 1);
        span.end();
      }
      this.callListener!.onCancel();
    }
  };
  tracedServerCallClasses.set(grpc, TracedCall);
  return TracedCall;
}

/**
 * Trace the calls a `@grpc/grpc-js` Server receives: each call gets an entry span that
 * continues the caller's trace from the metadata (any configured format), is active while
 * your handler runs (unary and all three streaming kinds), and ends when the status is
 * sent; a non-OK status or a cancelled call marks an error. Metadata is passed on unchanged.
 * Never throws into a call: a tracing failure leaves the call untraced (handler errors are
 * not swallowed). Throws only when `@grpc/grpc-js` cannot be `require`d and `options.grpc`
 * is not given, or (a `TypeError`) when `options.grpc` has no `ServerInterceptingCall` class.
 * Spec: OpenTelemetry semantic conventions for RPC/gRPC spans.
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
  const TracedCall = tracedServerCallClass(grpc);
  // With a single request message (unary, server streaming) grpc-js calls the handler from
  // the half-close step: only that step needs the span's context. A client/bidi streaming
  // handler starts at the metadata and gets its messages as events: every step needs it.
  const interceptor: grpcTypes.ServerInterceptor = (methodDescriptor, call) =>
    new TracedCall(call, explicit ?? getTracer(), methodInfo(methodDescriptor.path), serviceName, methodDescriptor.requestStream !== false);
  return {
    interceptors: [interceptor],
    options: { interceptors: [interceptor] },
    close: () => (explicit ?? getTracer()).flush(),
  };
}
