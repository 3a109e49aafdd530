import { parseStrategy } from '../../../src/sampling/strategy';

describe('parseStrategy', () => {
  it('reads the agent\'s Thrift-JSON form', () => {
    expect(parseStrategy({ strategyType: 0, probabilisticSampling: { samplingRate: 0.25 } })).toEqual({ kind: 'probabilistic', samplingRate: 0.25 });
    expect(parseStrategy({ strategyType: 1, rateLimitingSampling: { maxTracesPerSecond: 7 } })).toEqual({ kind: 'ratelimiting', maxTracesPerSecond: 7 });
  });

  it('reads the proto-JSON form (string enum, omitted zero values, snake_case)', () => {
    expect(parseStrategy({ strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 0.5 } })).toEqual({ kind: 'probabilistic', samplingRate: 0.5 });
    expect(parseStrategy({ strategyType: 'RATE_LIMITING', rateLimitingSampling: { maxTracesPerSecond: 3 } })).toEqual({ kind: 'ratelimiting', maxTracesPerSecond: 3 });
    expect(parseStrategy({ probabilisticSampling: {} })).toEqual({ kind: 'probabilistic', samplingRate: 0 });
    expect(parseStrategy({ strategy_type: 'RATE_LIMITING', rate_limiting_sampling: { max_traces_per_second: 2 } })).toEqual({ kind: 'ratelimiting', maxTracesPerSecond: 2 });
  });

  it('prefers operationSampling and reads per-operation rates', () => {
    const s = parseStrategy({
      strategyType: 0,
      probabilisticSampling: { samplingRate: 1 },
      operationSampling: {
        defaultSamplingProbability: 0.01,
        defaultLowerBoundTracesPerSecond: 0.5,
        perOperationStrategies: [
          { operation: 'GET /checkout', probabilisticSampling: { samplingRate: 1 } },
          { operation: 'GET /health', probabilisticSampling: {} },
        ],
      },
    });
    expect(s).toEqual({
      kind: 'perOperation',
      defaultSamplingProbability: 0.01,
      defaultLowerBoundTracesPerSecond: 0.5,
      operations: { 'GET /checkout': 1, 'GET /health': 0 },
    });
  });

  it.each([
    ['null', null],
    ['a string', 'probabilistic'],
    ['an array', []],
    ['no strategy', {}],
    ['rate > 1', { strategyType: 0, probabilisticSampling: { samplingRate: 1.5 } }],
    ['negative rate', { probabilisticSampling: { samplingRate: -0.1 } }],
    ['rate as string', { probabilisticSampling: { samplingRate: '0.5' } }],
    ['unknown type', { strategyType: 'MAGIC', probabilisticSampling: { samplingRate: 0.5 } }],
    ['rate limiting without its object', { strategyType: 1, probabilisticSampling: { samplingRate: 0.5 } }],
    ['negative limit', { strategyType: 1, rateLimitingSampling: { maxTracesPerSecond: -1 } }],
    ['bad per-op list', { operationSampling: { defaultSamplingProbability: 0.1, perOperationStrategies: {} } }],
    ['bad per-op entry', { operationSampling: { defaultSamplingProbability: 0.1, perOperationStrategies: [{ operation: 1 }] } }],
    ['bad per-op rate', { operationSampling: { defaultSamplingProbability: 0.1, perOperationStrategies: [{ operation: 'a', probabilisticSampling: { samplingRate: 2 } }] } }],
    ['bad default', { operationSampling: { defaultSamplingProbability: 'x' } }],
  ])('rejects %s', (_name, json) => {
    expect(parseStrategy(json)).toBeUndefined();
  });
});
