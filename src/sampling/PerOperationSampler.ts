import type { Sampler, SpanContext } from '../api/types';
import type { PerOperationStrategy } from './strategy';
import { ProbabilisticSampler } from './ProbabilisticSampler';
import { RateLimitingSampler } from './RateLimitingSampler';

/** Probabilistic sampler plus a guaranteed lower bound of traces per second (Jaeger's GuaranteedThroughputSampler). */
class GuaranteedThroughput {
  readonly probabilistic: ProbabilisticSampler;
  readonly lowerBound: RateLimitingSampler | undefined;

  constructor(rate: number, lowerBound: number, now?: () => number) {
    this.probabilistic = new ProbabilisticSampler(rate);
    this.lowerBound = lowerBound > 0 ? new RateLimitingSampler(lowerBound, now) : undefined;
  }

  decide(op: string, traceId: string): boolean {
    if (this.probabilistic.shouldSample(op, undefined, traceId)) {
      this.lowerBound?.shouldSample(op, undefined, traceId); // sampled traces count against the bound
      return true;
    }
    return this.lowerBound ? this.lowerBound.shouldSample(op, undefined, traceId) : false;
  }
}

/**
 * Jaeger's per-operation sampler: each listed operation has its own probability; other
 * operations get the default probability; every operation is guaranteed
 * `defaultLowerBoundTracesPerSecond` traces per second. At most `maxOperations` operation
 * names get their own state (memory stays bounded); further names use the default
 * probability without a lower bound. Never throws.
 *
 * @see https://www.jaegertracing.io/docs/latest/sampling/#collector-sampling-configuration
 * @example
 * ```ts
 * new PerOperationSampler({ kind: 'perOperation', defaultSamplingProbability: 0.01,
 *   defaultLowerBoundTracesPerSecond: 0, operations: { 'GET /checkout': 1 } });
 * ```
 */
export class PerOperationSampler implements Sampler {
  /** The strategy this sampler applies. */
  readonly strategy: PerOperationStrategy;
  private readonly samplers = new Map<string, GuaranteedThroughput>();
  private readonly fallback: ProbabilisticSampler;
  private readonly maxOperations: number;
  private readonly now: (() => number) | undefined;

  /**
   * @param strategy - the parsed strategy
   * @param maxOperations - most operation names tracked individually (default 2000, as Jaeger)
   * @param now - clock in ms for the lower-bound rate limiters
   */
  constructor(strategy: PerOperationStrategy, maxOperations = 2000, now?: () => number) {
    this.strategy = strategy;
    this.maxOperations = maxOperations;
    this.now = now;
    this.fallback = new ProbabilisticSampler(strategy.defaultSamplingProbability);
    for (const [op, r] of Object.entries(strategy.operations)) {
      if (this.samplers.size >= maxOperations) break;
      this.samplers.set(op, new GuaranteedThroughput(r, strategy.defaultLowerBoundTracesPerSecond, now));
    }
  }

  /**
   * Decide with the operation's own sampler (probability plus a lower bound in traces per second,
   * see class doc); operations beyond `maxOperations` use the default probability. Never throws.
   *
   * @returns the decision of the operation's own sampler (see class doc)
   * @example
   * ```ts
   * const s = new PerOperationSampler({ kind: 'perOperation', defaultSamplingProbability: 0, defaultLowerBoundTracesPerSecond: 1, operations: {} });
   * s.shouldSample('GET /', undefined, traceId); // true: the first trace per second is guaranteed
   * ```
   */
  shouldSample(operationName: string, _parent: SpanContext | undefined, traceId: string): boolean {
    let s = this.samplers.get(operationName);
    if (!s) {
      if (this.samplers.size >= this.maxOperations) return this.fallback.shouldSample(operationName, undefined, traceId);
      s = new GuaranteedThroughput(
        this.strategy.defaultSamplingProbability,
        this.strategy.defaultLowerBoundTracesPerSecond,
        this.now,
      );
      this.samplers.set(operationName, s);
    }
    return s.decide(operationName, traceId);
  }

  /**
   * Description for logs, e.g. `PerOperationSampler{default=0.01, lowerBound=0, operations=3}`.
   *
   * @example
   * ```ts
   * logger.info(`sampler: ${String(sampler)}`);
   * ```
   */
  toString(): string {
    const s = this.strategy;
    return `PerOperationSampler{default=${s.defaultSamplingProbability}, lowerBound=${s.defaultLowerBoundTracesPerSecond}, operations=${Object.keys(s.operations).length}}`;
  }
}
