import { errorMonitor } from 'node:events';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AttributeValue } from '../api/types';
import { currentSpan, runWithSpan, withSpan } from '../context/ContextManager';
import { REDACTED, type Span } from '../trace/Span';
import { incomingHeadersGetter } from '../propagation/carriers';
import { getTracer } from '../trace/globalTracer';
import type { Tracer } from '../trace/Tracer';

/** Options shared by the HTTP integrations. */
export interface HttpTracingOptions {
  /** Tracer to use; default the process default ({@link getTracer}). */
  tracer?: Tracer;
  /** Span name from the request; default `METHOD /path`. */
  operationName?: (method: string, path: string) => string;
}

type HeaderBag = http.IncomingHttpHeaders | http.OutgoingHttpHeaders | Record<string, string | string[] | number | undefined>;

/**
 * Remove credentials (`user:password@`) from a URL and replace the values of secret query
 * parameters (the tracer's redact list plus `token`, `password`, `access_token`, …) by
 * `[REDACTED]`. A string that is not a URL is returned with its query redacted the same way.
 * Never throws.
 *
 * @example
 * ```ts
 * sanitizeUrl('http://u:p@h/x?token=abc&id=1', tracer); // 'http://h/x?token=%5BREDACTED%5D&id=1'
 * ```
 */
export function sanitizeUrl(raw: string, tracer: Tracer): string {
  // Nothing to strip without credentials or a query: skip the URL parse (the common case).
  if (raw.indexOf('@') < 0 && raw.indexOf('?') < 0) return raw;

  try {
    const base = raw.startsWith('/') ? 'http://x' : undefined;
    const u = new URL(raw, base);
    u.username = '';
    u.password = '';
    for (const key of [...u.searchParams.keys()]) if (tracer.isRedacted(key)) u.searchParams.set(key, REDACTED);
    const s = u.toString();
    return base ? s.slice(base.length) : s;
  } catch {
    return raw.replace(/([?&])([^=&#]+)=([^&#]*)/g, (m, sep: string, k: string) => (tracer.isRedacted(k) ? `${sep}${k}=${REDACTED}` : m));
  }
}

function isIgnored(tracer: Tracer, path: string): boolean {
  const list = tracer.config.ignorePaths;
  if (!list || list.length === 0) return false;
  for (const p of list) if (typeof p === 'string' ? p === path : p.test(path)) return true;
  return false;
}

/** `host` without a trailing `:port` (as `/:\d+$/` would remove it; `[::1]:80` → `[::1]`), without a regex per request. */
function withoutPort(host: string): string {
  let i = host.length - 1;
  while (i >= 0) {
    const c = host.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    i--;
  }
  return i >= 0 && i < host.length - 1 && host.charCodeAt(i) === 0x3a ? host.slice(0, i) : host;
}

/**
 * What the server spans of the last request's `Host` shared: `http://{host}` / `https://{host}`
 * (the start of `url.full`) and `server.address`. Keep-alive clients send one Host header
 * for many requests; kept by value, a different Host simply replaces it.
 */
interface HostParts {
  readonly host: string;
  readonly secure: boolean;
  readonly origin: string;
  readonly address: string;
  /** `host` holds an '@' (credentials-like): `url.full` then always goes through {@link sanitizeUrl}. */
  readonly hasAt: boolean;
}
let lastHost: HostParts | undefined;

function hostParts(host: string, secure: boolean): HostParts {
  const last = lastHost;
  if (last !== undefined && last.host === host && last.secure === secure) return last;
  // A Host header has no userinfo, but a client may send one anyway: never record it.
  const at = host.lastIndexOf('@');
  const parts: HostParts = { host, secure, origin: `${secure ? 'https' : 'http'}://${host}`, address: withoutPort(at < 0 ? host : host.slice(at + 1)), hasAt: at >= 0 };
  lastHost = parts;
  return parts;
}

/** The last server span name built from a method and a path (kept by value, see {@link serverSpanName}). */
let lastName: { method: string; path: string; name: string } | undefined;

/**
 * `${method} ${path}`, the same string object for consecutive requests with the same method
 * and path: its hash (looked up in the caller-tag cache) and flat form are then computed once.
 */
function serverSpanName(method: string, path: string): string {
  const last = lastName;
  if (last !== undefined && last.path === path && last.method === method) return last.name;
  const name = `${method} ${path}`;
  lastName = { method, path, name };
  return name;
}

/**
 * The request method in upper case (`GET` when absent): the string itself when it has no
 * lower-case or non-ASCII letter — V8 copies a string on every `toUpperCase()`, changed or not.
 */
function upperCaseMethod(method: string | undefined): string {
  if (method === undefined) return 'GET';
  for (let i = 0; i < method.length; i++) {
    const c = method.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || c >= 0x80) return method.toUpperCase();
  }
  return method;
}

/** Mark a span from an HTTP status code: tag it, and set error status at or above `errorFrom`. */
function recordStatus(span: Span, statusCode: number, errorFrom: number): void {
  span.setTag('http.response.status_code', statusCode);
  if (statusCode >= errorFrom) span.setStatus('error', `HTTP ${statusCode}`);
}

/**
 * The result of {@link addHttpTracing}: the span and a finisher.
 *
 * @example
 * ```ts
 * const t: HttpTracing = addHttpTracing('GET /orders', req.headers);
 * tracer.withSpan(t.span, () => handle(req, res));
 * res.on('finish', () => t.finish(res.statusCode));
 * ```
 */
export interface HttpTracing {
  /** The entry (server) or exit (client) span. */
  span: Span;
  /**
   * End the span. Pass the HTTP status code (≥ 500 marks an error) or the error that
   * failed the exchange. Idempotent, never throws.
   */
  finish(result?: number | Error): void;
}

/**
 * traceandtrace-style HTTP tracing in one call.
 *
 * - **Server side** (`kind: 'entry'`, the default when no span is active): continues the
 *   trace found in the incoming `headers` (any configured format) or starts a new root.
 * - **Client side** (`kind: 'exit'`, the default when a span is active): starts a child of
 *   the active span and injects its context into the outgoing `headers` object (mutated).
 *
 * The span is not made active; run your handler inside `tracer.withSpan(span, fn)` for that.
 * Secret headers are never recorded. Never throws.
 *
 * @param operationName - span name, e.g. `GET /orders`
 * @param headers - incoming headers (server) or the outgoing headers object to fill (client)
 * @param tags - extra tags for the span
 * @example
 * ```ts
 * const { span, finish } = addHttpTracing('GET /orders', req.headers, { 'http.request.method': 'GET' });
 * res.on('finish', () => finish(res.statusCode));
 * ```
 */
export function addHttpTracing(
  operationName: string,
  headers: HeaderBag,
  tags?: Record<string, AttributeValue>,
  options?: { kind?: 'entry' | 'exit'; tracer?: Tracer; peer?: string },
): HttpTracing {
  const tracer = options?.tracer ?? getTracer();
  const kind = options?.kind ?? (currentSpan() ? 'exit' : 'entry');
  let span: Span;
  if (kind === 'entry') {
    const parent = tracer.extract(headers as Record<string, unknown>);
    span = tracer.startSpan(operationName, { kind, parent: parent ?? null, layer: 'http', component: 'http', attributes: tags, peer: options?.peer });
  } else {
    span = tracer.startSpan(operationName, { kind, layer: 'http', component: 'http', attributes: tags, peer: options?.peer });
    tracer.injectSpan(span, headers as Record<string, unknown>, (c, k, v) => {
      (c as Record<string, unknown>)[k] = v;
    });
  }
  return {
    span,
    finish(result?: number | Error): void {
      if (span.ended) return;
      if (typeof result === 'number') recordStatus(span, result, kind === 'entry' ? 500 : 400);
      else if (result !== undefined) span.recordError(result);
      span.end();
    },
  };
}

const kServer = Symbol('traceandtrace.serverSpan');
/** Per-request state of a server span, kept on the ServerResponse under {@link kServer}. */
interface ServerSpanState {
  readonly span: Span;
  readonly req: http.IncomingMessage;
  readonly method: string;
  /** A custom `operationName` was given (then the Express route does not rename the span). */
  readonly operationName: boolean;
  done: boolean;
}
type ServerSpanned = { [kServer]?: ServerSpanState };

/** End a server span once: Express route (if any), status code, end. */
function finishServerSpan(res: http.ServerResponse, st: ServerSpanState): void {
  if (st.done) return;
  st.done = true;
  const span = st.span;
  const express = st.req as unknown as { route?: { path?: unknown }; baseUrl?: unknown };
  const route = express.route?.path;
  if (typeof route === 'string') {
    const full = `${typeof express.baseUrl === 'string' ? express.baseUrl : ''}${route}`;
    span.setTag('http.route', full);
    if (!st.operationName) span.updateName(`${st.method} ${full}`);
  }
  recordStatus(span, res.statusCode, 500);
  span.end();
}

function onServerFinish(this: http.ServerResponse): void {
  const st = (this as ServerSpanned)[kServer];
  if (st !== undefined) finishServerSpan(this, st);
}

function onServerClose(this: http.ServerResponse): void {
  const st = (this as ServerSpanned)[kServer];
  if (st === undefined || st.done) return;
  if (!this.writableFinished) st.span.setStatus('error', 'connection closed before the response finished');
  finishServerSpan(this, st);
}

/** What a server span takes from its connection: the client's address (peer), the local port, TLS or not. */
interface ConnectionInfo {
  readonly peer: { readonly host: string; readonly port: number | undefined } | undefined;
  readonly localPort: number | undefined;
  readonly secure: boolean;
}

/**
 * Per connected socket, its {@link ConnectionInfo}, read once: keep-alive connections carry
 * many requests, and each of node:net's address getters costs ~700 instructions (a native
 * call's megamorphic lookups), three per request. Weak: a closed socket's entry goes with it.
 */
const connections = new WeakMap<object, ConnectionInfo>();
const NO_CONNECTION: ConnectionInfo = { peer: undefined, localPort: undefined, secure: false };

function connectionOf(socket: import('node:net').Socket | null | undefined): ConnectionInfo {
  if (socket === null || socket === undefined) return NO_CONNECTION;
  const known = connections.get(socket);
  if (known !== undefined) return known;
  const remote = socket.remoteAddress;
  const info: ConnectionInfo = {
    peer: remote ? { host: remote, port: socket.remotePort } : undefined,
    localPort: socket.localPort,
    secure: (socket as { encrypted?: boolean }).encrypted === true,
  };
  // Only a connected socket's addresses are final (undefined before connect and after close).
  if (remote) connections.set(socket, info);
  return info;
}

/** The tags every usual server span has (taken as one object: see `Span._setTagsAsOne`). */
const SERVER_TAGS: readonly string[] = ['http.request.method', 'url.path', 'url.full', 'server.address', 'server.port', 'client.address'];
/** The tags of every client span of {@link tracedRequest}. */
const CLIENT_TAGS: readonly string[] = ['http.request.method', 'url.full', 'server.address', 'server.port'];

/**
 * Start the entry span for an incoming node:http request and arrange for it to end when the
 * response finishes (or the connection closes first, which marks an error). Returns
 * `undefined` for ignored paths (`ignorePaths`). Never throws.
 */
function startServerSpan(req: http.IncomingMessage, res: http.ServerResponse, tracer: Tracer, options?: HttpTracingOptions): Span | undefined {
  const method = upperCaseMethod(req.method);
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (isIgnored(tracer, path)) return undefined;
  const headers = req.headers;
  // Node lower-cases incoming header names: plain property reads, no case-insensitive scan.
  const parent = tracer.extract(headers, incomingHeadersGetter);
  const host = incomingHeadersGetter(headers, 'host');
  const name = options?.operationName ? safeName(options.operationName, method, path, `${method} ${path}`) : serverSpanName(method, path);
  const conn = connectionOf(req.socket);
  const span = tracer.startSpan(name, { kind: 'entry', parent: parent ?? null, layer: 'http', component: 'http', peer: conn.peer });
  if (span.isRecording()) {
    const parts = hostParts(host ?? 'localhost', conn.secure);
    // Nothing to strip (no query, no '@' in the path or Host): the URL as is, without the scan
    // of the joined string that sanitizeUrl would make (which flattens it first).
    const full = q < 0 && !parts.hasAt && url.indexOf('@') < 0 ? parts.origin + url : sanitizeUrl(parts.origin + url, tracer);
    const localPort = conn.localPort;
    const client = conn.peer?.host;
    const tags = {
      // all present on the usual request: then one object for the span (see Span._setTagsAsOne)
      'http.request.method': method,
      'url.path': path,
      'url.full': full,
      'server.address': host ? parts.address : undefined,
      'server.port': localPort || undefined,
      'client.address': client || undefined,
    };
    span._setTagsAsOne(tags, SERVER_TAGS);
    if (q >= 0 && q < url.length - 1) span.setTag('url.query', sanitizeUrl(`/${url.slice(q)}`, tracer).slice(2));
    const ua = incomingHeadersGetter(headers, 'user-agent');
    if (ua) span.setTag('user_agent.original', ua);
  }
  const state: ServerSpanState = { span, req, method, operationName: options?.operationName !== undefined, done: false };
  (res as ServerSpanned)[kServer] = state;
  // End at 'finish' (the response is handed to the OS): 'close' can come milliseconds later
  // and would stretch the span past the caller's. 'close' without 'finish' means the
  // connection went away first. Shared listeners: no closure per request.
  res.on('finish', onServerFinish);
  res.on('close', onServerClose);
  return span;
}

/**
 * The span name from a user's `operationName(method, path)`, or `fallback` when it throws or
 * returns no string. Called with arguments, not through a closure: a closure over the
 * caller's locals would make V8 allocate a context on every request, named or not.
 */
function safeName(operationName: (method: string, path: string) => string, method: string, path: string, fallback: string): string {
  try {
    const n = operationName(method, path);
    return typeof n === 'string' && n ? n : fallback;
  } catch {
    return fallback;
  }
}

/**
 * node:http / Express / Connect middleware: traces each request as an entry span that
 * continues the caller's trace, is active for the rest of the chain (`next()` and your
 * handlers run inside it), and ends when the response finishes. Records method, path,
 * sanitized URL, route (Express), status code, client address; HTTP ≥ 500 marks an error.
 * Paths in the tracer's `ignorePaths` are passed through untraced.
 * Never throws: when a span cannot be started the request goes on untraced.
 * Spec: OpenTelemetry HTTP semantic conventions (`http.request.method`, `url.path`, `http.route`…).
 *
 * @example
 * ```ts
 * app.use(httpServerTracing({ tracer }));
 * // or with node:http:
 * http.createServer((req, res) => httpServerTracing({ tracer })(req, res, () => handler(req, res)));
 * ```
 */
export function httpServerTracing(options?: HttpTracingOptions): (req: http.IncomingMessage, res: http.ServerResponse, next: (err?: unknown) => void) => void {
  return (req, res, next) => {
    const tracer = options?.tracer ?? getTracer();
    let span: Span | undefined;
    try {
      span = startServerSpan(req, res, tracer, options);
    } catch {
      span = undefined;
    }
    if (!span) return next();
    runWithSpan(span, next);
  };
}

/**
 * Call a request handler inside (or, untraced, outside) its entry span: a synchronous throw
 * is recorded and re-thrown; a rejected promise is recorded and answered with 500 if no
 * response was started.
 */
function callTracedHandler(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => unknown,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  span: Span | undefined,
): void {
  let result: unknown;
  try {
    result = handler(req, res);
  } catch (err) {
    span?.recordError(err);
    throw err;
  }
  // In a function of its own: the rejection handler's closure over `span` and `res` would
  // otherwise make V8 allocate a context on every request, synchronous handlers included.
  if (result && typeof (result as Promise<unknown>).then === 'function') onRejection(result as Promise<unknown>, res, span);
}

/** Record a rejected handler promise on the span and answer 500 if no response was started. */
function onRejection(result: Promise<unknown>, res: http.ServerResponse, span: Span | undefined): void {
  result.then(undefined, (err: unknown) => {
    span?.recordError(err);
    if (!res.headersSent) {
      res.statusCode = 500;
      res.end();
    }
  });
}

/**
 * Wrap a node:http request handler so every request runs inside its entry span (see
 * {@link httpServerTracing}). An error the handler throws is recorded on the span and
 * re-thrown. A promise it returns that rejects is recorded on the span and, when no response
 * was started, answered with 500 (the rejection is then handled: node:http ignores a
 * handler's promise, so untraced it would be an unhandled rejection and a hanging request).
 *
 * @example
 * ```ts
 * http.createServer(traceHttpHandler(async (req, res) => { res.end('ok'); }, { tracer }));
 * ```
 */
export function traceHttpHandler(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => unknown,
  options?: HttpTracingOptions,
): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (req, res) => {
    const tracer = options?.tracer ?? getTracer();
    let span: Span | undefined;
    try {
      span = startServerSpan(req, res, tracer, options);
    } catch {
      span = undefined;
    }
    if (span === undefined) callTracedHandler(handler, req, res, undefined);
    else runWithSpan(span, callTracedHandler, handler, req, res, span);
  };
}

/**
 * Koa middleware with the same behaviour as {@link httpServerTracing}: `ctx.req`/`ctx.res`
 * are traced and the downstream middleware runs inside the entry span.
 * Never throws on its own: when a span cannot be started the request goes on untraced; a
 * rejection of downstream middleware is recorded on the span and re-thrown.
 *
 * @example
 * ```ts
 * app.use(koaTracing({ tracer }));
 * ```
 */
export function koaTracing(options?: HttpTracingOptions): (ctx: { req: http.IncomingMessage; res: http.ServerResponse }, next: () => Promise<unknown>) => Promise<unknown> {
  return (ctx, next) => {
    const tracer = options?.tracer ?? getTracer();
    let span: Span | undefined;
    try {
      span = startServerSpan(ctx.req, ctx.res, tracer, options);
    } catch {
      span = undefined;
    }
    if (!span) return next();
    const s = span;
    return withSpan(s, () =>
      next().catch((err: unknown) => {
        s.recordError(err);
        throw err;
      }),
    );
  };
}

function clientName(method: string, url: URL): string {
  return `${method} ${url.pathname || '/'}`;
}

/**
 * Tag an exit span with the usual client tags (one object, see `Span._setTagsAsOne`):
 * method, `url.full` (sanitized), `server.address`, `server.port`.
 */
function tagClient(span: Span, method: string, full: string, address: string, port: number): void {
  if (!span.isRecording()) return;
  span._setTagsAsOne({ 'http.request.method': method, 'url.full': full, 'server.address': address, 'server.port': port }, CLIENT_TAGS);
}

/** The port of a parsed URL, the scheme's default when it names none. */
function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/** A parsed URL's host without the brackets of an IPv6 literal (`[::1]` → `::1`). */
function bareHostname(url: URL): string {
  const h = url.hostname;
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

function peerOf(url: URL): { host: string; port: number } {
  return { host: bareHostname(url), port: portOf(url) };
}

/**
 * `fetch` with an exit span: a child of the active span, its context injected into the
 * request headers (existing headers kept), ended when the response headers arrive
 * (status ≥ 400 marks an error, as OpenTelemetry's HTTP client conventions say) or when
 * fetch rejects (recorded, then re-thrown). Follows redirects as fetch does; the span
 * covers them all.
 *
 * @example
 * ```ts
 * const res = await tracedFetch(`${ordersUrl}/orders?item=book`, undefined, { tracer });
 * ```
 */
export async function tracedFetch(input: string | URL, init?: RequestInit, options?: HttpTracingOptions): Promise<Response> {
  const tracer = options?.tracer ?? getTracer();
  const url = new URL(String(input));
  const method = upperCaseMethod(init?.method);
  const peer = peerOf(url);
  const span = tracer.startSpan(options?.operationName ? safeName(options.operationName, method, url.pathname, clientName(method, url)) : clientName(method, url), {
    kind: 'exit',
    layer: 'http',
    component: 'http',
    peer,
  });
  // server.address as tracedRequest records it: an IPv6 literal without its brackets.
  tagClient(span, method, sanitizeUrl(url.toString(), tracer), peer.host, peer.port);
  const headers = new Headers(init?.headers);
  tracer.injectSpan(span, headers, (h, k, v) => h.set(k, v));
  try {
    const res = await withSpan(span, () => fetch(url, { ...init, headers }));
    recordStatus(span, res.status, 400);
    span.end();
    return res;
  } catch (err) {
    span.recordError(err);
    span.end();
    throw err;
  }
}

/**
 * What {@link tracedRequest} needs of a target URL, parsed once per distinct target string
 * (see {@link clientTarget}): node:http request options without a `URL` object (passing a
 * `URL` to `http.request` costs ~6 µs per request on Node 20) and the span's name parts, peer
 * and sanitized `url.full`.
 */
interface ClientTarget {
  readonly secure: boolean;
  /** `{ host, port, path, auth? }` for `http.request` (`protocol` too when neither http: nor https:). */
  readonly base: Readonly<http.RequestOptions>;
  readonly pathname: string;
  readonly peer: { host: string; port: number };
  /** `url.full` before sanitizing (sanitized per tracer: redact lists differ). */
  readonly href: string;
  /** The `http.request` options last built for this target (see {@link requestOptionsFor}). */
  merged?: MergedOptions;
  /** The span name last built for this target (`GET /orders`) and its method. */
  spanName?: string;
  spanNameMethod?: string;
  /** `href` sanitized for {@link sanitizedFor} (a tracer's redact list is fixed when it is created). */
  sanitized?: string;
  sanitizedFor?: Tracer;
}

/** The target's `url.full` as `tracer` records it ({@link sanitizeUrl}), computed once per target and tracer. */
function sanitizedHref(t: ClientTarget, tracer: Tracer): string {
  if (t.sanitizedFor === tracer && t.sanitized !== undefined) return t.sanitized;
  const full = sanitizeUrl(t.href, tracer);
  t.sanitized = full;
  t.sanitizedFor = tracer;
  return full;
}

/** `${method} ${pathname}`, the same string object while a target is called with one method (hashed once by the caller-tag cache). */
function clientSpanName(t: ClientTarget, method: string): string {
  if (t.spanNameMethod === method && t.spanName !== undefined) return t.spanName;
  const name = `${method} ${t.pathname}`;
  t.spanName = name;
  t.spanNameMethod = method;
  return name;
}

/** `{ ...base, ...from }` and the top-level keys/values of `from` it was built from. */
interface MergedOptions {
  readonly from: http.RequestOptions | undefined;
  /** Own enumerable keys and values of `from` when merged: [key0, value0, key1, value1, …]. */
  readonly snapshot: readonly unknown[];
  readonly options: http.RequestOptions;
}

function snapshotOf(from: http.RequestOptions | undefined): unknown[] {
  const out: unknown[] = [];
  if (from === undefined) return out;
  for (const k of Object.keys(from)) out.push(k, (from as Record<string, unknown>)[k]);
  return out;
}

/** `from`'s own enumerable keys and values are still `snapshot`'s, in order (for-in: no key list allocated per request). */
function unchanged(from: http.RequestOptions | undefined, snapshot: readonly unknown[]): boolean {
  if (from === undefined) return snapshot.length === 0;
  let i = 0;
  for (const k in from) {
    if (!Object.prototype.hasOwnProperty.call(from, k)) continue;
    if (i >= snapshot.length || k !== snapshot[i] || (from as Record<string, unknown>)[k] !== snapshot[i + 1]) return false;
    i += 2;
  }
  return i === snapshot.length;
}

/**
 * The options for `http.request`: the target's parsed parts overridden by `requestOptions`.
 * The object is reused while the caller passes the same `requestOptions` object with the same
 * top-level values (checked on every call): Node copies it and never writes to it, and
 * handing `http.request` a freshly built object costs a keep-alive request ~5 µs of CPU on
 * Node 20 (bench section 4, keep-alive loopback), reusing one does not.
 */
function requestOptionsFor(t: ClientTarget, requestOptions: http.RequestOptions | undefined): http.RequestOptions {
  const m = t.merged;
  if (m !== undefined && m.from === requestOptions && unchanged(requestOptions, m.snapshot)) return m.options;
  const options: http.RequestOptions = requestOptions ? { ...t.base, ...requestOptions } : { ...t.base };
  t.merged = { from: requestOptions, snapshot: snapshotOf(requestOptions), options };
  return options;
}

const TARGET_CACHE_MAX = 256;
const targetCache = new Map<string, ClientTarget>();

/**
 * Parse `target` (cached by its string form; at most 256 entries, cleared when full; targets
 * with credentials are never cached). Throws what `new URL` throws for an unparsable target.
 */
function clientTarget(target: string | URL): ClientTarget {
  const key = typeof target === 'string' ? target : target.href;
  const hit = targetCache.get(key);
  if (hit !== undefined) return hit;
  const url = typeof target === 'string' ? new URL(target) : target;
  const secure = url.protocol === 'https:';
  const hostname = bareHostname(url);
  const port = portOf(url);
  const path = `${url.pathname}${url.search}`;
  // Node copies these options into two null-prototype (dictionary) objects per request, one
  // property insert each: `host` rather than `hostname`, which Node turns into a `host` key
  // anyway, and no `protocol` for http:/https:, which http.request/https.request imply (~0.5 µs
  // less per request). Any other protocol is passed on for Node to reject, as it would.
  const base: http.RequestOptions =
    secure || url.protocol === 'http:' ? { host: hostname, port, path } : { protocol: url.protocol, host: hostname, port, path };
  const withAuth = url.username !== '' || url.password !== '';
  if (withAuth) base.auth = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  const t: ClientTarget = { secure, base, pathname: url.pathname || '/', peer: { host: hostname, port }, href: url.href, merged: undefined, spanName: undefined, spanNameMethod: undefined, sanitized: undefined, sanitizedFor: undefined };
  if (!withAuth) {
    if (targetCache.size >= TARGET_CACHE_MAX) targetCache.clear();
    targetCache.set(key, t);
  }
  return t;
}

const kSpan = Symbol('traceandtrace.span');
const kCallback = Symbol('traceandtrace.responseCallback');
type Spanned = { [kSpan]?: Span; [kCallback]?: (res: http.IncomingMessage) => void };

function setRequestHeader(req: http.ClientRequest, key: string, value: string): void {
  req.setHeader(key, value);
}

function pushHeaderPair(list: string[], key: string, value: string): void {
  list.push(key, value);
}

/**
 * The response callback `http.request` gets for every traced request (shared: no closure per
 * request): tags the status, arranges the span's end, then calls the caller's callback — or,
 * when there is none and nobody else listens to `response`, discards the body as node:http
 * does for an unanswered response (else a fire-and-forget request would hold its socket and
 * never end its span).
 */
function onClientResponse(this: http.ClientRequest, res: http.IncomingMessage): void {
  const span = (this as Spanned)[kSpan];
  if (span !== undefined) {
    recordStatus(span, res.statusCode ?? 0, 400);
    (res as Spanned)[kSpan] = span;
    res.on('close', onClientResponseClose);
  }
  const callback = (this as Spanned)[kCallback];
  if (callback !== undefined) callback.call(this, res);
  else if (this.listenerCount('response') === 0) res.resume();
}

/** `close` of the response: always emitted, after `end` or after an abort (`complete` false). */
function onClientResponseClose(this: http.IncomingMessage): void {
  const span = (this as Spanned)[kSpan];
  if (span === undefined || span.ended) return;
  if (!this.complete) span.setStatus('error', 'response aborted before its end');
  span.end();
}

/**
 * `errorMonitor` listener of a traced ClientRequest: sees every `error` before the caller's
 * listeners without counting as one, so a request nobody listens to fails as it would untraced
 * (an uncaught `error`), as OpenTelemetry's http instrumentation does.
 */
function onClientError(this: http.ClientRequest, err: Error): void {
  const span = (this as Spanned)[kSpan];
  if (span === undefined || span.ended) return;
  span.recordError(err);
  span.end();
}

/**
 * `http.request`/`https.request` with an exit span (see {@link tracedFetch} for the span's
 * shape). The span ends when the response has been read to its end (`close` of the response;
 * an aborted response marks an error) or the request fails (`error`, recorded). As with
 * `http.request`, a response nobody takes (no `callback`, no `response` listener) is read and
 * discarded, so fire-and-forget requests free their socket and end their span. Returns the
 * ClientRequest as `http.request` does; call `.end()` on it as usual. `requestOptions` may
 * override any part of the target (as with `http.request(url, options)`); its `headers`
 * (object or raw array) are kept and the trace headers are added.
 * Throws what `new URL(target)` throws for an unparsable `target` (a `TypeError`, before any
 * span starts) and whatever `http.request` throws synchronously (the span then ends with
 * that error); network errors arrive as the request's `error` event, recorded on the span
 * through `events.errorMonitor`: with no `error` listener of yours they are uncaught, as
 * untraced (tracing adds no listener that would swallow them).
 *
 * @example
 * ```ts
 * const req = tracedRequest('http://127.0.0.1:8080/orders', { method: 'GET' }, (res) => res.resume());
 * req.end();
 * ```
 */
export function tracedRequest(
  target: string | URL,
  requestOptions?: http.RequestOptions,
  callback?: (res: http.IncomingMessage) => void,
  options?: HttpTracingOptions,
): http.ClientRequest {
  const tracer = options?.tracer ?? getTracer();
  const t = clientTarget(target);
  const method = upperCaseMethod(requestOptions?.method);
  const span = tracer.startSpan(clientSpanName(t, method), { kind: 'exit', layer: 'http', component: 'http', peer: t.peer });
  if (span.isRecording()) tagClient(span, method, sanitizedHref(t, tracer), t.peer.host, t.peer.port);
  const request = (t.secure ? https.request : http.request) as (o: http.RequestOptions, cb?: (res: http.IncomingMessage) => void) => http.ClientRequest;
  const rawHeaders = requestOptions?.headers;
  const arrayHeaders = Array.isArray(rawHeaders);
  let reqOptions: http.RequestOptions;
  if (arrayHeaders) {
    // Raw header arrays are written by the ClientRequest constructor: add ours before (a
    // fresh options object, since its headers are per request).
    const list = [...(rawHeaders as unknown as string[])];
    tracer.injectSpan(span, list, pushHeaderPair);
    reqOptions = { ...t.base, ...requestOptions, headers: list as unknown as http.OutgoingHttpHeaders };
  } else {
    reqOptions = requestOptionsFor(t, requestOptions);
  }
  let req: http.ClientRequest;
  try {
    // Not run inside the exit span: the response callback sees the caller's context (as
    // OpenTelemetry's http instrumentation does), and an ALS run around http.request costs a
    // keep-alive request ~6 µs.
    // Our shared response callback in the caller's place (it calls theirs): one `response`
    // listener, as untraced, instead of a second one that every response emit copies.
    req = request(reqOptions, onClientResponse);
    // setHeader after construction is ~6 µs cheaper than a `headers` option (Node 20).
    if (!arrayHeaders) tracer.injectSpan(span, req, setRequestHeader);
  } catch (err) {
    // http.request throws synchronously for e.g. an invalid header: end the span, re-throw.
    span.recordError(err);
    span.end();
    throw err;
  }
  (req as Spanned)[kSpan] = span;
  if (typeof callback === 'function') (req as Spanned)[kCallback] = callback;
  req.on(errorMonitor, onClientError);
  return req;
}
