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
 * | `bench-encode-jaeger`      | `toThriftSpan` + `toThriftProcess` → Thrift binary `Batch` (`loadJaegerThrift().batch`) |
 * | `bench-encode-zipkin`      | `encodeZipkinSpan` per span → JSON v2 array                           |
 * | `bench-encode-skywalking`  | `SegmentAssembler.plan` → `toSegmentObject` → `serializeBinary()`     |
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
      loadJaegerThrift(): { batch: { toBuffer(v: { process: unknown; spans: unknown[] }): { err: Error | null; value: Buffer } } };
    };
    const codecs = thrift.loadJaegerThrift();
    let lastResource: Resource | undefined;
    let process: unknown;
    return simple((batch) => {
      if (batch.length === 0) return 0;
      if (batch[0].resource !== lastResource) {
        lastResource = batch[0].resource;
        process = mapping.toThriftProcess(lastResource);
      }
      const { err, value } = codecs.batch.toBuffer({ process, spans: batch.map(mapping.toThriftSpan) });
      if (err) throw err;
      return value.length;
    });
  },
  zipkin: () => {
    const z = require('../adapters/zipkin/toZipkinSpan') as { encodeZipkinSpan(span: FinishedSpan): string | { error: string } };
    return simple((batch) => {
      const parts: string[] = [];
      for (const s of batch) {
        const e = z.encodeZipkinSpan(s);
        if (typeof e === 'string') parts.push(e);
      }
      return `[${parts.join(',')}]`.length;
    });
  },
  skywalking: () => {
    const { SegmentAssembler } = require('../adapters/skywalking/SegmentAssembler') as {
      SegmentAssembler: new () => { plan(batch: readonly FinishedSpan[], force: boolean): { segments: unknown[]; commit(): void } };
    };
    const { toSegmentObject } = require('../adapters/skywalking/segmentMapping') as {
      toSegmentObject(segment: unknown): { serializeBinary(): Uint8Array };
    };
    const assembler = new SegmentAssembler();
    const run = (batch: readonly FinishedSpan[], force: boolean): void => {
      const plan = assembler.plan(batch, force);
      for (const seg of plan.segments) encodedBytes += toSegmentObject(seg).serializeBinary().length;
      plan.commit();
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
