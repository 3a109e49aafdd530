import type { TracerConfig } from '../../../src/config/TracerConfig';
import { ConfigError } from '../../../src/config/ConfigError';
import { resolveConfig } from '../../../src/config/resolveConfig';
import { registerBackend } from '../../../src/export/BackendRegistry';
import { configError } from './helpers';

const stub = () => ({ exporter: { export: async () => {}, forceFlush: async () => {}, shutdown: async () => {} } });
beforeAll(() => {
  for (const name of ['memory', 'console', 'noop']) registerBackend(name, stub);
  registerBackend('jaeger', () => stub, true); // lazy, like adapters/index.ts
});

const bad = (extra: Record<string, unknown>): (() => unknown) => () => resolveConfig({ serviceName: 'svc', ...extra } as TracerConfig);

describe('resolveConfig', () => {
  it('fills every default', () => {
    const c = resolveConfig({ serviceName: 'orders' });
    expect(c.backend).toBe('noop');
    expect(c.reporter).toEqual({ queueSize: 2048, flushInterval: 1000, maxBatchSize: 512, timeout: 10000, maxRetries: 3, logSpans: false });
    expect(c.limits).toEqual({ maxAttributes: 128, maxAttributeValueLength: 4096, maxEvents: 128, maxBaggageItems: 64, maxBaggageBytes: 8192 });
    expect(c.recordCaller).toBe(true);
    expect(c.disabled).toBe(false);
    expect(c.tags).toEqual({});
    expect(c.serviceInstance).toMatch(new RegExp(`^${process.pid}@`));
    expect(c.sampler).toBeUndefined();
    expect(c.propagation).toBeUndefined();
  });

  it('keeps given values, normalises names, and does not mutate the input', () => {
    const input: TracerConfig = {
      serviceName: ' orders ',
      backend: 'JAEGER',
      endpoint: 'udp://127.0.0.1:6832',
      sampler: { type: 'probabilistic', param: 0.25 },
      propagation: ['W3C', 'jaeger', 'w3c'] as never,
      reporter: { queueSize: 10, password: 'p', headers: { 'x-api-key': 'k' } },
      limits: { maxEvents: 5 },
      tags: { region: 'eu' },
      recordCaller: false,
      ignorePaths: ['/healthz', /^\/metrics/],
      redact: ['X-Secret'],
    };
    const copy = JSON.stringify(input);
    const c = resolveConfig(input);
    expect(JSON.stringify(input)).toBe(copy);
    expect(c.serviceName).toBe('orders');
    expect(c.backend).toBe('jaeger');
    expect(c.propagation).toEqual({ inject: ['w3c', 'jaeger'], extract: ['w3c', 'jaeger'] });
    expect(c.reporter.queueSize).toBe(10);
    expect(c.reporter.flushInterval).toBe(1000);
    expect(c.reporter.headers).toEqual({ 'x-api-key': 'k' });
    expect(c.limits.maxEvents).toBe(5);
    expect(c.limits.maxAttributes).toBe(128);
    expect(c.recordCaller).toBe(false);
    expect(c.redact).toEqual(['x-secret']);
    expect(c.sampler).toEqual({ type: 'probabilistic', param: 0.25 });
  });

  it.each(['http://h:14268/api/traces', 'https://h/api', 'udp://h:6832', 'grpc://h:4317', 'grpcs://h:4317', 'h:9411', '[::1]:4317', '10.0.0.1:11800'])(
    'accepts endpoint %s',
    (endpoint) => {
      expect(resolveConfig({ serviceName: 's', endpoint }).endpoint).toBe(endpoint);
    },
  );

  it.each<[string, Record<string, unknown>, string]>([
    ['missing serviceName', { serviceName: undefined }, 'serviceName'],
    ['empty serviceName', { serviceName: '  ' }, 'serviceName'],
    ['numeric serviceName', { serviceName: 42 }, 'serviceName'],
    ['serviceName with CR/LF', { serviceName: 'a\r\nb' }, 'serviceName'],
    ['unknown backend', { backend: 'jeager' }, 'backend'],
    ['backend not a string', { backend: 3 }, 'backend'],
    ['endpoint without port', { endpoint: 'collector' }, 'endpoint'],
    ['endpoint with ftp scheme', { endpoint: 'ftp://h:21' }, 'endpoint'],
    ['endpoint port out of range', { endpoint: 'h:70000' }, 'endpoint'],
    ['endpoint bad url', { endpoint: 'http://' }, 'endpoint'],
    ['agentHost with a port', { agentHost: 'h:6831' }, 'agentHost'],
    ['sampler param out of range', { sampler: { type: 'probabilistic', param: 2 } }, 'sampler.param'],
    ['sampler const 0.5', { sampler: { type: 'const', param: 0.5 } }, 'sampler.param'],
    ['sampler ratelimiting negative', { sampler: { type: 'ratelimiting', param: -3 } }, 'sampler.param'],
    ['sampler param as string', { sampler: { type: 'probabilistic', param: '0.5' } }, 'sampler.param'],
    ['sampler unknown type', { sampler: { type: 'sometimes' } }, 'sampler.type'],
    ['sampler typo key', { sampler: { type: 'const', parma: 1 } }, 'sampler.parma'],
    ['sampler as number', { sampler: 0.5 }, 'sampler'],
    ['propagation unknown', { propagation: ['w3c', 'xray'] }, 'propagation[1]'],
    ['propagation as string', { propagation: 'w3c' }, 'propagation'],
    ['propagation object missing extract', { propagation: { inject: ['w3c'] } }, 'propagation.extract'],
    ['queueSize 0', { reporter: { queueSize: 0 } }, 'reporter.queueSize'],
    ['queueSize fractional', { reporter: { queueSize: 1.5 } }, 'reporter.queueSize'],
    ['queueSize string', { reporter: { queueSize: '100' } }, 'reporter.queueSize'],
    ['flushInterval negative', { reporter: { flushInterval: -1 } }, 'reporter.flushInterval'],
    ['flushInterval Infinity', { reporter: { flushInterval: Infinity } }, 'reporter.flushInterval'],
    ['timeout 0', { reporter: { timeout: 0 } }, 'reporter.timeout'],
    ['maxBatchSize -1', { reporter: { maxBatchSize: -1 } }, 'reporter.maxBatchSize'],
    ['maxRetries -1', { reporter: { maxRetries: -1 } }, 'reporter.maxRetries'],
    ['logSpans "false"', { reporter: { logSpans: 'false' } }, 'reporter.logSpans'],
    ['reporter typo', { reporter: { queueSzie: 10 } }, 'reporter.queueSzie'],
    ['reporter not an object', { reporter: 5 }, 'reporter'],
    ['bad header name', { reporter: { headers: { 'bad header': 'v' } } }, 'reporter.headers.bad header'],
    ['tls typo', { reporter: { tls: { rejectUnauthorised: false } } }, 'reporter.tls.rejectUnauthorised'],
    ['limits negative', { limits: { maxEvents: -1 } }, 'limits.maxEvents'],
    ['limits typo', { limits: { maxAtributes: 3 } }, 'limits.maxAtributes'],
    ['tags non-string', { tags: { a: 1 } }, 'tags.a'],
    ['tags array', { tags: ['a'] }, 'tags'],
    ['recordCaller string', { recordCaller: 'yes' }, 'recordCaller'],
    ['disabled number', { disabled: 1 }, 'disabled'],
    ['ignorePaths not a list', { ignorePaths: '/healthz' }, 'ignorePaths'],
    ['ignorePaths item', { ignorePaths: ['/a', 3] }, 'ignorePaths[1]'],
    ['redact empty', { redact: [''] }, 'redact[0]'],
    ['logger without methods', { logger: { info() {} } }, 'logger'],
    ['top-level typo', { servceName: 'x' }, 'servceName'],
    ['top-level typo 2', { sampeler: { type: 'const' } }, 'sampeler'],
  ])('%s → ConfigError naming %s', (_name, extra, key) => {
    const e = configError(bad(extra));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ConfigError');
    expect(e.key).toBe(key);
    expect(e.message.startsWith(`${key}: `)).toBe(true);
  });

  it('a typo gets a "did you mean" hint', () => {
    expect(configError(bad({ servceName: 'x' })).message).toContain('did you mean "serviceName"');
    expect(configError(bad({ reporter: { flushIntreval: 5 } })).message).toContain('did you mean "flushInterval"');
  });

  it('an unregistered backend lists the registered names', () => {
    const e = configError(bad({ backend: 'jeager' }));
    expect(e.message).toContain('console, jaeger, memory, noop');
    expect(e.message).toContain('did you mean "jaeger"');
    const z = configError(bad({ backend: 'zipkin' }));
    expect(z.message).toContain("import 'traceandtrace/adapters'");
  });

  it('an unregistered backend is not loaded just to validate (lazy adapters stay lazy)', () => {
    let loaded = false;
    registerBackend('lazyone', () => ((loaded = true), stub), true);
    expect(resolveConfig({ serviceName: 's', backend: 'LazyOne' }).backend).toBe('lazyone');
    expect(loaded).toBe(false);
  });

  it.each<[string, Record<string, unknown>]>([
    ['password', { reporter: { password: { value: 'hunter2-secret' } } }],
    ['password CR/LF', { reporter: { password: 'hunter2-secret\r\n' } }],
    ['token', { reporter: { token: ['hunter2-secret'] } }],
    ['user', { reporter: { user: 12345678 } }],
    ['header value', { reporter: { headers: { authorization: 'Bearer hunter2-secret\n' } } }],
    ['header value type', { reporter: { headers: { authorization: { v: 'hunter2-secret' } } } }],
    ['endpoint credentials', { endpoint: 'ftp://bob:hunter2-secret@h:21' }],
    ['endpoint credentials 2', { endpoint: 'http://bob:hunter2-secret@:99999' }],
  ])('never puts a secret in the message (%s)', (_name, extra) => {
    const e = configError(bad(extra));
    expect(e.message).not.toContain('hunter2');
    expect(e.message).not.toContain('12345678');
    expect(String(e.stack)).not.toContain('hunter2');
  });

  it('takes agentHost from a udp:// endpoint unless given (the remote sampler polls the agent)', () => {
    expect(resolveConfig({ serviceName: 's', endpoint: 'udp://jaeger-agent:6832' }).agentHost).toBe('jaeger-agent');
    expect(resolveConfig({ serviceName: 's', endpoint: 'udp://jaeger-agent:6832', agentHost: 'other' }).agentHost).toBe('other');
    expect(resolveConfig({ serviceName: 's', endpoint: 'http://c:14268/api/traces' }).agentHost).toBeUndefined();
  });

  it('accepts a Sampler instance and a sampling function as sampler', () => {
    const fn = (op: string): boolean => op !== 'x';
    expect(resolveConfig({ serviceName: 's', sampler: fn }).sampler).toBe(fn);
    const inst = { shouldSample: () => true, toString: () => 'S' };
    expect(resolveConfig({ serviceName: 's', sampler: inst }).sampler).toBe(inst);
  });
});
