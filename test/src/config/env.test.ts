import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromEnv } from '../../../src/config/env';
import { mergeConfig } from '../../../src/config/mergeConfig';
import { resolveConfig } from '../../../src/config/resolveConfig';
import { registerBackend } from '../../../src/export/BackendRegistry';
import { configError } from './helpers';

beforeAll(() => {
  const stub = () => ({ exporter: { export: async () => {}, forceFlush: async () => {}, shutdown: async () => {} } });
  for (const name of ['memory', 'console', 'noop', 'jaeger', 'zipkin', 'otlp', 'skywalking']) registerBackend(name, stub);
});

describe('configFromEnv: TRACE_*', () => {
  it('reads every TRACE_* variable', () => {
    const c = configFromEnv({
      TRACE_TYPE: 'Jaeger',
      TRACE_ENDPOINT: 'udp://127.0.0.1:6832',
      TRACE_AGENT_HOST: 'agent',
      TRACE_SAMPLER_TYPE: 'Probabilistic',
      TRACE_SAMPLER_PARAM: '0.25',
      TRACE_REPORTER_LOG_SPANS: 'true',
      TRACE_SERVICE_NAME: 'orders',
      TRACE_PROPAGATION: 'w3c, B3 ,jaeger',
      TRACE_USER: 'u',
      TRACE_PASSWORD: 'p',
      TRACE_TOKEN: 't',
      TRACE_DISABLED: '0',
    });
    expect(c).toEqual({
      backend: 'jaeger',
      endpoint: 'udp://127.0.0.1:6832',
      agentHost: 'agent',
      sampler: { type: 'probabilistic', param: 0.25 },
      reporter: { logSpans: true, user: 'u', password: 'p', token: 't' },
      serviceName: 'orders',
      propagation: { inject: ['w3c', 'b3', 'jaeger'], extract: ['w3c', 'b3', 'jaeger'] },
      disabled: false,
    });
  });

  it('returns nothing for an empty environment and treats empty values as unset', () => {
    expect(configFromEnv({})).toEqual({});
    expect(configFromEnv({ TRACE_TYPE: '', TRACE_SERVICE_NAME: '   ' })).toEqual({});
  });

  it.each<[string, boolean]>([['false', false], ['FALSE', false], ['0', false], ['true', true], ['True', true], ['1', true]])(
    'TRACE_REPORTER_LOG_SPANS=%s is %p (strict, unlike jaeger-client)',
    (v, expected) => {
      expect(configFromEnv({ TRACE_REPORTER_LOG_SPANS: v }).reporter?.logSpans).toBe(expected);
    },
  );

  it.each<[Record<string, string>, string]>([
    [{ TRACE_REPORTER_LOG_SPANS: 'yes' }, 'TRACE_REPORTER_LOG_SPANS'],
    [{ TRACE_REPORTER_LOG_SPANS: 'off' }, 'TRACE_REPORTER_LOG_SPANS'],
    [{ TRACE_DISABLED: 'nope' }, 'TRACE_DISABLED'],
    [{ TRACE_TYPE: 'jeager' }, 'TRACE_TYPE'],
    [{ TRACE_ENDPOINT: 'not a url' }, 'TRACE_ENDPOINT'],
    [{ TRACE_ENDPOINT: 'ftp://h:21' }, 'TRACE_ENDPOINT'],
    [{ TRACE_AGENT_HOST: 'http://agent' }, 'TRACE_AGENT_HOST'],
    [{ TRACE_SAMPLER_TYPE: 'sometimes' }, 'TRACE_SAMPLER_TYPE'],
    [{ TRACE_SAMPLER_TYPE: 'probabilistic', TRACE_SAMPLER_PARAM: 'abc' }, 'TRACE_SAMPLER_PARAM'],
    [{ TRACE_SAMPLER_TYPE: 'probabilistic', TRACE_SAMPLER_PARAM: '0x10' }, 'TRACE_SAMPLER_PARAM'],
    [{ TRACE_SAMPLER_TYPE: 'probabilistic', TRACE_SAMPLER_PARAM: '1.5' }, 'TRACE_SAMPLER_PARAM'],
    [{ TRACE_SAMPLER_TYPE: 'probabilistic' }, 'TRACE_SAMPLER_PARAM'],
    [{ TRACE_SAMPLER_TYPE: 'const', TRACE_SAMPLER_PARAM: '0.3' }, 'TRACE_SAMPLER_PARAM'],
    [{ TRACE_SAMPLER_TYPE: 'ratelimiting', TRACE_SAMPLER_PARAM: '-2' }, 'TRACE_SAMPLER_PARAM'],
    [{ TRACE_SAMPLER_PARAM: '3' }, 'TRACE_SAMPLER_PARAM'],
    [{ TRACE_PROPAGATION: 'w3c,zipkin' }, 'TRACE_PROPAGATION'],
    [{ TRACE_PROPAGATION: 'w3c,,b3' }, 'TRACE_PROPAGATION'],
    [{ TRACE_SERVICE_NAME: 'a\u0001b' }, 'TRACE_SERVICE_NAME'],
    [{ TRACE_PASSWORD: 'hunter2\nX-Evil: 1' }, 'TRACE_PASSWORD'],
    [{ TRACE_CONFIG: '/nonexistent/dir/trace.yaml' }, 'TRACE_CONFIG'],
  ])('%j → ConfigError naming %s', (env, key) => {
    const e = configError(() => configFromEnv(env));
    expect(e.key).toBe(key);
    expect(e.message).toContain(key);
    expect(e.message).not.toContain('hunter2');
  });

  it('TRACE_SAMPLER_PARAM alone means probabilistic', () => {
    expect(configFromEnv({ TRACE_SAMPLER_PARAM: '0.1' }).sampler).toEqual({ type: 'probabilistic', param: 0.1 });
  });

  it('an unknown TRACE_TYPE suggests the right name', () => {
    expect(configError(() => configFromEnv({ TRACE_TYPE: 'zipkn' })).message).toContain('did you mean "zipkin"');
  });
});

describe('configFromEnv: JAEGER_* fallbacks', () => {
  const jaegerEnv = {
    JAEGER_SERVICE_NAME: 'jsvc',
    JAEGER_ENDPOINT: 'http://collector:14268/api/traces',
    JAEGER_AGENT_HOST: 'agent',
    JAEGER_AGENT_PORT: '6832',
    JAEGER_USER: 'ju',
    JAEGER_PASSWORD: 'jp',
    JAEGER_SAMPLER_TYPE: 'remote',
    JAEGER_SAMPLER_PARAM: '0.2',
    JAEGER_SAMPLER_MANAGER_HOST_PORT: 'agent:5778',
    JAEGER_SAMPLER_REFRESH_INTERVAL: '30000',
    JAEGER_REPORTER_LOG_SPANS: 'false',
    JAEGER_REPORTER_FLUSH_INTERVAL: '500',
    JAEGER_REPORTER_MAX_QUEUE_SIZE: '100',
    JAEGER_TAGS: 'region=eu-1, version=${APP_VERSION:dev}, host=${HOSTNAME_X}',
    JAEGER_DISABLED: 'false',
  };

  it('reads them (booleans strictly: "false" is false)', () => {
    const c = configFromEnv({ ...jaegerEnv, HOSTNAME_X: 'box1' });
    expect(c).toEqual({
      serviceName: 'jsvc',
      endpoint: 'http://collector:14268/api/traces',
      agentHost: 'agent',
      reporter: { user: 'ju', password: 'jp', logSpans: false, flushInterval: 500, queueSize: 100 },
      sampler: { type: 'remote', param: 0.2, samplingEndpoint: 'http://agent:5778/sampling', refreshInterval: 30000 },
      tags: { region: 'eu-1', version: 'dev', host: 'box1' },
      disabled: false,
    });
  });

  it('TRACE_* wins over JAEGER_*', () => {
    const c = configFromEnv({ ...jaegerEnv, TRACE_SERVICE_NAME: 'tsvc', TRACE_ENDPOINT: 'udp://a:6831', TRACE_REPORTER_LOG_SPANS: '1', TRACE_SAMPLER_TYPE: 'const', TRACE_SAMPLER_PARAM: '1', TRACE_USER: 'tu' });
    expect(c.serviceName).toBe('tsvc');
    expect(c.endpoint).toBe('udp://a:6831');
    expect(c.reporter?.logSpans).toBe(true);
    expect(c.reporter?.user).toBe('tu');
    expect(c.reporter?.password).toBe('jp');
    // a different sampler type at a higher level drops the lower level's fields
    expect(c.sampler).toEqual({ type: 'const', param: 1 });
  });

  it('JAEGER_AGENT_HOST/PORT give a UDP agent endpoint when no collector endpoint is set', () => {
    expect(configFromEnv({ JAEGER_AGENT_HOST: 'agent', JAEGER_AGENT_PORT: '6831' }).endpoint).toBe('udp://agent:6831');
    expect(configFromEnv({ JAEGER_AGENT_PORT: '6831' }).endpoint).toBe('udp://127.0.0.1:6831');
    expect(configFromEnv({ JAEGER_AGENT_HOST: 'agent' })).toEqual({ agentHost: 'agent' });
  });

  it('JAEGER_SAMPLER_PARAM fills in a TRACE_SAMPLER_TYPE of the same kind', () => {
    expect(configFromEnv({ TRACE_SAMPLER_TYPE: 'probabilistic', JAEGER_SAMPLER_PARAM: '0.5' }).sampler).toEqual({ type: 'probabilistic', param: 0.5 });
  });

  it.each<[Record<string, string>, string]>([
    [{ JAEGER_REPORTER_LOG_SPANS: 'nope' }, 'JAEGER_REPORTER_LOG_SPANS'],
    [{ JAEGER_DISABLED: 'yes' }, 'JAEGER_DISABLED'],
    [{ JAEGER_AGENT_PORT: 'abc' }, 'JAEGER_AGENT_PORT'],
    [{ JAEGER_AGENT_PORT: '70000' }, 'JAEGER_AGENT_PORT'],
    [{ JAEGER_REPORTER_FLUSH_INTERVAL: '1s' }, 'JAEGER_REPORTER_FLUSH_INTERVAL'],
    [{ JAEGER_REPORTER_FLUSH_INTERVAL: '0' }, 'JAEGER_REPORTER_FLUSH_INTERVAL'],
    [{ JAEGER_REPORTER_MAX_QUEUE_SIZE: '-5' }, 'JAEGER_REPORTER_MAX_QUEUE_SIZE'],
    [{ JAEGER_REPORTER_MAX_QUEUE_SIZE: '0' }, 'JAEGER_REPORTER_MAX_QUEUE_SIZE'],
    [{ JAEGER_SAMPLER_TYPE: 'lowerbound' }, 'JAEGER_SAMPLER_TYPE'],
    [{ JAEGER_SAMPLER_TYPE: 'probabilistic', JAEGER_SAMPLER_PARAM: '2' }, 'JAEGER_SAMPLER_PARAM'],
    [{ JAEGER_SAMPLER_TYPE: 'probabilistic' }, 'JAEGER_SAMPLER_PARAM'],
    [{ JAEGER_ENDPOINT: 'collector' }, 'JAEGER_ENDPOINT'],
    [{ JAEGER_SAMPLER_MANAGER_HOST_PORT: 'bad host:x' }, 'JAEGER_SAMPLER_MANAGER_HOST_PORT'],
    [{ JAEGER_TAGS: 'novalue' }, 'JAEGER_TAGS'],
    [{ JAEGER_PASSWORD: 'hunter2\r\nX: 1' }, 'JAEGER_PASSWORD'],
  ])('%j → ConfigError naming %s', (env, key) => {
    const e = configError(() => configFromEnv(env));
    expect(e.key).toBe(key);
    expect(e.message).not.toContain('hunter2');
  });
});

describe('configFromEnv: OTEL_* fallbacks', () => {
  it('reads service name, resource attributes, endpoint, headers, timeout, sampler, disabled', () => {
    const c = configFromEnv({
      TRACE_TYPE: 'otlp',
      OTEL_SERVICE_NAME: 'osvc',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=ignored,service.instance.id=i-1,deployment.environment=prod,team=a%2Cb',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=abc%3D%3D,x-tenant=t1',
      OTEL_EXPORTER_OTLP_TIMEOUT: '5000',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.05',
      OTEL_SDK_DISABLED: 'false',
    });
    expect(c).toEqual({
      backend: 'otlp',
      serviceName: 'osvc',
      serviceInstance: 'i-1',
      tags: { 'deployment.environment': 'prod', team: 'a,b' },
      endpoint: 'http://collector:4318/v1/traces',
      reporter: { headers: { 'api-key': 'abc==', 'x-tenant': 't1' }, timeout: 5000 },
      sampler: { type: 'probabilistic', param: 0.05 },
      disabled: false,
    });
  });

  it('service.name from OTEL_RESOURCE_ATTRIBUTES when OTEL_SERVICE_NAME is unset', () => {
    expect(configFromEnv({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs' }).serviceName).toBe('from-attrs');
  });

  it('signal-specific endpoint is used as is; grpc protocol gives grpc://', () => {
    expect(configFromEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:1' }).endpoint).toBe('http://c:4318/custom');
    expect(configFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).endpoint).toBe('grpc://c:4317');
    expect(configFromEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://c:4317', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' }).endpoint).toBe('grpcs://c:4317');
    expect(configFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/base/', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).endpoint).toBe('http://c:4318/base/v1/traces?protocol=http/json');
  });

  it.each<[string, string | undefined, unknown]>([
    ['always_on', undefined, { type: 'const', param: 1 }],
    ['always_off', undefined, { type: 'const', param: 0 }],
    ['traceidratio', '0.3', { type: 'probabilistic', param: 0.3 }],
    ['traceidratio', undefined, { type: 'probabilistic', param: 1 }],
    ['parentbased_always_on', undefined, { type: 'const', param: 1 }],
    ['parentbased_always_off', undefined, { type: 'const', param: 0 }],
    ['jaeger_remote', 'endpoint=http://agent:5778/sampling,pollingIntervalMs=5000,initialSamplingRate=0.25', { type: 'remote', param: 0.25, samplingEndpoint: 'http://agent:5778/sampling', refreshInterval: 5000 }],
  ])('OTEL_TRACES_SAMPLER=%s ARG=%s', (s, arg, expected) => {
    expect(configFromEnv({ OTEL_TRACES_SAMPLER: s, ...(arg ? { OTEL_TRACES_SAMPLER_ARG: arg } : {}) }).sampler).toEqual(expected);
  });

  it('OTEL_TRACES_EXPORTER and OTEL_PROPAGATORS', () => {
    expect(configFromEnv({ OTEL_TRACES_EXPORTER: 'none' }).backend).toBe('noop');
    expect(configFromEnv({ OTEL_TRACES_EXPORTER: 'zipkin' }).backend).toBe('zipkin');
    expect(configFromEnv({ OTEL_PROPAGATORS: 'tracecontext,baggage,b3multi' }).propagation).toEqual({ inject: ['w3c', 'b3multi'], extract: ['w3c', 'b3multi'] });
  });

  it.each<[Record<string, string>, string]>([
    [{ OTEL_SDK_DISABLED: 'yes' }, 'OTEL_SDK_DISABLED'],
    [{ OTEL_TRACES_SAMPLER: 'sometimes' }, 'OTEL_TRACES_SAMPLER'],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: 'half' }, 'OTEL_TRACES_SAMPLER_ARG'],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' }, 'OTEL_TRACES_SAMPLER_ARG'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'udp://c:1' }, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift' }, 'OTEL_EXPORTER_OTLP_PROTOCOL'],
    [{ OTEL_EXPORTER_OTLP_TIMEOUT: '10s' }, 'OTEL_EXPORTER_OTLP_TIMEOUT'],
    [{ OTEL_EXPORTER_OTLP_HEADERS: 'authorization' }, 'OTEL_EXPORTER_OTLP_HEADERS'],
    [{ OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20hunter2%0D%0Ax:1' }, 'OTEL_EXPORTER_OTLP_HEADERS'],
    [{ OTEL_EXPORTER_OTLP_HEADERS: 'bad key=hunter2' }, 'OTEL_EXPORTER_OTLP_HEADERS'],
    [{ OTEL_RESOURCE_ATTRIBUTES: 'a=%ZZ' }, 'OTEL_RESOURCE_ATTRIBUTES'],
    [{ OTEL_TRACES_EXPORTER: 'otlp,console' }, 'OTEL_TRACES_EXPORTER'],
    [{ OTEL_PROPAGATORS: 'xray' }, 'OTEL_PROPAGATORS'],
  ])('%j → ConfigError naming %s, no secret in the message', (env, key) => {
    const e = configError(() => configFromEnv(env));
    expect(e.key).toBe(key);
    expect(e.message).not.toContain('hunter2');
  });

  it('TRACE_* > JAEGER_* > OTEL_* for non-OTLP backends; OTEL_* first for otlp', () => {
    const env = { JAEGER_SERVICE_NAME: 'j', OTEL_SERVICE_NAME: 'o' };
    expect(configFromEnv(env).serviceName).toBe('j');
    expect(configFromEnv({ ...env, TRACE_TYPE: 'otlp' }).serviceName).toBe('o');
    expect(configFromEnv({ ...env, TRACE_SERVICE_NAME: 't', TRACE_TYPE: 'otlp' }).serviceName).toBe('t');
  });

  it('vendor endpoint variables apply only to their own backend', () => {
    const env = { JAEGER_ENDPOINT: 'http://j:14268/api/traces', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://o:4318' };
    expect(configFromEnv({ ...env, TRACE_TYPE: 'otlp' }).endpoint).toBe('http://o:4318/v1/traces');
    expect(configFromEnv({ ...env, TRACE_TYPE: 'jaeger' }).endpoint).toBe('http://j:14268/api/traces');
    expect(configFromEnv({ ...env, TRACE_TYPE: 'zipkin' }).endpoint).toBeUndefined();
    expect(configFromEnv(env, { backend: 'otlp' }).endpoint).toBe('http://o:4318/v1/traces');
    expect(configFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not-a-url' }, { backend: 'jaeger' }).endpoint).toBeUndefined();
  });
});

describe('configFromEnv: TRACE_CONFIG YAML file and precedence', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tat-env-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('object > TRACE_* > JAEGER_* > YAML > defaults', () => {
    const file = join(dir, 'trace.yaml');
    writeFileSync(
      file,
      ['Name: my-service', 'Telemetry:', '  Name: from-yaml', '  Endpoint: http://yaml:14268/api/traces', '  Sampler: 0.5', '  Batcher: jaeger', '  Reporter:', '    QueueSize: 77', '    FlushInterval: 250', ''].join('\n'),
    );
    const env = { TRACE_CONFIG: file, JAEGER_SERVICE_NAME: 'from-jaeger', TRACE_SAMPLER_PARAM: '0.1', JAEGER_REPORTER_FLUSH_INTERVAL: '600' };
    const fromEnv = configFromEnv(env);
    expect(fromEnv.serviceName).toBe('from-jaeger');
    expect(fromEnv.backend).toBe('jaeger');
    expect(fromEnv.endpoint).toBe('http://yaml:14268/api/traces');
    expect(fromEnv.sampler).toEqual({ type: 'probabilistic', param: 0.1 }); // env param over the YAML's probabilistic 0.5
    expect(fromEnv.reporter).toEqual({ queueSize: 77, flushInterval: 600 });

    const resolved = resolveConfig(mergeConfig(fromEnv, { serviceName: 'from-object', reporter: { queueSize: 5 } }) as never);
    expect(resolved.serviceName).toBe('from-object');
    expect(resolved.reporter.queueSize).toBe(5);
    expect(resolved.reporter.flushInterval).toBe(600);
    expect(resolved.reporter.timeout).toBe(10000);
  });

  it('an error inside the YAML file names the YAML key, the file and the line', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'Telemetry:\n  Name: x\n  Sampler: 3\n');
    const e = configError(() => configFromEnv({ TRACE_CONFIG: file }));
    expect(e.key).toBe('Telemetry.Sampler');
    expect(e.message).toContain('bad.yaml:3');
  });
});
