import type { FinishedSpan, SpanExporter } from '../api/types';

/**
 * Accepts and discards every batch. Backend name `noop` (the default backend).
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
