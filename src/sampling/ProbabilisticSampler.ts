import type { Sampler, SpanContext } from '../api/types';

const TWO_POW_32 = 4294967296;
const TWO_POW_63 = 9223372036854775808;

/**
 * Samples a fraction `rate` of traces, deciding from the trace id so that every service
 * reaches the same decision for the same trace.
 *
 * Algorithm (Jaeger's `ProbabilisticSampler` and OpenTelemetry's `TraceIdRatioBased`):
 * take the low 64 bits of the trace id (its last 16 hex digits, so 64-bit Jaeger/B3 ids
 * decide the same), keep 63 of them, and sample when that value is below
 * `rate × 2^63`. `rate` 0 samples nothing and 1 everything. A trace id that is not hex
 * (should not happen) falls back to `Math.random()`. Never throws.
 *
 * @see https://github.com/jaegertracing/jaeger-client-go/blob/master/sampler.go
 * @see https://opentelemetry.io/docs/specs/otel/trace/sdk/#traceidratiobased
 * @example
 * ```ts
 * const s = new ProbabilisticSampler(0.1);
 * s.shouldSample('GET /', undefined, '4bf92f3577b34da6a3ce929d0e0e4736'); // same answer every time
 * ```
 */
export class ProbabilisticSampler implements Sampler {
  /** Sampling probability in [0, 1]. */
  readonly rate: number;
  private readonly boundary: number;

  /**
   * @param rate - probability in [0, 1]; values outside are clamped, NaN counts as 0
   */
  constructor(rate: number) {
    this.rate = Number.isNaN(rate) ? 0 : Math.min(1, Math.max(0, rate));
    this.boundary = this.rate * TWO_POW_63;
  }

  /**
   * Deterministic on the trace id as Jaeger clients: the low 64 bits of the id (63 of them, as a
   * positive number) are compared with `rate × 2^63`, so every service sampling at the same rate
   * makes the same decision for a trace. An id that is not hex falls back to `Math.random()`. Never throws.
   *
   * @returns true when the trace id falls below the sampling boundary (see class doc).
   * @example
   * ```ts
   * new ProbabilisticSampler(0.5).shouldSample('GET /', undefined, '00000000000000000000000000000001'); // true
   * ```
   */
  shouldSample(_operationName: string, _parent: SpanContext | undefined, traceId: string): boolean {
    if (this.rate >= 1) return true;
    if (this.rate <= 0) return false;
    const low = typeof traceId === 'string' ? traceId.slice(-16) : '';
    // Number('0x…') is NaN for any non-hex character (unlike parseInt, which stops early)
    const hi = Number(`0x${low.slice(0, 8)}`);
    const lo = Number(`0x${low.slice(8)}`);
    if (low.length !== 16 || Number.isNaN(hi) || Number.isNaN(lo)) return Math.random() < this.rate;
    return (hi & 0x7fffffff) * TWO_POW_32 + lo < this.boundary;
  }

  /**
   * Description for logs, e.g. `ProbabilisticSampler{0.1}`.
   *
   * @example
   * ```ts
   * String(new ProbabilisticSampler(0.1)); // 'ProbabilisticSampler{0.1}'
   * ```
   */
  toString(): string {
    return `ProbabilisticSampler{${this.rate}}`;
  }
}
