/**
 * zipkin-js 0.22: `Tracer` + `BatchRecorder`, 128-bit trace ids, always sampled, with an
 * AsyncLocalStorage-based context ({@link AlsZipkinContext}); each span is a `tracer.local()`
 * (zipkin-js's own local-span helper: child id, LocalOperationStart/Stop) with 3
 * `recordBinary` tags.
 *
 * Modes: `discard` → a logger whose `logSpan` drops the span; `encode` → zipkin-transport-http's
 * `HttpLogger` with the JSON v2 encoder (it encodes each span at `logSpan` and joins the batch
 * when it sends), its fetch replaced by a no-op; `hold` → the same `HttpLogger` with no sending,
 * so its queue (encoded JSON strings) holds every finished span.
 *
 * @packageDocumentation
 */
import { BatchRecorder, jsonEncoder, sampler, Tracer, type Logger, type model } from 'zipkin';
import { HttpLogger } from 'zipkin-transport-http';
import { AlsZipkinContext } from './AlsZipkinContext';
import { CHILD_NAME, PARENT_NAME, TAG_KEYS, TAG_VALUES, type Mode, type SpanImpl } from '../impl';

/** HttpLogger members that its declarations omit. */
interface HttpLoggerInternals {
  queue: string[];
  processQueue(fetchImpl: (url: string, options: { body: string }) => Promise<{ status: number }>): void;
}

/** Characters of JSON v2 produced by `encode`-mode loggers. */
export let zipkinChars = 0;

const noopFetch = (_url: string, options: { body: string }): Promise<{ status: number }> => {
  zipkinChars += options.body.length;
  return Promise.resolve({ status: 202 });
};

/**
 * zipkin-js for one mode.
 *
 * @example
 * ```ts
 * const impl = await createZipkinImpl('discard');
 * impl.run(10, 100);
 * ```
 */
export async function createZipkinImpl(mode: Mode): Promise<SpanImpl> {
  let logger: Logger;
  let http: (HttpLogger & HttpLoggerInternals) | undefined;
  if (mode === 'discard') {
    logger = { logSpan: (_span: model.Span): void => {} };
  } else {
    const options = {
      endpoint: 'http://127.0.0.1:9/api/v2/spans',
      jsonEncoder: jsonEncoder.JSON_V2,
      httpInterval: 1e9,
      fetchImplementation: noopFetch,
      log: { error: (): void => {} },
    };
    http = new HttpLogger(options) as HttpLogger & HttpLoggerInternals;
    logger = http;
  }
  const run = zipkinWorkload(logger);
  return {
    name: 'zipkin-js',
    run,
    async drain(): Promise<void> {
      if (http) http.processQueue(noopFetch);
    },
    async close(): Promise<void> {
      if (http) http.queue.length = 0;
    },
    held(): number {
      return http ? http.queue.length : -1;
    },
  };
}

/**
 * The shared workload ({@link SpanImpl.run}) on a zipkin-js `Tracer` + `BatchRecorder` that
 * hands each finished span to `logger` (128-bit ids, always sampled, AsyncLocalStorage context).
 *
 * @example
 * ```ts
 * const spans: model.Span[] = [];
 * zipkinWorkload({ logSpan: (s) => spans.push(s) })(10, 99); // 1,000 spans logged
 * ```
 */
export function zipkinWorkload(logger: Logger): (parents: number, children: number) => void {
  const recorder = new BatchRecorder({ logger });
  const tracer = new Tracer({
    ctxImpl: new AlsZipkinContext(),
    recorder,
    sampler: new sampler.Sampler(sampler.alwaysSample),
    traceId128Bit: true,
    localServiceName: 'bench',
  });
  const k0 = TAG_KEYS[0], k1 = TAG_KEYS[1], k2 = TAG_KEYS[2];
  const v0 = TAG_VALUES[0], v1 = TAG_VALUES[1], v2 = TAG_VALUES[2];
  const child = (): void => {
    tracer.recordBinary(k0, v0);
    tracer.recordBinary(k1, v1);
    tracer.recordBinary(k2, v2);
  };
  let n = 0;
  const parentBody = (): void => {
    for (let c = 0; c < n; c++) tracer.local(CHILD_NAME, child);
  };
  return (parents: number, children: number): void => {
    n = children;
    for (let p = 0; p < parents; p++) tracer.local(PARENT_NAME, parentBody);
  };
}
