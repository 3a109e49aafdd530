import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { type ExportError, type FinishedSpan, type Logger, type ReporterConfig, type SpanExporter, secretVariants } from '../../src';
import { otlpConfigError, parseOtlpEndpoint, protocolFromEnv, type OtlpTarget } from './endpoint';
import type { OtlpGrpcSender } from './OtlpGrpcSender';
import { OtlpHttpSender } from './OtlpHttpSender';
import { OtlpReadableSpan } from './OtlpReadableSpan';

/**
 * Settings of an {@link OtlpExporter}; the backend factory fills them from `TracerConfig`.
 * @example
 * ```ts
 * const o: OtlpExporterOptions = { endpoint: 'https://otlp.example.com', headers: { 'x-api-key': key }, timeoutMs: 5000 };
 * ```
 */
export interface OtlpExporterOptions {
  /** `config.endpoint` — see `parseOtlpEndpoint` for the rule (`http://host:4318`, `grpc://host:4317`, `…?protocol=http/json`). */
  endpoint?: string;
  /** `reporter.headers`: sent on every request (HTTP headers, gRPC metadata). Never logged. */
  headers?: Record<string, string>;
  /** `reporter.user` / `reporter.password`: HTTP basic auth. Never logged. */
  user?: string;
  /** `reporter.password`: HTTP basic auth password (with `user`). Never logged. */
  password?: string;
  /** `reporter.token`: sent as `Authorization: Bearer <token>` unless `headers` has an Authorization. Never logged. */
  token?: string;
  /** `reporter.timeout`: one export request's deadline in ms (default 10000). */
  timeoutMs?: number;
  /** `reporter.tls`: `ca` (PEM) trusted for `https:`/`grpcs:`, `rejectUnauthorized` (default true), `enabled` (TLS for bare `host:port`). */
  tls?: ReporterConfig['tls'];
  /** Where the one line describing the transport goes (debug level). */
  logger?: Logger;
  /** Environment consulted for `OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL` and `…_COMPRESSION` (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  const n = name.toLowerCase();
  return Object.keys(headers).some((k) => k.toLowerCase() === n);
}

/** `User-Agent` of the OTLP/HTTP requests. */
const USER_AGENT = 'traceandtrace-otlp-exporter';

/**
 * Whether the standard variables ask for gzip (`OTEL_EXPORTER_OTLP_TRACES_COMPRESSION`, else
 * `OTEL_EXPORTER_OTLP_COMPRESSION`: `gzip` | `none`).
 * @throws a `ConfigError` naming the variable for any other value
 */
function gzipFromEnv(env: NodeJS.ProcessEnv): boolean {
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_COMPRESSION', 'OTEL_EXPORTER_OTLP_COMPRESSION']) {
    const raw = env[name]?.trim().toLowerCase();
    if (raw === undefined || raw === '') continue;
    if (raw === 'gzip') return true;
    if (raw === 'none') return false;
    throw otlpConfigError(name, `expected gzip or none, got ${JSON.stringify(raw.slice(0, 40))}`);
  }
  return false;
}

/**
 * Sends our finished spans to an OTLP receiver (OpenTelemetry Collector, Jaeger ≥ 1.35,
 * vendors). The OTLP encoding is always OpenTelemetry's own:
 *
 * | protocol        | encoding                                                  | transport                                       |
 * |-----------------|-----------------------------------------------------------|-------------------------------------------------|
 * | `http/protobuf` | `ProtobufTraceSerializer` (`@opentelemetry/otlp-transformer`) | {@link OtlpHttpSender}: POST `/v1/traces`, `application/x-protobuf` |
 * | `http/json`     | `JsonTraceSerializer` (OTLP JSON: hex ids, string nanos)  | {@link OtlpHttpSender}: POST, `application/json` |
 * | `grpc`          | `ProtobufTraceSerializer`                                 | {@link OtlpGrpcSender}: `@grpc/grpc-js`, `opentelemetry.proto.collector.trace.v1.TraceService/Export` |
 *
 * (OpenTelemetry's own exporters are not used for the transport: see {@link OtlpHttpSender}
 * and {@link OtlpGrpcSender} for why.)
 *
 * Each `export()` converts the batch to {@link OtlpReadableSpan}s and sends it as one OTLP
 * `ExportTraceServiceRequest`. It resolves when the receiver accepted it and rejects with an
 * {@link ExportError} otherwise: `retryable: true` for connection errors, timeouts, HTTP
 * 429/502/503/504 and the retryable gRPC codes (CANCELLED, DEADLINE_EXCEEDED,
 * RESOURCE_EXHAUSTED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS), as the OTLP spec says,
 * so the core's pipeline may retry; `retryable: false` otherwise. It never throws synchronously,
 * and it does not retry by itself.
 *
 * Secrets: headers, the token and the user/password go only to the transport; error
 * messages carry the endpoint without credentials or query string, never a header value, and
 * of the receiver's own text (HTTP reason phrase, gRPC status details) only a short excerpt
 * with every secret we sent removed (a proxy may quote the request back).
 *
 * Resources: one keep-alive HTTP agent (idle sockets do not keep the process alive) or one
 * gRPC channel; `shutdown()` ends the requests still in flight (the core calls it after its
 * deadline, so they were abandoned), then destroys the agent / closes the channel. No timer
 * outlives a request.
 *
 * @see https://opentelemetry.io/docs/specs/otlp/
 * @example
 * ```ts
 * const exporter = new OtlpExporter({ endpoint: 'grpc://127.0.0.1:4317', timeoutMs: 5000 });
 * await exporter.export(finishedSpans);
 * await exporter.shutdown();
 * ```
 */
export class OtlpExporter implements SpanExporter {
  /** The transport chosen from the endpoint (`basicAuth` in it is a secret: never log it). */
  readonly target: OtlpTarget;
  /**
   * Batches this exporter takes at once while the pipeline drains the queue for a flush or a
   * shutdown: 4. Each `export()` encodes into a buffer of its own and sends a request of its
   * own (keep-alive HTTP sockets, or calls multiplexed on the one gRPC channel).
   */
  readonly maxConcurrentExports = 4;
  private readonly http: OtlpHttpSender | undefined;
  private readonly grpc: OtlpGrpcSender | undefined;
  private closed = false;

  /**
   * @param options - see {@link OtlpExporterOptions}
   * @throws a `ConfigError` (`key`: `endpoint`, or the `OTEL_EXPORTER_OTLP_*` variable)
   *   for an endpoint, protocol or compression it cannot use — at configuration time only.
   */
  constructor(options: OtlpExporterOptions = {}) {
    const env = options.env ?? process.env;
    this.target = parseOtlpEndpoint(options.endpoint, {
      tlsEnabled: options.tls?.enabled,
      envProtocol: protocolFromEnv(env),
    });
    const timeoutMs = options.timeoutMs !== undefined && options.timeoutMs > 0 ? options.timeoutMs : 10000;
    const headers = this.buildHeaders(options);
    const secrets = secretVariants(headers, [options.token, options.password, this.target.basicAuth]);
    if (this.target.protocol === 'grpc') {
      this.grpc = this.createGrpc(headers, timeoutMs, options.tls, gzipFromEnv(env), secrets);
    } else {
      this.http = new OtlpHttpSender({
        url: this.target.url,
        contentType: this.target.protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
        headers,
        timeoutMs,
        gzip: gzipFromEnv(env),
        tls: options.tls,
        userAgent: USER_AGENT,
        secrets,
        makeError: (reason, retryable, code) => this.error(reason, retryable, code),
      });
    }
    options.logger?.debug(`otlp: exporting spans with ${this.target.protocol} to ${this.target.display}`);
  }

  /**
   * Encode and send one batch as one OTLP request.
   *
   * @param batch - finished spans (not mutated)
   * @returns resolves when the receiver accepted the batch; rejects with an {@link ExportError}
   *   (`retryable` set as described on the class) — never throws synchronously
   * @example
   * ```ts
   * const exporter = new OtlpExporter({ endpoint: 'http://127.0.0.1:4318' });
   * await exporter.export(memory.getFinishedSpans()); // one ExportTraceServiceRequest
   * ```
   */
  export(batch: readonly FinishedSpan[]): Promise<void> {
    if (this.closed) return Promise.reject(this.error('the exporter is shut down', false));
    if (batch.length === 0) return Promise.resolve();
    let spans: ReadableSpan[];
    try {
      spans = batch.map((s) => new OtlpReadableSpan(s));
    } catch (e) {
      return Promise.reject(this.error(`a span could not be converted (${String((e as Error)?.message ?? e).slice(0, 120)})`, false));
    }
    let body: Uint8Array | undefined;
    try {
      const serializer = this.target.protocol === 'http/json' ? JsonTraceSerializer : ProtobufTraceSerializer;
      body = serializer.serializeRequest(spans);
    } catch (e) {
      return Promise.reject(this.error(`the batch could not be encoded (${String((e as Error)?.message ?? e).slice(0, 120)})`, false));
    }
    if (!body) return Promise.reject(this.error('the batch could not be encoded', false));
    return this.http ? this.http.send(body) : (this.grpc as OtlpGrpcSender).send(body);
  }

  /**
   * Wait for the requests in flight (the exporter buffers nothing else). Never rejects.
   *
   * @example
   * ```ts
   * await exporter.forceFlush();
   * ```
   */
  async forceFlush(): Promise<void> {
    try {
      await (this.http ?? this.grpc)?.flush();
    } catch {
      // a failed request was already reported through its export() promise
    }
  }

  /**
   * Ends requests still in flight, then releases the HTTP agent / gRPC channel. It does not
   * wait for them: the core calls `shutdown()` after its own drain and deadline, so they were
   * abandoned (and counted as dropped), and a hanging receiver must not keep the process alive
   * until the request deadline. Call {@link OtlpExporter.forceFlush} first to wait instead.
   * Idempotent; never rejects.
   * @example
   * ```ts
   * await exporter.shutdown(); // later export() calls reject
   * ```
   */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.http) await this.http.close();
      else this.grpc?.close();
    } catch {
      // nothing else to release
    }
  }

  private buildHeaders(options: OtlpExporterOptions): Record<string, string> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (!hasHeader(headers, 'authorization')) {
      if (options.token) headers.Authorization = `Bearer ${options.token}`;
      else if (options.user !== undefined || options.password !== undefined) {
        headers.Authorization = `Basic ${Buffer.from(`${options.user ?? ''}:${options.password ?? ''}`).toString('base64')}`;
      } else if (this.target.basicAuth !== undefined) {
        headers.Authorization = `Basic ${Buffer.from(this.target.basicAuth).toString('base64')}`;
      }
    }
    return headers;
  }

  private createGrpc(headers: Record<string, string>, timeoutMs: number, tls: ReporterConfig['tls'], gzip: boolean, secrets: readonly string[]): OtlpGrpcSender {
    const grpc = require('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
    const metadata = new grpc.Metadata();
    for (const [k, v] of Object.entries(headers)) metadata.set(k.toLowerCase(), v);
    const credentials = this.target.tls
      ? grpc.credentials.createSsl(
          tls?.ca !== undefined ? Buffer.from(tls.ca) : null,
          null,
          null,
          tls?.rejectUnauthorized === false ? { rejectUnauthorized: false } : undefined,
        )
      : grpc.credentials.createInsecure();
    // Loaded only when gRPC is used (as `@grpc/grpc-js` above).
    const { OtlpGrpcSender: Sender } = require('./OtlpGrpcSender') as typeof import('./OtlpGrpcSender');
    const u = new URL(this.target.url);
    return new Sender({
      address: `${u.hostname}:${u.port || (u.protocol === 'https:' ? 443 : 80)}`,
      credentials,
      metadata,
      timeoutMs,
      gzip,
      userAgent: USER_AGENT,
      secrets,
      makeError: (reason, retryable, code) => this.error(reason, retryable, code),
    });
  }

  private error(reason: string, retryable: boolean, code?: string | number): ExportError {
    const e = new Error(`OTLP ${this.target.protocol} export to ${this.target.display} failed: ${reason}`) as ExportError & {
      code?: string | number;
    };
    e.name = 'OtlpExportError';
    e.retryable = retryable;
    if (code !== undefined) e.code = code;
    return e;
  }
}
