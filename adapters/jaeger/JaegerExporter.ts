import { ReusableBuffer, type ExportError, type FinishedSpan, type Logger, type ReporterConfig, type Resource, type SpanExporter } from '../../src';
import { JaegerHttpSender, exportError } from './JaegerHttpSender';
import { JaegerUdpSender } from './JaegerUdpSender';
import { parseJaegerEndpoint, type JaegerTarget } from './endpoint';
import { toThriftProcess, toThriftSpan } from './mapping';
import { encodeBatch, loadJaegerThrift, type JaegerThriftCodecs, type ThriftProcess, type ThriftSpan } from './thrift';

/**
 * Largest datagram in bytes, as jaeger-client's UDPSender (the agent's default max packet size is 65,000).
 *
 * @example
 * ```ts
 * new JaegerExporter({ resource, endpoint: 'udp://127.0.0.1:6832', maxPacketSize: UDP_MAX_PACKET_SIZE });
 * ```
 */
export const UDP_MAX_PACKET_SIZE = 65000;

/**
 * Options of {@link JaegerExporter}.
 *
 * @example
 * ```ts
 * const options: JaegerExporterOptions = { resource, endpoint: 'http://127.0.0.1:14268/api/traces', reporter: { timeout: 5000 } };
 * ```
 */
export interface JaegerExporterOptions {
  /** The process identity (service name, hostname, ip, sdk version, process tags). */
  resource: Resource;
  /** `http(s)://host:14268/api/traces`, `udp://host:6832` or `host:port`; see `parseJaegerEndpoint`. */
  endpoint?: string;
  /** Agent host for UDP when `endpoint` is absent (port 6832). Default `localhost`. */
  agentHost?: string;
  /** Transport settings used: `user`, `password`, `headers`, `timeout` (ms), `tls`. */
  reporter?: ReporterConfig;
  /** Where warnings go (each kind logged once). */
  logger?: Logger;
  /** Maximum UDP datagram in bytes (default 65,000). */
  maxPacketSize?: number;
}

/**
 * Exports finished spans to Jaeger in its own wire formats:
 * - HTTP collector (`http(s)://…/api/traces`): one POST of a Thrift binary `Batch` per
 *   `export()` call, `Content-Type: application/x-thrift`, basic auth from
 *   `reporter.user`/`reporter.password`, extra `reporter.headers`, timeout `reporter.timeout` ms;
 *   the body is written into a buffer the exporter keeps between batches (`encodeBatch`,
 *   released when the request closes; an export overlapping it gets a buffer of its own);
 * - UDP agent (`udp://host:6832`): Thrift binary `Agent::emitBatch` messages exactly as
 *   jaeger-client's UDPSender frames them, the batch split so that no datagram exceeds
 *   `maxPacketSize` (65,000 bytes). A single span too large for a datagram is trimmed (logs
 *   dropped, string tags cut to 256 chars, tag `traceandtrace.truncated=true`); if still too
 *   large it is dropped and counted in {@link JaegerExporter.oversizeDropped}.
 *
 * Encoding uses the Thrift IDL and `thriftrw` codec shipped by `jaeger-client` (see `thrift.ts`);
 * span mapping is in `mapping.ts`. Times are µs end to end. Batching, retries and the queue
 * belong to the core pipeline: this exporter keeps no buffer and no timer of its own, and its
 * sockets are `unref`'d.
 *
 * Errors: the constructor throws a `ConfigError` (key `endpoint`/`agentHost`) for a bad
 * endpoint. `export()` never throws; it rejects with an `ExportError` whose `retryable` is true
 * for connection refused/reset, timeouts, HTTP 5xx/429 and UDP socket errors before any
 * datagram of the batch left; false for encoding failures, other HTTP 4xx, and after shutdown.
 *
 * @see https://www.jaegertracing.io/docs/latest/apis/
 * @example
 * ```ts
 * const exporter = new JaegerExporter({ resource, endpoint: 'http://127.0.0.1:14268/api/traces',
 *   reporter: { user: 'u', password: 'p', timeout: 5000 } });
 * await exporter.export(finishedSpans);
 * await exporter.shutdown();
 * ```
 */
export class JaegerExporter implements SpanExporter {
  /** The transport chosen from the endpoint. */
  readonly target: JaegerTarget;
  /** Spans dropped because even trimmed they did not fit one UDP datagram. */
  oversizeDropped = 0;
  /**
   * Batches this exporter takes at once while the pipeline drains the queue for a flush or a
   * shutdown: 4 over HTTP (each request has its own body: the kept buffer is lent to one
   * export at a time, the others get their own), 1 over UDP.
   */
  readonly maxConcurrentExports: number;

  private readonly codecs: JaegerThriftCodecs;
  private readonly process: ThriftProcess;
  private readonly httpSender: JaegerHttpSender | undefined;
  private readonly udpSender: JaegerUdpSender | undefined;
  private readonly maxPacketSize: number;
  private readonly udpOverhead: number;
  private readonly logger: Logger | undefined;
  private readonly warned = new Set<string>();
  private readonly inflight = new Set<Promise<void>>();
  /** The HTTP body buffer kept between batches (no fresh 100–300 KB allocation per batch). */
  private readonly scratch = new ReusableBuffer();
  private isShutdown = false;

  constructor(options: JaegerExporterOptions) {
    this.target = parseJaegerEndpoint(options.endpoint, options.agentHost);
    this.codecs = loadJaegerThrift();
    this.process = toThriftProcess(options.resource);
    this.logger = options.logger;
    this.maxPacketSize = options.maxPacketSize ?? UDP_MAX_PACKET_SIZE;
    const reporter = options.reporter ?? {};
    if (this.target.protocol === 'http') {
      this.httpSender = new JaegerHttpSender({
        url: this.target.url,
        user: reporter.user,
        password: reporter.password,
        headers: reporter.headers,
        timeoutMs: reporter.timeout,
        tls: reporter.tls,
      });
      this.udpOverhead = 0;
      this.maxConcurrentExports = 4;
    } else {
      this.maxConcurrentExports = 1;
      this.udpSender = new JaegerUdpSender({ host: this.target.host, port: this.target.port });
      const empty = this.codecs.emitBatch.byteLength(this.codecs.emitBatchMessage({ process: this.process, spans: [] }));
      this.udpOverhead = empty.err ? 512 : empty.length;
      if (this.target.port === 6831) {
        this.warnOnce('compact-port', 'jaeger: port 6831 is the agent\'s compact-Thrift port; this exporter sends binary Thrift like jaeger-client (agent port 6832)');
      }
    }
  }

  /**
   * Encode and send one batch (see the class doc for formats and errors).
   *
   * @param batch - finished, sampled spans
   * @returns resolves when the collector accepted the batch (HTTP 2xx) or every datagram left
   *   the socket (UDP); never throws synchronously
   * @example
   * ```ts
   * const exporter = new JaegerExporter({ resource, endpoint: 'http://127.0.0.1:14268/api/traces' });
   * await exporter.export(memory.getFinishedSpans()); // one Thrift Batch POSTed
   * ```
   */
  export(batch: readonly FinishedSpan[]): Promise<void> {
    if (this.isShutdown) return Promise.reject(exportError('jaeger exporter is shut down', false));
    if (batch.length === 0) return Promise.resolve();
    let p: Promise<void>;
    try {
      p = this.httpSender ? this.exportHttp(batch, this.httpSender) : this.exportUdp(batch);
    } catch (err) {
      p = Promise.reject(exportError(`jaeger: could not encode batch: ${(err as Error).message}`, false));
    }
    this.inflight.add(p);
    const forget = (): void => {
      this.inflight.delete(p);
    };
    p.then(forget, forget);
    return p;
  }

  /**
   * Waits for exports in flight; the exporter buffers nothing itself. Never rejects.
   *
   * @example
   * ```ts
   * await exporter.forceFlush();
   * ```
   */
  async forceFlush(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }

  /**
   * Ends an HTTP request still in flight, closes the HTTP agent / UDP socket (after the UDP
   * datagrams in flight). Idempotent; never rejects.
   *
   * It does not wait for an HTTP request still open: the core calls `shutdown()` after its own
   * drain and deadline, so such a request is one it gave up on (and counted as dropped) — a
   * hanging collector must not keep the process alive until the request timeout. Call
   * {@link JaegerExporter.forceFlush} first to wait for it instead.
   * @example
   * ```ts
   * await exporter.shutdown(); // later export() calls reject (not retryable)
   * ```
   */
  async shutdown(): Promise<void> {
    if (this.isShutdown) return;
    this.isShutdown = true;
    this.httpSender?.close();
    await this.forceFlush();
    await this.udpSender?.close();
  }

  private exportHttp(batch: readonly FinishedSpan[], sender: JaegerHttpSender): Promise<void> {
    const spans = batch.map(toThriftSpan);
    const { err, value } = encodeBatch(this.codecs, { process: this.process, spans }, this.scratch);
    if (err) return Promise.reject(exportError(`jaeger: Thrift encoding failed: ${err.message}`, false));
    return sender.send(value, () => this.scratch.release(value));
  }

  private async exportUdp(batch: readonly FinishedSpan[]): Promise<void> {
    const sender = this.udpSender as JaegerUdpSender;
    const budget = this.maxPacketSize - this.udpOverhead;
    const chunks: Array<{ spans: ThriftSpan[]; bytes: number }> = [];
    let chunk: ThriftSpan[] = [];
    let size = 0;
    for (const s of batch) {
      let span = toThriftSpan(s);
      let len = this.spanSize(span);
      if (len > budget) {
        span = trimSpan(span);
        len = this.spanSize(span);
        if (len > budget) {
          this.oversizeDropped++;
          this.warnOnce('oversize', `jaeger: a span (${len} bytes) does not fit a ${this.maxPacketSize}-byte UDP datagram; dropped`);
          continue;
        }
      }
      if (size + len > budget && chunk.length > 0) {
        chunks.push({ spans: chunk, bytes: size });
        chunk = [];
        size = 0;
      }
      chunk.push(span);
      size += len;
    }
    if (chunk.length > 0) chunks.push({ spans: chunk, bytes: size });

    let sent = 0;
    for (const { spans, bytes } of chunks) {
      const datagram = this.encodeEmitBatch(spans, this.udpOverhead + bytes);
      try {
        await sender.send(datagram);
      } catch (e) {
        // Retrying after some datagrams left would send those spans twice.
        if (sent > 0) (e as ExportError).retryable = false;
        throw e;
      }
      sent++;
    }
  }

  /**
   * Encode one `emitBatch` datagram. In Thrift binary the list header has a fixed size, so
   * the empty-batch overhead plus the spans' sizes is the exact length (as jaeger-client's
   * UDPSender computes it); the generic `toBuffer` path is the fallback.
   */
  private encodeEmitBatch(spans: ThriftSpan[], exactLength: number): Buffer {
    const message = this.codecs.emitBatchMessage({ process: this.process, spans });
    const buffer = Buffer.allocUnsafe(exactLength);
    const written = this.codecs.emitBatch.writeInto(message, buffer, 0);
    if (!written.err && written.offset === exactLength) return buffer;
    const { err, value } = this.codecs.emitBatch.toBuffer(message);
    if (err) throw exportError(`jaeger: Thrift encoding failed: ${err.message}`, false);
    return value;
  }

  private spanSize(span: ThriftSpan): number {
    const r = this.codecs.span.byteLength(span);
    return r.err ? Number.MAX_SAFE_INTEGER : r.length;
  }

  private warnOnce(kind: string, message: string): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    this.logger?.warn(message);
  }
}

/** A copy of `span` without logs and with string tags cut to 256 characters. */
function trimSpan(span: ThriftSpan): ThriftSpan {
  const tags = span.tags.map((t) =>
    t.vType === 'STRING' && t.vStr !== undefined && t.vStr.length > 256 ? { ...t, vStr: t.vStr.slice(0, 256) } : t,
  );
  tags.push({ key: 'traceandtrace.truncated', vType: 'BOOL', vBool: true });
  return { ...span, operationName: span.operationName.slice(0, 1024), tags, logs: [] };
}
