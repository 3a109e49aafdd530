import * as http from 'node:http';
import * as https from 'node:https';
import { type ExportError, parseRetryAfter, withRetryAfter } from '../../src';

/**
 * Options of {@link JaegerHttpSender}.
 *
 * @example
 * ```ts
 * const o: JaegerHttpSenderOptions = { url: new URL('https://jaeger:14268/api/traces'), user: 'u', password: 'p', timeoutMs: 5000 };
 * ```
 */
export interface JaegerHttpSenderOptions {
  /** Collector URL, e.g. `http://127.0.0.1:14268/api/traces`. Credentials in the URL are used as basic auth and never logged. */
  url: URL;
  /** Basic-auth user (with `password`). */
  user?: string;
  /** Basic-auth password. Never logged, never part of an error message. */
  password?: string;
  /** Extra request headers (e.g. a bearer token). Never logged. */
  headers?: Record<string, string>;
  /** Deadline of one request in ms, connect to the end of the answer (default 10000). */
  timeoutMs?: number;
  /** TLS options for `https:` URLs. */
  tls?: { ca?: string | Buffer; rejectUnauthorized?: boolean };
}

/**
 * Build an {@link ExportError}.
 *
 * @param message - text without secrets
 * @param retryable - whether the pipeline may retry the same batch
 * @returns the error
 * @example
 * ```ts
 * throw exportError('collector answered HTTP 503', true);
 * ```
 */
export function exportError(message: string, retryable: boolean): ExportError {
  const e: ExportError = new Error(message);
  e.name = 'ExportError';
  e.retryable = retryable;
  return e;
}

/**
 * POSTs Thrift-binary `Batch` bodies to a Jaeger collector (`/api/traces`,
 * `Content-Type: application/x-thrift`), as jaeger-client's HTTPSender does, with what that
 * sender lacks: a request timeout that actually aborts, extra headers, status-aware errors,
 * and a keep-alive agent whose idle sockets do not hold the process open.
 *
 * Errors: `send()` rejects (never throws) with an {@link ExportError}; `retryable` is true for
 * connection errors, timeouts, HTTP 5xx, 429 and 408, false for other 4xx and for TLS
 * certificate verification failures; a `Retry-After` answer (delta-seconds or HTTP-date) sets
 * `retryAfterMs`, which the core's pipeline honours. The collector's answer body is never read
 * into a message (it may quote our credentials).
 *
 * @see https://www.jaegertracing.io/docs/latest/apis/#thrift-over-http-stable
 * @example
 * ```ts
 * const sender = new JaegerHttpSender({ url: new URL('http://127.0.0.1:14268/api/traces'), timeoutMs: 5000 });
 * await sender.send(thriftBatchBuffer);
 * sender.close(); // also ends a request still in flight
 * ```
 */
export class JaegerHttpSender {
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;
  private readonly options: http.RequestOptions;
  private readonly timeoutMs: number;
  /** Requests not yet answered: `close()` destroys them. */
  private readonly inFlight = new Set<http.ClientRequest>();
  private closed = false;
  /** `host:port/path` without credentials, for messages. */
  readonly target: string;

  constructor(opts: JaegerHttpSenderOptions) {
    const url = opts.url;
    const secure = url.protocol === 'https:';
    this.agent = secure
      ? new https.Agent({ keepAlive: true, ca: opts.tls?.ca, rejectUnauthorized: opts.tls?.rejectUnauthorized })
      : new http.Agent({ keepAlive: true });
    this.request = secure ? https.request : http.request;
    this.timeoutMs = opts.timeoutMs && opts.timeoutMs > 0 ? opts.timeoutMs : 10000;
    const user = opts.user ?? (url.username ? decodeURIComponent(url.username) : undefined);
    const password = opts.password ?? (url.password ? decodeURIComponent(url.password) : undefined);
    const headers: Record<string, string> = { ...(opts.headers ?? {}), 'Content-Type': 'application/x-thrift' };
    if (user !== undefined && password !== undefined) {
      headers.Authorization = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
    }
    this.target = `${url.host}${url.pathname}`;
    this.options = {
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || (secure ? 443 : 80),
      path: url.pathname + url.search,
      method: 'POST',
      headers,
      agent: this.agent,
    };
  }

  /**
   * POST one encoded batch.
   *
   * @param body - Thrift binary `Batch`
   * @param onBodyFree - called exactly once when nothing reads `body` any more (the request
   *   closed, or was never sent) — possibly after the promise settles: an early error answer
   *   can arrive while the body is still being written. Lets the caller reuse the buffer.
   * @returns resolves on HTTP 2xx; rejects with an {@link ExportError} otherwise
   */
  send(body: Buffer, onBodyFree?: () => void): Promise<void> {
    let freed = false;
    const free = (): void => {
      if (freed) return;
      freed = true;
      onBodyFree?.();
    };
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let req: http.ClientRequest | undefined;
      let timer: NodeJS.Timeout | undefined;
      const done = (err?: ExportError): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        if (req) this.inFlight.delete(req);
        if (err) reject(err);
        else resolve();
      };
      if (this.closed) {
        free();
        done(exportError(`jaeger collector ${this.target}: sender closed`, false));
        return;
      }
      try {
        const headers = { ...(this.options.headers as Record<string, string>), 'Content-Length': String(body.length) };
        req = this.request({ ...this.options, headers }, (res) => {
          res.resume();
          res.on('error', () => undefined);
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            res.on('end', () => done());
            res.on('close', () => done());
          } else {
            // 429/503 may carry Retry-After: the pipeline waits at least that long before retrying.
            const err = exportError(`jaeger collector ${this.target} answered HTTP ${status}`, status >= 500 || status === 429 || status === 408);
            done(withRetryAfter(err, parseRetryAfter(res.headers['retry-after'])));
          }
        });
        const sent = req;
        sent.once('close', free);
        this.inFlight.add(sent);
        // A hard deadline for the whole exchange: a socket idle timeout (`req.setTimeout`) would
        // never fire against a collector that trickles its answer, and requests would pile up.
        timer = setTimeout(() => {
          done(exportError(`jaeger collector ${this.target} timed out after ${this.timeoutMs} ms`, true));
          sent.destroy();
        }, this.timeoutMs);
        req.on('error', (err: NodeJS.ErrnoException) => {
          if (this.closed) {
            done(exportError(`jaeger collector ${this.target}: request abandoned at shutdown`, false));
            return;
          }
          const code = err.code ?? err.message;
          // A certificate the client does not trust will not become trusted by retrying.
          const tlsRejected = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code);
          done(exportError(`jaeger collector ${this.target} ${tlsRejected ? 'TLS verification failed' : 'unreachable'}: ${code}`, !tlsRejected));
        });
        req.end(body);
      } catch (err) {
        // e.g. an invalid header value: Node's message may quote it, so only the error code is kept.
        const code = (err as NodeJS.ErrnoException)?.code;
        req?.destroy();
        free();
        done(exportError(`jaeger collector ${this.target}: request not sent (${code ?? 'invalid request'})`, false));
      }
    });
  }

  /**
   * Destroys requests still in flight (their `send()` rejects, not retryable: the caller gave
   * up on them, and a hanging collector must not keep the process alive until the request
   * timeout) and the pooled sockets; later `send()` calls reject. Idempotent; never throws.
   */
  close(): void {
    this.closed = true;
    for (const req of this.inFlight) req.destroy();
    this.inFlight.clear();
    this.agent.destroy();
  }
}
