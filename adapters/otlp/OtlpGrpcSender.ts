import * as grpc from '@grpc/grpc-js';
import { type ExportError, collectorReason, grpcRetryPushbackMs, withRetryAfter } from '../../src';

/** gRPC status codes the OTLP specification calls retryable (CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS). @example `RETRYABLE_GRPC_CODES.has(14) // true` */
export const RETRYABLE_GRPC_CODES: ReadonlySet<number> = new Set([1, 4, 8, 10, 11, 14, 15]);

/** Full method path of the OTLP trace service. */
const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/**
 * Settings of an {@link OtlpGrpcSender}.
 * @example
 * ```ts
 * const o: OtlpGrpcSenderOptions = { address: '127.0.0.1:4317', credentials: grpc.credentials.createInsecure(),
 *   metadata: new grpc.Metadata(), timeoutMs: 10000, gzip: false, userAgent: 'traceandtrace', secrets: [],
 *   makeError: (m, r) => Object.assign(new Error(m), { retryable: r }) };
 * ```
 */
export interface OtlpGrpcSenderOptions {
  /** `host:port` of the receiver (IPv6 in brackets). */
  address: string;
  /** Channel credentials (insecure, or TLS with an optional CA). */
  credentials: grpc.ChannelCredentials;
  /** Call metadata (API keys, Authorization). Sent as given; never logged. */
  metadata: grpc.Metadata;
  /** Deadline of one call in ms. */
  timeoutMs: number;
  /** Compress messages with gzip (`OTEL_EXPORTER_OTLP_COMPRESSION=gzip`). */
  gzip: boolean;
  /** The channel's primary user agent. */
  userAgent: string;
  /** Every secret we send (see `secretVariants`): removed from the receiver's status details before they reach a message. */
  secrets: readonly string[];
  /** Builds the error a failed call rejects with (the exporter adds endpoint and protocol). */
  makeError(reason: string, retryable: boolean, code?: string | number): ExportError;
}

/** The `export` method of the generic client built below (bytes in, bytes out). */
interface TraceServiceClient extends grpc.Client {
  export(request: Buffer, metadata: grpc.Metadata, options: grpc.CallOptions, callback: (err: grpc.ServiceError | null) => void): grpc.ClientUnaryCall;
}

/** A unary client for `TraceService/Export` that passes already-serialized bytes through, as OpenTelemetry's own gRPC transport does. */
const TraceServiceClientCtor = grpc.makeGenericClientConstructor(
  {
    export: {
      path: EXPORT_PATH,
      requestStream: false,
      responseStream: false,
      requestSerialize: (b: Buffer) => b,
      requestDeserialize: (b: Buffer) => b,
      responseSerialize: (b: Buffer) => b,
      responseDeserialize: (b: Buffer) => b,
    },
  },
  'TraceService',
) as unknown as new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => TraceServiceClient;

/**
 * The gRPC transport of the OTLP/gRPC exporter: one `@grpc/grpc-js` channel, one unary
 * `opentelemetry.proto.collector.trace.v1.TraceService/Export` call per `send()`, carrying an
 * `ExportTraceServiceRequest` already encoded by OpenTelemetry's `ProtobufTraceSerializer`
 * (the same client shape as `@opentelemetry/otlp-grpc-exporter-base`).
 *
 * Why not `OTLPTraceExporter` of `@opentelemetry/exporter-trace-otlp-grpc`: its `shutdown()`
 * waits for calls in flight and cannot cancel them, so a hanging receiver kept the process
 * alive for the whole call deadline after `tracer.shutdown()` returned; and its errors quote
 * the receiver's status details verbatim.
 *
 * Behaviour: each call has a deadline (`timeoutMs`); OK resolves (a partial success is still a
 * success, as the spec says); the retryable codes ({@link RETRYABLE_GRPC_CODES}) reject with
 * `retryable: true` and a `grpc-retry-pushback-ms` trailer becomes `retryAfterMs`; other codes
 * reject with `retryable: false`. Error messages hold the status name and at most a short,
 * scrubbed excerpt of the details. Never throws synchronously. `close()` cancels calls in
 * flight and closes the channel.
 *
 * @see https://opentelemetry.io/docs/specs/otlp/#otlpgrpc
 * @example
 * ```ts
 * const sender = new OtlpGrpcSender({ address: '127.0.0.1:4317', credentials: grpc.credentials.createInsecure(), metadata: new grpc.Metadata(),
 *   timeoutMs: 10000, gzip: false, userAgent: 'traceandtrace', secrets: [], makeError: (m, r) => Object.assign(new Error(m), { retryable: r }) });
 * await sender.send(ProtobufTraceSerializer.serializeRequest(spans)!);
 * sender.close();
 * ```
 */
export class OtlpGrpcSender {
  private readonly client: TraceServiceClient;
  private readonly calls = new Set<grpc.ClientUnaryCall>();
  private readonly pending = new Set<Promise<void>>();
  private closed = false;

  /** @param options - see {@link OtlpGrpcSenderOptions}. Creating the channel does not connect. */
  constructor(private readonly options: OtlpGrpcSenderOptions) {
    this.client = new TraceServiceClientCtor(options.address, options.credentials, {
      'grpc.default_compression_algorithm': options.gzip ? 2 /* gzip */ : 0 /* identity */,
      'grpc.primary_user_agent': options.userAgent,
    });
  }

  /**
   * Send one encoded request.
   *
   * @param body - the serialized `ExportTraceServiceRequest`
   * @returns resolves when the receiver answered OK; rejects with the error from `makeError` otherwise (never throws)
   */
  send(body: Uint8Array): Promise<void> {
    const p = this.call(body);
    this.pending.add(p);
    const done = (): void => {
      this.pending.delete(p);
    };
    p.then(done, done);
    return p;
  }

  /** Resolves when every call in flight has settled. Never rejects. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  /**
   * Cancels calls still in flight (their `send()` rejects, not retryable: the core calls this
   * after its own deadline, so they were abandoned) and closes the channel, so nothing keeps
   * the process alive. Later `send()` calls reject. Idempotent; never throws.
   */
  close(): void {
    this.closed = true;
    for (const call of this.calls) call.cancel();
    this.calls.clear();
    this.client.close();
  }

  private call(body: Uint8Array): Promise<void> {
    const o = this.options;
    return new Promise<void>((resolve, reject) => {
      if (this.closed) {
        reject(o.makeError('the sender is closed', false));
        return;
      }
      let call: grpc.ClientUnaryCall | undefined;
      try {
        const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
        call = this.client.export(buffer, o.metadata.clone(), { deadline: Date.now() + o.timeoutMs }, (err) => {
          if (call) this.calls.delete(call);
          if (!err) {
            resolve();
            return;
          }
          if (this.closed) {
            reject(o.makeError('call abandoned at shutdown', false, err.code));
            return;
          }
          const name = grpc.status[err.code] ?? String(err.code);
          const details = collectorReason(err.details, o.secrets);
          const retryable = RETRYABLE_GRPC_CODES.has(err.code);
          reject(withRetryAfter(o.makeError(`${name}${details ? `: ${details}` : ''}`, retryable, err.code), retryable ? grpcRetryPushbackMs(err.metadata) : undefined));
        });
        this.calls.add(call);
      } catch (e) {
        // e.g. a closed channel. Node's message may quote a metadata value: keep only its code.
        const code = (e as { code?: unknown })?.code;
        reject(o.makeError(`call not started (${typeof code === 'string' || typeof code === 'number' ? code : 'invalid request'})`, false));
      }
    });
  }
}
