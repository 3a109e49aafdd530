import type { FinishedSpan, SpanExporter } from '../api/types';

/**
 * Keeps every exported span in memory, for tests. Backend name `memory`.
 *
 * @example
 * ```ts
 * const tracer = createTracer({ serviceName: 'svc', backend: 'memory' });
 * // …
 * await tracer.flush();
 * const spans = (tracer.exporter as MemoryExporter).getFinishedSpans();
 * ```
 */
export class MemoryExporter implements SpanExporter {
  private spans: FinishedSpan[] = [];
  private stopped = false;

  /**
   * Store the batch.
   *
   * @throws (rejects with) `Error('MemoryExporter is shut down')` after {@link MemoryExporter.shutdown}
   * @example
   * ```ts
   * await memory.export([span]);
   * ```
   */
  async export(batch: readonly FinishedSpan[]): Promise<void> {
    if (this.stopped) throw new Error('MemoryExporter is shut down');
    for (const span of batch) this.spans.push(span);
  }

  /**
   * Spans received so far, in export order (a copy: later exports do not change it).
   *
   * @example
   * ```ts
   * await tracer.flush();
   * const [span] = memory.getFinishedSpans();
   * span.endTimeUs - span.startTimeUs; // duration, µs
   * ```
   */
  getFinishedSpans(): FinishedSpan[] {
    return this.spans.slice();
  }

  /**
   * Forget every span received so far (e.g. between tests).
   *
   * @example
   * ```ts
   * afterEach(() => memory.reset());
   * ```
   */
  reset(): void {
    this.spans = [];
  }

  /**
   * Nothing is buffered: resolves at once.
   *
   * @example
   * ```ts
   * await memory.forceFlush();
   * ```
   */
  async forceFlush(): Promise<void> {}

  /**
   * Stop accepting batches; the spans received stay readable.
   *
   * @example
   * ```ts
   * await memory.shutdown();
   * memory.getFinishedSpans(); // still there
   * ```
   */
  async shutdown(): Promise<void> {
    this.stopped = true;
  }
}
