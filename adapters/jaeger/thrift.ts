/**
 * Jaeger's Thrift wire model, loaded from the IDL files and the `thriftrw` codec that the
 * `jaeger-client` package itself ships and uses (`jaeger-client/dist/src/thrift.js`,
 * `jaeger-idl/thrift/jaeger.thrift`, `thriftrw-idl/agent.thrift`). Nothing here hand-writes
 * Thrift: encoding is `thriftrw`'s binary protocol driven by those IDL files.
 *
 * i64 fields (`traceIdLow`, `spanId`, `startTime`, …) are written by `thriftrw` from either an
 * 8-byte big-endian `Buffer` (ids; hex ids above 0x7fffffff… must not go through thriftrw's
 * hex-string path, which overflows `writeInt32BE`) or a JS `number` (µs timestamps and
 * durations, which stay below 2^53).
 *
 * @see https://github.com/jaegertracing/jaeger-idl/blob/main/thrift/jaeger.thrift
 * @packageDocumentation
 */
import * as path from 'node:path';
import type { ReusableBuffer } from '../../src';

/** Jaeger `TagType` enum values as `thriftrw` surfaces them (strings). */
export type ThriftTagType = 'STRING' | 'DOUBLE' | 'BOOL' | 'LONG' | 'BINARY';

/**
 * Jaeger Thrift `Tag`: a typed key/value pair. Exactly one `v*` field is meaningful, the one
 * named by `vType`.
 *
 * @example
 * ```ts
 * const tag: ThriftTag = { key: 'http.response.status_code', vType: 'LONG', vLong: 200 };
 * ```
 */
export interface ThriftTag {
  key: string;
  vType: ThriftTagType;
  vStr?: string;
  vDouble?: number;
  vBool?: boolean;
  /** Integer value (safe integer). */
  vLong?: number;
  vBinary?: Buffer;
}

/**
 * Jaeger Thrift `Log`: a timestamped list of fields.
 *
 * @example
 * ```ts
 * const log: ThriftLog = { timestamp: 1700000000123456, fields: [{ key: 'event', vType: 'STRING', vStr: 'retry' }] };
 * ```
 */
export interface ThriftLog {
  /** µs since the Unix epoch. */
  timestamp: number;
  fields: ThriftTag[];
}

/**
 * Jaeger Thrift `SpanRef` (`CHILD_OF` / `FOLLOWS_FROM`).
 *
 * @example
 * ```ts
 * const ref: ThriftSpanRef = { refType: 'CHILD_OF', traceIdLow: low, traceIdHigh: high, spanId: parent };
 * ```
 */
export interface ThriftSpanRef {
  refType: 'CHILD_OF' | 'FOLLOWS_FROM';
  /** 8-byte big-endian buffer. */
  traceIdLow: Buffer;
  /** 8-byte big-endian buffer (all zero for 64-bit trace ids). */
  traceIdHigh: Buffer;
  /** 8-byte big-endian buffer. */
  spanId: Buffer;
}

/**
 * Jaeger Thrift `Span`. Times in µs.
 *
 * @example
 * ```ts
 * const s: ThriftSpan = toThriftSpan(finishedSpan); // see mapping.ts
 * ```
 */
export interface ThriftSpan {
  traceIdLow: Buffer;
  traceIdHigh: Buffer;
  spanId: Buffer;
  /** All-zero buffer for a root span. */
  parentSpanId: Buffer;
  operationName: string;
  references: ThriftSpanRef[];
  /** Bit field: 0x1 sampled, 0x2 debug. */
  flags: number;
  /** µs since the Unix epoch. */
  startTime: number;
  /** µs. */
  duration: number;
  tags: ThriftTag[];
  logs: ThriftLog[];
}

/**
 * Jaeger Thrift `Process`: the service and its process tags.
 *
 * @example
 * ```ts
 * const p: ThriftProcess = { serviceName: 'orders', tags: [{ key: 'hostname', vType: 'STRING', vStr: 'web-1' }] };
 * ```
 */
export interface ThriftProcess {
  serviceName: string;
  tags: ThriftTag[];
}

/**
 * Jaeger Thrift `Batch`: one process and its spans.
 *
 * @example
 * ```ts
 * const batch: ThriftBatch = { process, spans: [span] };
 * ```
 */
export interface ThriftBatch {
  process: ThriftProcess;
  spans: ThriftSpan[];
}

/**
 * The subset of a `thriftrw` struct/message reader-writer we use (binary protocol). Results
 * carry `err` instead of throwing; lengths and offsets are in bytes.
 *
 * @example
 * ```ts
 * const { err, length } = loadJaegerThrift().span.byteLength(thriftSpan);
 * ```
 */
export interface ThriftRW<T> {
  byteLength(value: T): { err: Error | null; length: number };
  toBuffer(value: T): { err: Error | null; value: Buffer };
  fromBuffer(buffer: Buffer): { err: Error | null; value: T };
  writeInto(value: T, buffer: Buffer, offset: number): { err: Error | null; offset: number };
  readFrom(buffer: Buffer, offset: number): { err: Error | null; value: T; offset: number };
}

/**
 * A Thrift message envelope as `thriftrw` builds it: the `Agent.emitBatch` oneway call
 * (strict binary header, name `emitBatch`, type `ONEWAY`, seqid 0) and its argument struct.
 *
 * @example
 * ```ts
 * const msg: EmitBatchMessage = loadJaegerThrift().emitBatchMessage({ process, spans });
 * ```
 */
export interface EmitBatchMessage {
  name: string;
  type: string;
  id: number;
  version: number;
  body: { batch: ThriftBatch };
}

/**
 * The codecs the adapter needs, backed by jaeger-client's own IDL files.
 *
 * @example
 * ```ts
 * const { emitBatch, emitBatchMessage } = loadJaegerThrift();
 * const bytes = emitBatch.toBuffer(emitBatchMessage({ process, spans })).value;
 * ```
 */
export interface JaegerThriftCodecs {
  /** Thrift binary `Batch` (HTTP collector body, `application/x-thrift`). */
  batch: ThriftRW<ThriftBatch>;
  /** Thrift binary `Span` (used to size datagrams). */
  span: ThriftRW<ThriftSpan>;
  /** Thrift binary message `Agent::emitBatch` (oneway) — what jaeger-client's UDPSender sends to the agent's 6832 port. */
  emitBatch: ThriftRW<EmitBatchMessage>;
  /** Builds the `emitBatch` arguments message for a batch. */
  emitBatchMessage(batch: ThriftBatch): EmitBatchMessage;
}

interface ThriftrwModule {
  Thrift: new (options: Record<string, unknown>) => ThriftInstance;
}
interface ThriftInstance {
  Batch: { rw: ThriftRW<ThriftBatch> };
  Span: { rw: ThriftRW<ThriftSpan> };
  Agent: {
    emitBatch: {
      argumentsMessageRW: ThriftRW<EmitBatchMessage>;
      ArgumentsMessage: new (m: { version: number; id: number; body: { batch: ThriftBatch } }) => EmitBatchMessage;
    };
  };
}
interface ThriftUtilsModule {
  default: { _thrift: ThriftInstance; buildAgentThriftPath(): string };
}

let codecs: JaegerThriftCodecs | undefined;

/**
 * Load (once) the Thrift codecs from the `jaeger-client` package: its `ThriftUtils` Thrift
 * instance for `jaeger.thrift`, and `agent.thrift` (which includes `jaeger.thrift`) compiled
 * with the very `thriftrw` that jaeger-client resolves.
 *
 * @returns the codecs; cached after the first call.
 * @throws Error when `jaeger-client` or its IDL files cannot be found (a broken install) —
 *   called at backend construction time, never on the export path.
 * @example
 * ```ts
 * const { batch } = loadJaegerThrift();
 * const { err, value } = batch.toBuffer({ process, spans });
 * ```
 */
export function loadJaegerThrift(): JaegerThriftCodecs {
  if (codecs) return codecs;
  const clientDir = path.dirname(require.resolve('jaeger-client/package.json'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const thriftUtils = (require(path.join(clientDir, 'dist/src/thrift.js')) as ThriftUtilsModule).default;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const thriftrw = require(require.resolve('thriftrw', { paths: [clientDir] })) as ThriftrwModule;
  const agent = new thriftrw.Thrift({
    entryPoint: thriftUtils.buildAgentThriftPath(),
    allowOptionalArguments: true,
    allowFilesystemAccess: true,
  });
  const jaeger = thriftUtils._thrift;
  const emit = agent.Agent.emitBatch;
  codecs = {
    batch: jaeger.Batch.rw,
    span: jaeger.Span.rw,
    emitBatch: emit.argumentsMessageRW,
    // Same envelope as jaeger-client's UDPSender._convertBatchToThriftMessage().
    emitBatchMessage: (batch) => new emit.ArgumentsMessage({ version: 1, id: 0, body: { batch } }),
  };
  return codecs;
}

/**
 * Encode a Thrift binary `Batch` (the HTTP collector's `application/x-thrift` body) into a
 * buffer from `scratch`, with `thriftrw`'s own writer. One pass when it can: the batch is
 * written straight into the exporter's kept buffer ({@link ReusableBuffer.lendKept}) and the
 * view trimmed to the bytes written. When it does not fit (first batch, a bigger one) or no
 * kept buffer is free, it sizes the batch (`byteLength`) and writes it into a buffer of
 * exactly that length (`acquire`), as `thriftrw`'s `toBuffer` does — the sizing pass was
 * ~15 % of the Jaeger exporter's CPU per span. A successful write into a too-small buffer is
 * impossible: every struct ends with a STOP byte that thriftrw writes with a bounds check, so
 * a batch cut short (a string or id truncated at the end) always fails and is redone.
 * The caller must `scratch.release(result.value)` once the bytes are sent.
 *
 * @param codecs - from {@link loadJaegerThrift}
 * @param batch - process + Thrift spans
 * @param scratch - the exporter's reusable buffer
 * @returns `{ value }` with exactly the encoded bytes, or `{ err }` (thriftrw's error for a
 *   value that does not fit the IDL; nothing is lent then). Never throws.
 * @example
 * ```ts
 * const { err, value } = encodeBatch(loadJaegerThrift(), { process, spans }, scratch);
 * if (!err) sender.send(value, () => scratch.release(value));
 * ```
 */
export function encodeBatch(
  codecs: JaegerThriftCodecs,
  batch: ThriftBatch,
  scratch: ReusableBuffer,
): { err: Error; value?: undefined } | { err?: undefined; value: Buffer } {
  const whole = scratch.lendKept();
  if (whole !== undefined) {
    let end = -1;
    try {
      const written = codecs.batch.writeInto(batch, whole, 0);
      if (!written.err) end = written.offset;
    } catch {
      // Out of room (Node's bounds check threw): size it below.
    }
    if (end > 0 && end <= whole.length) return { value: scratch.trim(whole, end) };
    scratch.release(whole);
  }
  try {
    const size = codecs.batch.byteLength(batch);
    if (size.err) return { err: size.err };
    const buffer = scratch.acquire(size.length);
    const written = codecs.batch.writeInto(batch, buffer, 0);
    if (written.err || written.offset !== size.length) {
      scratch.release(buffer);
      return { err: written.err ?? new Error(`Thrift Batch wrote ${written.offset} of ${size.length} bytes`) };
    }
    return { value: buffer };
  } catch (err) {
    return { err: err instanceof Error ? err : new Error(String(err)) };
  }
}
