import type { Logger, Sampler, SpanContext } from '../api/types';

/**
 * The custom sampling function accepted in config: `(operationName, parent) => boolean`.
 *
 * @example
 * ```ts
 * const fn: SamplingFunction = (op, parent) => parent?.sampled ?? !op.startsWith('GET /health');
 * ```
 */
export type SamplingFunction = (operationName: string, parent: SpanContext | undefined) => boolean;

/**
 * Wraps a user function `(operationName, parent) => boolean` as a {@link Sampler}. The
 * function decides for every new trace and every remote parent (it sees the parent and may
 * honour it or not). A function that throws, or returns a non-boolean, counts as `false`;
 * the first throw is logged (warn) once, with the error's message only. Never throws.
 *
 * @example
 * ```ts
 * const s = new FunctionSampler((op) => !op.startsWith('GET /health'), logger);
 * ```
 */
export class FunctionSampler implements Sampler {
  /** The wrapped function. */
  readonly fn: SamplingFunction;
  private readonly logger: Logger | undefined;
  private warned = false;

  /**
   * @param fn - decides; `true` samples
   * @param logger - where the first failure is reported (optional)
   */
  constructor(fn: SamplingFunction, logger?: Logger) {
    this.fn = fn;
    this.logger = logger;
  }

  /**
   * Ask the wrapped function. Never throws: a function that throws counts as `false`, and the
   * first such failure is logged (once) through the logger.
   *
   * @returns the function's result when it is `true`, otherwise false
   * @example
   * ```ts
   * new FunctionSampler((op) => !op.startsWith('GET /health')).shouldSample('GET /health', undefined, traceId); // false
   * ```
   */
  shouldSample(operationName: string, parent: SpanContext | undefined, _traceId: string): boolean {
    try {
      return this.fn(operationName, parent) === true;
    } catch (err) {
      if (!this.warned) {
        this.warned = true;
        const msg = err instanceof Error ? `${err.name}: ${err.message}` : typeof err;
        try {
          this.logger?.warn(`custom sampler threw (${msg.slice(0, 200)}); treating as not sampled (logged once)`);
        } catch {
          /* a broken logger must not break sampling */
        }
      }
      return false;
    }
  }

  /**
   * Description for logs, e.g. `FunctionSampler{mySampler}` (the function's name).
   *
   * @example
   * ```ts
   * String(new FunctionSampler(function keepAll() { return true; })); // 'FunctionSampler{keepAll}'
   * ```
   */
  toString(): string {
    return `FunctionSampler{${this.fn.name || 'anonymous'}}`;
  }
}
