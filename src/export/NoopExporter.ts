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
  /** Discard the batch. */
  async export(_batch: readonly FinishedSpan[]): Promise<void> {}
  /** Resolves at once. */
  async forceFlush(): Promise<void> {}
  /** Resolves at once. */
  async shutdown(): Promise<void> {}
}
