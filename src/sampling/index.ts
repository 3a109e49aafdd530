/**
 * Samplers: const, probabilistic, rate limiting, parent-based, custom function and Jaeger
 * remote sampling, plus {@link createSampler} which builds them from config.
 *
 * @packageDocumentation
 */
export { ConstSampler } from './ConstSampler';
export { ProbabilisticSampler } from './ProbabilisticSampler';
export { RateLimiter } from './RateLimiter';
export { RateLimitingSampler } from './RateLimitingSampler';
export { ParentBasedSampler } from './ParentBasedSampler';
export { FunctionSampler, type SamplingFunction } from './FunctionSampler';
export { PerOperationSampler } from './PerOperationSampler';
export { RemoteSampler, type RemoteSamplerOptions } from './RemoteSampler';
export { parseStrategy, type SamplingStrategy, type PerOperationStrategy } from './strategy';
export { createSampler, type CreateSamplerOptions } from './createSampler';
