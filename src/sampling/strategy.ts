/**
 * Parsing of Jaeger sampling strategies, as served by the agent (`GET :5778/sampling?service=`)
 * and the collector (`/api/sampling`), in both the legacy Thrift-JSON form
 * (`"strategyType": 0 | 1`) and the proto-JSON form (`"strategyType": "PROBABILISTIC" |
 * "RATE_LIMITING"`, zero values omitted). snake_case field names are accepted too.
 *
 * @see https://github.com/jaegertracing/jaeger-idl/blob/main/proto/api_v2/sampling.proto
 * @packageDocumentation
 */

/**
 * Per-operation strategy (Jaeger `OperationSamplingStrategy`s under a default).
 *
 * @example
 * ```ts
 * const s: PerOperationStrategy = { kind: 'perOperation', defaultSamplingProbability: 0.01, defaultLowerBoundTracesPerSecond: 0, operations: { 'GET /': 1 } };
 * ```
 */
export interface PerOperationStrategy {
  /** Discriminant: Jaeger's `operationSampling` strategy. */
  kind: 'perOperation';
  /** Probability for operations not listed, in [0, 1]. */
  defaultSamplingProbability: number;
  /** Guaranteed traces per second per operation (lower bound), ≥ 0. */
  defaultLowerBoundTracesPerSecond: number;
  /** Operation name → probability in [0, 1]. */
  operations: Record<string, number>;
}

/**
 * A normalised Jaeger sampling strategy.
 *
 * @example
 * ```ts
 * const s: SamplingStrategy = { kind: 'ratelimiting', maxTracesPerSecond: 5 };
 * ```
 */
export type SamplingStrategy =
  | { kind: 'probabilistic'; samplingRate: number }
  | { kind: 'ratelimiting'; maxTracesPerSecond: number }
  | PerOperationStrategy;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function field(o: Obj, camel: string): unknown {
  if (o[camel] !== undefined) return o[camel];
  return o[camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
}

function rate(v: unknown): number | undefined {
  const n = v === undefined ? 0 : v; // proto-JSON omits zero values
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= 1 ? n : undefined;
}

function nonNegative(v: unknown): number | undefined {
  const n = v === undefined ? 0 : v;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * Turns a parsed strategy response into a {@link SamplingStrategy}, or `undefined` when it
 * is not a valid strategy (wrong shape, rates outside [0, 1], negative limits). Never throws.
 *
 * @example
 * ```ts
 * parseStrategy({ strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 0.5 } });
 * // → { kind: 'probabilistic', samplingRate: 0.5 }
 * ```
 */
export function parseStrategy(json: unknown): SamplingStrategy | undefined {
  if (!isObj(json)) return undefined;
  const ops = field(json, 'operationSampling');
  if (ops !== undefined && ops !== null) {
    if (!isObj(ops)) return undefined;
    const def = rate(field(ops, 'defaultSamplingProbability'));
    const lower = nonNegative(field(ops, 'defaultLowerBoundTracesPerSecond'));
    if (def === undefined || lower === undefined) return undefined;
    const list = field(ops, 'perOperationStrategies') ?? [];
    if (!Array.isArray(list)) return undefined;
    const operations: Record<string, number> = Object.create(null) as Record<string, number>;
    for (const entry of list) {
      if (!isObj(entry) || typeof entry.operation !== 'string') return undefined;
      const ps = field(entry, 'probabilisticSampling');
      if (!isObj(ps)) return undefined;
      const r = rate(field(ps, 'samplingRate'));
      if (r === undefined) return undefined;
      operations[entry.operation] = r;
    }
    return { kind: 'perOperation', defaultSamplingProbability: def, defaultLowerBoundTracesPerSecond: lower, operations };
  }
  const type = field(json, 'strategyType');
  const prob = field(json, 'probabilisticSampling');
  const rl = field(json, 'rateLimitingSampling');
  const isRl = type === 1 || type === 'RATE_LIMITING';
  const isProb = type === 0 || type === 'PROBABILISTIC';
  if (type !== undefined && !isRl && !isProb) return undefined;
  if (isRl || (type === undefined && isObj(rl) && !isObj(prob))) {
    if (!isObj(rl)) return undefined;
    const m = nonNegative(field(rl, 'maxTracesPerSecond'));
    return m === undefined ? undefined : { kind: 'ratelimiting', maxTracesPerSecond: m };
  }
  if (!isObj(prob)) return undefined;
  const r = rate(field(prob, 'samplingRate'));
  return r === undefined ? undefined : { kind: 'probabilistic', samplingRate: r };
}
