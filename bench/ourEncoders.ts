/**
 * "Network excluded" exporters for our adapters: each does exactly what the adapter's
 * exporter does to a batch up to the bytes on the wire — using the adapter's own mapping and
 * encoding functions — and then discards the bytes instead of sending them. They are
 * registered as extra backends (`bench-encode-<adapter>`) through the public
 * `registerBackend`, so spans still go through our real pipeline (queue, batches of 512,
 * deferred caller formatting).
 *
 * | backend                    | encoding (adapter functions)                                          |
 * |----------------------------|-----------------------------------------------------------------------|
 * | `bench-encode-jaeger`      | `toThriftSpan` + `toThriftProcess` → Thrift binary `Batch` (`encodeBatch`, the exporter's kept buffer) |
 * | `bench-encode-zipkin`      | `encodeZipkinBatch`: `encodeZipkinSpan` per span → JSON v2 array bytes |
 * | `bench-encode-skywalking`  | `SegmentAssembler.take` → `toSegmentObject` → `serializeBinary()`     |
 * | `bench-encode-otlp`        | `new OtlpReadableSpan` → `ProtobufTraceSerializer.serializeRequest`   |
 *
 * The adapters' internal modules are loaded at run time (not type-imported) so that a change
 * inside an adapter turns the row into `n/a` rather than breaking the build.
 *
 * @packageDocumentation
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { FinishedSpan, Resource } from '../src/api/types';
import { ReusableBuffer } from '../src/export/ReusableBuffer';
import { loadOurs } from './ours';

interface Exporter {
  export(batch: readonly FinishedSpan[]): Promise<void>;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}
type Factory = (ctx: { resource: Resource }) => { exporter: Exporter };
interface Registry {
  registerBackend(name: string, factory: Factory): void;
}

/** Bytes produced by the encode-only exporters (keeps the work observable). */
export let encodedBytes = 0;

function simple(encode: (batch: readonly FinishedSpan[]) => number): { exporter: Exporter } {
  return {
    exporter: {
      async export(batch) {
        encodedBytes += encode(batch);
      },
      async forceFlush() {},
      async shutdown() {},
    },
  };
}

const factories: Record<string, Factory> = {
  jaeger: () => {
    const mapping = require('../adapters/jaeger/mapping') as {
      toThriftSpan(span: FinishedSpan): unknown;
      toThriftProcess(resource: Resource): unknown;
    };
    const thrift = require('../adapters/jaeger/thrift') as {
      loadJaegerThrift(): unknown;
      encodeBatch(codecs: unknown, batch: { process: unknown; spans: unknown[] }, scratch: ReusableBuffer): { err?: Error; value?: Buffer };
    };
    const codecs = thrift.loadJaegerThrift();
    const scratch = new ReusableBuffer();
    let lastResource: Resource | undefined;
    let process: unknown;
    return simple((batch) => {
      if (batch.length === 0) return 0;
      if (batch[0].resource !== lastResource) {
        lastResource = batch[0].resource;
        process = mapping.toThriftProcess(lastResource);
      }
      const { err, value } = thrift.encodeBatch(codecs, { process, spans: batch.map(mapping.toThriftSpan) }, scratch);
      if (err || !value) throw err;
      scratch.release(value); // the exporter releases it when its HTTP request closes
      return value.length;
    });
  },
  zipkin: () => {
    const z = require('../adapters/zipkin/toZipkinSpan') as {
      encodeZipkinBatch(batch: readonly FinishedSpan[], scratch: ReusableBuffer): { body: Buffer | undefined };
    };
    const scratch = new ReusableBuffer();
    return simple((batch) => {
      const { body } = z.encodeZipkinBatch(batch, scratch);
      if (!body) return 0;
      scratch.release(body); // the exporter releases it when its request closes (or gzip is done)
      return body.length;
    });
  },
  skywalking: () => {
    const { SegmentAssembler } = require('../adapters/skywalking/SegmentAssembler') as {
      SegmentAssembler: new () => { take(batch: readonly FinishedSpan[], force: boolean): { segments: unknown[]; delivered(): void } };
    };
    const { toSegmentObject } = require('../adapters/skywalking/segmentMapping') as {
      toSegmentObject(segment: unknown, cache?: Map<string, unknown>): { serializeBinary(): Uint8Array };
    };
    const assembler = new SegmentAssembler();
    const run = (batch: readonly FinishedSpan[], force: boolean): void => {
      const assembly = assembler.take(batch, force);
      const cache = new Map<string, unknown>(); // per batch, as the exporter does
      for (const seg of assembly.segments) encodedBytes += toSegmentObject(seg, cache).serializeBinary().length;
      assembly.delivered();
    };
    return {
      exporter: {
        async export(batch) {
          run(batch, false);
        },
        async forceFlush() {
          run([], true);
        },
        async shutdown() {},
      },
    };
  },
  otlp: () => {
    const { OtlpReadableSpan } = require('../adapters/otlp/OtlpReadableSpan') as {
      OtlpReadableSpan: new (span: FinishedSpan) => ReadableSpan;
    };
    return simple((batch) => ProtobufTraceSerializer.serializeRequest(batch.map((s) => new OtlpReadableSpan(s)))?.length ?? 0);
  },
};

let registered = false;

/**
 * Register the `bench-encode-*` backends (idempotent). Returns false when the core is not
 * available. A backend whose adapter modules cannot be loaded throws when a tracer selects it.
 *
 * @example
 * ```ts
 * registerEncodeOnlyBackends();
 * createOurImpl('bench-encode-zipkin', 'encode', ports);
 * ```
 */
export function registerEncodeOnlyBackends(): boolean {
  const lib = loadOurs() as unknown as Partial<Registry> | undefined;
  if (!lib || typeof lib.registerBackend !== 'function') return false;
  if (registered) return true;
  registered = true;
  for (const [name, f] of Object.entries(factories)) lib.registerBackend(`bench-encode-${name}`, f);
  return true;
}
