/**
 * OpenTelemetry JS SDK 3.x set up as the issue asks: `TracerProvider` (the 3.x name of
 * BasicTracerProvider) + `BatchSpanProcessor` + `AsyncLocalStorageContextManager`.
 *
 * Modes: `discard` → a discarding exporter; `encode` → exporter serialising each batch to
 * OTLP protobuf with `ProtobufTraceSerializer` (what the OTLP/proto exporter sends);
 * `hold` → a queue big enough for the whole run, no export until `drain()`.
 *
 * @packageDocumentation
 */
import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BatchSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { CHILD_NAME, PARENT_NAME, TAG_KEYS, TAG_VALUES, type Mode, type SpanImpl } from '../impl';

let globalsInstalled = false;

/**
 * Install OpenTelemetry's global AsyncLocalStorage context manager and W3C propagator once
 * per process (idempotent). Needed by every OTel measurement.
 *
 * @example
 * ```ts
 * installOtelGlobals();
 * ```
 */
export function installOtelGlobals(): void {
  if (globalsInstalled) return;
  globalsInstalled = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

/** Bytes of OTLP protobuf produced so far by `encode`-mode exporters (keeps the work observable). */
export let otlpBytes = 0;

function makeExporter(mode: Mode): SpanExporter {
  return {
    export(spans: ReadableSpan[], done): void {
      if (mode === 'encode') {
        const buf = ProtobufTraceSerializer.serializeRequest(spans);
        otlpBytes += buf ? buf.length : 0;
      }
      done({ code: 0 });
    },
    shutdown: async () => {},
    forceFlush: async () => {},
  };
}

/**
 * An OpenTelemetry SDK tracer for one mode.
 *
 * @example
 * ```ts
 * const impl = await createOtelImpl('discard');
 * impl.run(10, 100);
 * ```
 */
export async function createOtelImpl(mode: Mode): Promise<SpanImpl> {
  installOtelGlobals();
  const big = 1 << 18;
  const processor = new BatchSpanProcessor({
    exporter: makeExporter(mode),
    maxQueueSize: big,
    maxExportBatchSize: mode === 'hold' ? big : 512,
    scheduledDelayMillis: mode === 'hold' ? 1e9 : 1000,
  });
  const provider = new TracerProvider({ spanProcessors: [processor] });
  const tracer: Tracer = provider.getTracer('bench');
  const k0 = TAG_KEYS[0], k1 = TAG_KEYS[1], k2 = TAG_KEYS[2];
  const v0 = TAG_VALUES[0], v1 = TAG_VALUES[1], v2 = TAG_VALUES[2];
  let pending = 0;
  return {
    name: 'OpenTelemetry SDK',
    run(parents: number, children: number): void {
      for (let p = 0; p < parents; p++) {
        tracer.startActiveSpan(PARENT_NAME, (parent) => {
          for (let c = 0; c < children; c++) {
            tracer.startActiveSpan(CHILD_NAME, (span) => {
              span.setAttribute(k0, v0);
              span.setAttribute(k1, v1);
              span.setAttribute(k2, v2);
              span.end();
            });
          }
          parent.end();
        });
      }
      pending += parents * (children + 1);
    },
    async drain(): Promise<void> {
      await provider.forceFlush();
      pending = 0;
    },
    async close(): Promise<void> {
      await provider.shutdown();
    },
    held(): number {
      return mode === 'hold' ? pending : -1;
    },
  };
}

/**
 * The OTel API tracer of a fresh provider with a discarding exporter (for the loopback
 * benchmark), and its closer.
 *
 * @example
 * ```ts
 * const { tracer, close } = createOtelTracer();
 * ```
 */
export function createOtelTracer(): { tracer: Tracer; close(): Promise<void> } {
  installOtelGlobals();
  const processor = new BatchSpanProcessor({ exporter: makeExporter('discard'), maxQueueSize: 1 << 16 });
  const provider = new TracerProvider({ spanProcessors: [processor] });
  return { tracer: provider.getTracer('bench'), close: () => provider.shutdown() };
}

export { context as otelContext, propagation as otelPropagation, trace as otelTrace };
