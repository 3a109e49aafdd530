import type { Logger, Sampler } from '../api/types';
import type { SamplerConfig, TracerConfig } from '../config/TracerConfig';
import { checkSampler, isSamplerInstance, pathKey } from '../config/validate';
import { ConstSampler } from './ConstSampler';
import { FunctionSampler, type SamplingFunction } from './FunctionSampler';
import { ParentBasedSampler } from './ParentBasedSampler';
import { ProbabilisticSampler } from './ProbabilisticSampler';
import { RateLimitingSampler } from './RateLimitingSampler';
import { RemoteSampler } from './RemoteSampler';

/**
 * What {@link createSampler} needs besides the sampler config.
 *
 * @example
 * ```ts
 * createSampler({ type: 'remote' }, { serviceName: 'orders', agentHost: 'agent', logger: console });
 * ```
 */
export interface CreateSamplerOptions {
  /** Service name (the remote sampler asks for this service's strategy). */
  serviceName: string;
  /** Jaeger agent host for the remote sampler's default endpoint (`http://<agentHost>:5778/sampling`). */
  agentHost?: string;
  /** Logger for custom-sampler failures and remote-sampler outages. */
  logger: Logger;
}

/**
 * Builds the {@link Sampler} a tracer consults for new traces and remote parents.
 *
 * | config                                   | sampler                                                      |
 * |------------------------------------------|--------------------------------------------------------------|
 * | `undefined`                              | ParentBased(Const(true))                                     |
 * | `{ type: 'const', param: 1 \| 0 }`        | ParentBased(Const(param === 1)); param defaults to 1        |
 * | `{ type: 'probabilistic', param: p }`    | ParentBased(Probabilistic(p))                                |
 * | `{ type: 'ratelimiting', param: n }`     | ParentBased(RateLimiting(n traces/s))                        |
 * | `{ type: 'remote', param?, samplingEndpoint?, refreshInterval? }` | ParentBased(Remote(initial probability param ?? 0.001)) |
 * | `{ type: 'parentbased', root? }`         | ParentBased(sampler built from root without its own wrapper; default Const(true)) |
 * | a `Sampler`                              | used as is                                                   |
 * | a function `(op, parent) => boolean`     | FunctionSampler (the function sees the parent and decides)   |
 *
 * So every built-in type honours an incoming remote parent's sampled flag (debug forces
 * sampling), as Jaeger does; custom samplers decide for themselves.
 *
 * @throws ConfigError (key `sampler...`) when the config is invalid — at configuration time only
 * @example
 * ```ts
 * const s = createSampler({ type: 'probabilistic', param: 0.1 }, { serviceName: 'orders', logger: console });
 * ```
 */
export function createSampler(config: TracerConfig['sampler'], opts: CreateSamplerOptions): Sampler {
  if (config === undefined) return new ParentBasedSampler(new ConstSampler(true));
  const checked = checkSampler(config, 'sampler', pathKey);
  if (typeof checked === 'function') return new FunctionSampler(checked as SamplingFunction, opts.logger);
  if (isSamplerInstance(checked)) return checked;
  return new ParentBasedSampler(buildRoot(checked as SamplerConfig, opts));
}

function buildRoot(c: SamplerConfig, opts: CreateSamplerOptions): Sampler {
  switch (c.type) {
    case 'const':
      return new ConstSampler((c.param ?? 1) === 1);
    case 'probabilistic':
      return new ProbabilisticSampler(c.param ?? 0.001);
    case 'ratelimiting':
      return new RateLimitingSampler(c.param ?? 0);
    case 'remote':
      return new RemoteSampler({
        serviceName: opts.serviceName,
        agentHost: opts.agentHost,
        samplingEndpoint: c.samplingEndpoint,
        refreshInterval: c.refreshInterval,
        param: c.param,
        logger: opts.logger,
      });
    case 'parentbased':
      // the outer wrapper already honours the parent, so a nested parentbased adds nothing
      return c.root ? buildRoot(c.root, opts) : new ConstSampler(true);
  }
}
