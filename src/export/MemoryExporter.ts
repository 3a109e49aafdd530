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

  /** Store the batch. Rejects after shutdown. */
  async export(batch: readonly FinishedSpan[]): Promise<void> {
    if (this.stopped) throw new Error('MemoryExporter is shut down');
    for (const span of batch) this.spans.push(span);
  }

  /** Spans received so far, in export order. */
  getFinishedSpans(): FinishedSpan[] {
    return this.spans.slice();
  }

  /** Forget every span received so far. */
  reset(): void {
    this.spans = [];
  }

  /** Nothing is buffered: resolves at once. */
  async forceFlush(): Promise<void> {}

  /** Stop accepting batches; the spans received stay readable. */
  async shutdown(): Promise<void> {
    this.stopped = true;
  }
}
