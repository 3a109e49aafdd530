/**
 * One bounded, timed HTTP(S) POST of an encoded span batch to a Zipkin collector, with
 * `node:http`/`node:https`.
 *
 * @packageDocumentation
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { type ExportError, collectorReason, secretVariants, parseRetryAfter, withRetryAfter } from '../../src';

/**
 * Everything one POST needs.
 *
 * @example
 * ```ts
 * const req: PostRequest = { url: new URL('http://127.0.0.1:9411/api/v2/spans'), headers: { 'Content-Type': 'application/json' },
 *   body: Buffer.from('[]'), timeoutMs: 10_000, agent: new http.Agent({ keepAlive: true }) };
 * ```
 */
export interface PostRequest {
  /** Collector URL (`http(s)://host:port/api/v2/spans`), without credentials. */
  url: URL;
  /** Request headers (Content-Type, Content-Encoding, Authorization, extra headers). Never logged. */
  headers: Record<string, string>;
  /** The request body (already gzipped when `Content-Encoding: gzip` is set). */
  body: Buffer;
  /** Deadline for the whole exchange (connect, send, response, body), in ms. */
  timeoutMs: number;
  /** The agent (keep-alive socket pool) to send through. */
  agent: http.Agent | https.Agent;
  /** TLS options for https URLs. */
  tls?: { ca?: string | Buffer; rejectUnauthorized?: boolean };
  /** Aborting it destroys the request and rejects (retryable). */
  signal?: AbortSignal;
  /**
   * Called exactly once when nothing reads `body` any more: the request closed, or was never
   * sent. It may come after the promise settles (an early error answer can arrive while the
   * body is still being written). Lets the caller reuse the body's buffer.
   */
  onBodyFree?: () => void;
}

/** Error codes of TLS/certificate failures: retrying cannot fix them. */
const NOT_RETRYABLE_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_|ERR_INVALID|HPE_/;

/**
 * Builds the error `export()` rejects with.
 *
 * @param message - what went wrong (never contains headers, credentials or the body we sent)
 * @param retryable - whether trying the same batch later may succeed
 * @param extra - the HTTP status (`statusCode`) or socket error code (`code`), copied onto the error
 * @returns an `Error` named `ZipkinExportError` with `retryable` (and `statusCode`/`code`) set; never throws
 * @example
 * ```ts
 * return Promise.reject(exportError('Zipkin answered 503', true, { statusCode: 503 }));
 * ```
 */
export function exportError(message: string, retryable: boolean, extra?: { statusCode?: number; code?: string }): ExportError {
  const err = new Error(message) as ExportError & { statusCode?: number; code?: string };
  err.name = 'ZipkinExportError';
  err.retryable = retryable;
  if (extra?.statusCode !== undefined) err.statusCode = extra.statusCode;
  if (extra?.code !== undefined) err.code = extra.code;
  return err;
}

/** The URL for messages: no user info, no query. */
function describe(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * Sends one POST and settles when the collector answered (or failed, or the deadline hit).
 *
 * Exactly one request is made; on timeout it is destroyed (its socket closed), so a slow or
 * hanging collector never accumulates requests. Never throws synchronously.
 *
 * - 2xx (Zipkin answers 202) → resolves.
 * - 408, 429, 5xx, connection errors (refused, reset, DNS) and the timeout → rejects with
 *   `retryable: true`; a `Retry-After` header (delta-seconds or HTTP-date) sets the error's
 *   `retryAfterMs`, which the core's pipeline honours.
 * - `signal` aborted → rejects with `retryable: true` (the request is destroyed).
 * - Any other status (400: Zipkin rejected the spans, 401/403, 404, 413…) and TLS
 *   certificate errors → rejects with `retryable: false`.
 * The error message holds the status and a short excerpt of the collector's answer (Zipkin
 * states the reason for a 400 there) from which every header value we sent (credentials,
 * basic-auth encoding, extra headers) is removed, since a proxy may quote the request back;
 * never request headers or credentials.
 *
 * @returns resolves with the HTTP status code
 * @example
 * ```ts
 * await postSpans({ url: new URL('http://127.0.0.1:9411/api/v2/spans'), headers: { 'Content-Type': 'application/json' },
 *   body: Buffer.from('[]'), timeoutMs: 10_000, agent: new http.Agent({ keepAlive: true }) });
 * ```
 */
export function postSpans(req: PostRequest): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let request: http.ClientRequest | undefined;
    const where = describe(req.url);
    let freed = false;
    const free = (): void => {
      if (freed) return;
      freed = true;
      req.onBodyFree?.();
    };
    const finish = (err: ExportError | undefined, status?: number): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (err) {
        request?.destroy();
        reject(err);
      } else {
        resolve(status ?? 0);
      }
    };
    try {
      if (req.signal?.aborted) {
        free();
        finish(exportError(`Zipkin POST ${where} aborted`, true, { code: 'ABORT_ERR' }));
        return;
      }
      req.signal?.addEventListener('abort', () => finish(exportError(`Zipkin POST ${where} aborted`, true, { code: 'ABORT_ERR' })), {
        once: true,
      });
      const isHttps = req.url.protocol === 'https:';
      const options: https.RequestOptions = {
        protocol: req.url.protocol,
        hostname: req.url.hostname.replace(/^\[|\]$/g, ''),
        port: req.url.port || (isHttps ? 443 : 80),
        path: `${req.url.pathname}${req.url.search}`,
        method: 'POST',
        headers: { ...req.headers, 'Content-Length': String(req.body.length) },
        agent: req.agent,
      };
      if (isHttps && req.tls) {
        if (req.tls.ca !== undefined) options.ca = req.tls.ca;
        if (req.tls.rejectUnauthorized !== undefined) options.rejectUnauthorized = req.tls.rejectUnauthorized;
      }
      timer = setTimeout(() => {
        finish(exportError(`Zipkin POST ${where} timed out after ${req.timeoutMs} ms`, true, { code: 'ETIMEDOUT' }));
      }, req.timeoutMs);
      timer.unref();
      request = (isHttps ? https : http).request(options, (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          // Enough of the answer that no secret can be cut off inside the 160-character excerpt kept.
          if (size < 4096) {
            chunks.push(chunk);
            size += chunk.length;
          }
        });
        res.on('error', (e: NodeJS.ErrnoException) => {
          finish(exportError(`Zipkin POST ${where}: response failed: ${e.message}`, true, { code: e.code }));
        });
        res.on('end', () => {
          if (status >= 200 && status < 300) {
            finish(undefined, status);
            return;
          }
          const sent = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !/^content-/i.test(k)));
          const answer = collectorReason(Buffer.concat(chunks).toString('utf8'), secretVariants(sent));
          const retryable = status === 408 || status === 429 || status >= 500;
          const err = exportError(`Zipkin POST ${where} answered ${status}${answer ? `: ${answer}` : ''}`, retryable, { statusCode: status });
          // 429/503 may carry Retry-After: the pipeline waits at least that long before retrying.
          finish(withRetryAfter(err, parseRetryAfter(res.headers['retry-after'])));
        });
      });
      request.once('close', free);
      request.on('error', (e: NodeJS.ErrnoException) => {
        const code = e.code ?? '';
        finish(exportError(`Zipkin POST ${where} failed: ${code ? `${code} ` : ''}${e.message}`, !NOT_RETRYABLE_CODE.test(code), { code }));
      });
      request.end(req.body);
    } catch (e) {
      // e.g. an invalid header value: the same request would fail again.
      // Node's message may quote the header value (a secret), so only the error code is kept.
      const code = (e as NodeJS.ErrnoException | undefined)?.code;
      request?.destroy();
      free();
      finish(exportError(`Zipkin POST ${where} could not be sent (${code ?? 'invalid request'})`, false, code ? { code } : undefined));
    }
  });
}
