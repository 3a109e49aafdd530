import type { Sampler, SpanContext } from '../api/types';

/**
 * Samples every trace (`true`) or none (`false`), as Jaeger's `const` sampler.
 *
 * Built from config `{ type: 'const', param: 1 | 0 }` (wrapped in a {@link ParentBasedSampler},
 * so an incoming remote parent's decision still wins). Never throws.
 *
 * @example
 * ```ts
 * new ConstSampler(true).shouldSample('GET /', undefined, traceId); // true
 * ```
 */
export class ConstSampler implements Sampler {
  /** The fixed decision. */
  readonly decision: boolean;

  /** @param decision - true = sample every trace, false = none */
  constructor(decision: boolean) {
    this.decision = decision;
  }

  /**
   * Sample every trace or none (Jaeger `const` sampler). Never throws.
   *
   * @returns the fixed decision, whatever the arguments.
   * @example
   * ```ts
   * new ConstSampler(true).shouldSample('GET /', undefined, traceId); // true
   * ```
   */
  shouldSample(_operationName: string, _parent: SpanContext | undefined, _traceId: string): boolean {
    return this.decision;
  }

  /**
   * Description for logs, e.g. `ConstSampler{true}`.
   *
   * @example
   * ```ts
   * String(new ConstSampler(false)); // 'ConstSampler{false}'
   * ```
   */
  toString(): string {
    return `ConstSampler{${this.decision}}`;
  }
}
