/**
 * Bad configuration fails at configuration time, naming itself: for every backend, each wrong
 * key, type or value below makes `createTracer()` throw a `ConfigError` whose `key` is exactly
 * the offending path — never a later runtime failure, never a silently ignored setting. (The
 * config engineer's tests cover the parsers in depth; this is the sweep across backends.)
 */
import { ConfigError, createTracer, type TracerConfig } from '../../src';
import { BACKENDS, backendName, endpointFor } from './backends';

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** [expected key, config fragment] — each fragment wrong in exactly one place. */
const BAD: Array<[string, Record<string, unknown>]> = [
  ['serviceName', { serviceName: '' }],
  ['serviceName', { serviceName: 42 }],
  ['endpoint', { endpoint: 'ftp://127.0.0.1:21' }],
  ['endpoint', { endpoint: '127.0.0.1:70000' }],
  ['sampler.type', { sampler: { type: 'sometimes' } }],
  ['sampler.param', { sampler: { type: 'probabilistic', param: 1.5 } }],
  ['sampler.param', { sampler: { type: 'ratelimiting', param: 'ten' } }],
  ['propagation[0]', { propagation: ['smoke-signals'] }],
  ['reporter.queueSize', { reporter: { queueSize: 0 } }],
  ['reporter.queueSize', { reporter: { queueSize: 1.5 } }],
  ['reporter.flushInterval', { reporter: { flushInterval: -1 } }],
  ['reporter.maxBatchSize', { reporter: { maxBatchSize: 'many' } }],
  ['reporter.timeout', { reporter: { timeout: 0 } }],
  ['reporter.maxRetries', { reporter: { maxRetries: -1 } }],
  ['reporter.logSpans', { reporter: { logSpans: 'yes' } }],
  ['reporter.flushEvery', { reporter: { flushEvery: 10 } }],
  ['limits.maxAttributes', { limits: { maxAttributes: -1 } }],
  ['limits.maxBaggageBytes', { limits: { maxBaggageBytes: 'lots' } }],
  ['redact', { redact: 'authorization' }],
  ['recordCaller', { recordCaller: 'no' }],
  ['disabled', { disabled: 1 }],
  ['samplr', { samplr: { type: 'const', param: 1 } }],
];

const cases = BACKENDS.flatMap((b) => BAD.map(([key, fragment]) => [b.label, key, fragment] as const));

describe.each(cases)('%s: bad %s', (label, key, fragment) => {
  it('throws a ConfigError naming that key, at createTracer()', () => {
    let thrown: unknown;
    try {
      const t = createTracer({ serviceName: 'cfg', backend: backendName(label), endpoint: endpointFor(label, 4000), logger: quiet, ...fragment } as unknown as TracerConfig);
      void t.shutdown(100);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const e = thrown as ConfigError;
    expect({ key: e.key, mentioned: e.message.includes(key) }).toEqual({ key, mentioned: true });
  });
});
