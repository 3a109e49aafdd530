import type { FinishedSpan, SpanExporter } from '../api/types';

/**
 * Accepts and discards every batch. Backend name `noop` (the default backend). A tracer whose
 * exporter is a NoopExporter does not queue finished spans at all: it counts them as exported
 * at `end()`, so tracing without a backend retains no span after it ends.
 *
 * @example
 * ```ts
 * createTracer({ serviceName: 'svc', backend: 'noop' });
 * ```
 */
export class NoopExporter implements SpanExporter {
  /**
   * Discard the batch. Resolves at once; never rejects.
   *
   * @example
   * ```ts
   * await new NoopExporter().export(spans);
   * ```
   */
  async export(_batch: readonly FinishedSpan[]): Promise<void> {}
  /**
   * Resolves at once (nothing is buffered).
   *
   * @example
   * ```ts
   * await new NoopExporter().forceFlush();
   * ```
   */
  async forceFlush(): Promise<void> {}
  /**
   * Resolves at once (nothing to release).
   *
   * @example
   * ```ts
   * await new NoopExporter().shutdown();
   * ```
   */
  async shutdown(): Promise<void> {}
}
