import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromYaml, loadYamlConfigFile } from '../../../src/config/yaml';
import { configError } from './helpers';

const GO_ZERO_EXAMPLE = `
Name: user-api
Host: 0.0.0.0
Port: 8888
Log:
  Mode: console
Telemetry:
  Name: user-api
  Endpoint: http://jaeger:14268/api/traces
  Sampler: 1.0
  Batcher: jaeger
`;

describe('configFromYaml', () => {
  it('parses go-zero\'s Telemetry example, ignoring the rest of the service file', () => {
    expect(configFromYaml(GO_ZERO_EXAMPLE)).toEqual({
      serviceName: 'user-api',
      endpoint: 'http://jaeger:14268/api/traces',
      sampler: { type: 'probabilistic', param: 1 },
      backend: 'jaeger',
    });
  });

  it('accepts camelCase keys and our extra keys in the same block', () => {
    const c = configFromYaml(`
telemetry:
  name: orders
  batcher: Zipkin
  endpoint: http://zipkin:9411/api/v2/spans
  sampler: { type: ratelimiting, param: 5 }
  disabled: false
  serviceInstance: orders-1
  agentHost: 10.0.0.7
  propagation: w3c, b3multi
  recordCaller: false
  ignorePaths: [/healthz, /metrics]
  redact: [X-Api-Key]
  tags: { region: eu-1, build: 42 }
  limits: { maxAttributes: 64 }
  reporter:
    queueSize: 4096
    flushInterval: 500
    maxBatchSize: 100
    timeout: 2000
    maxRetries: 1
    logSpans: true
    headers: { x-tenant: t1 }
    user: u
    password: p
    token: t
    tls: { rejectUnauthorized: false }
`);
    expect(c).toEqual({
      serviceName: 'orders',
      backend: 'zipkin',
      endpoint: 'http://zipkin:9411/api/v2/spans',
      sampler: { type: 'ratelimiting', param: 5 },
      disabled: false,
      serviceInstance: 'orders-1',
      agentHost: '10.0.0.7',
      propagation: { inject: ['w3c', 'b3multi'], extract: ['w3c', 'b3multi'] },
      recordCaller: false,
      ignorePaths: ['/healthz', '/metrics'],
      redact: ['x-api-key'],
      tags: { region: 'eu-1', build: '42' },
      limits: { maxAttributes: 64 },
      reporter: {
        queueSize: 4096, flushInterval: 500, maxBatchSize: 100, timeout: 2000, maxRetries: 1, logSpans: true,
        headers: { 'x-tenant': 't1' }, user: 'u', password: 'p', token: 't', tls: { rejectUnauthorized: false },
      },
    });
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['otlpgrpc, host:port', 'Batcher: otlpgrpc\n  Endpoint: collector:4317', { backend: 'otlp', endpoint: 'grpc://collector:4317' }],
    ['otlpgrpc, http URL', 'Batcher: otlpgrpc\n  Endpoint: http://collector:4317', { backend: 'otlp', endpoint: 'grpc://collector:4317' }],
    ['otlphttp, host:port', 'Batcher: otlphttp\n  Endpoint: collector:4318', { backend: 'otlp', endpoint: 'http://collector:4318/v1/traces' }],
    ['otlphttp, path + secure', 'Batcher: otlphttp\n  Endpoint: collector:4318\n  OtlpHttpPath: /api/v1/otlp\n  OtlpHttpSecure: true', { backend: 'otlp', endpoint: 'https://collector:4318/api/v1/otlp' }],
    ['otlphttp, URL + path', 'Batcher: otlphttp\n  Endpoint: http://collector:4318\n  OtlpHttpPath: /x/traces', { backend: 'otlp', endpoint: 'http://collector:4318/x/traces' }],
    ['jaeger agent', 'Batcher: jaeger\n  Endpoint: udp://agent:6831', { backend: 'jaeger', endpoint: 'udp://agent:6831' }],
    ['no Batcher: go-zero default jaeger', 'Endpoint: http://j:14268/api/traces', { backend: 'jaeger', endpoint: 'http://j:14268/api/traces' }],
    ['skywalking', 'Batcher: skywalking\n  Endpoint: oap:11800', { backend: 'skywalking', endpoint: 'oap:11800' }],
    ['console', 'Batcher: console', { backend: 'console' }],
  ])('Batcher mapping: %s', (_name, body, expected) => {
    expect(configFromYaml(`Telemetry:\n  ${body}\n`)).toEqual(expected);
  });

  it('OtlpHeaders become reporter headers', () => {
    expect(configFromYaml('Telemetry:\n  Batcher: otlphttp\n  Endpoint: c:4318\n  OtlpHeaders:\n    uptrace-dsn: abc\n').reporter).toEqual({ headers: { 'uptrace-dsn': 'abc' } });
  });

  it.each<[string, string, string, number]>([
    ['Sampler above 1', 'Telemetry:\n  Name: a\n  Sampler: 1.5\n', 'Telemetry.Sampler', 3],
    ['Sampler as text', 'Telemetry:\n  Name: a\n  Sampler: half\n', 'Telemetry.Sampler', 3],
    ['Sampler map bad param', 'Telemetry:\n  Sampler:\n    Type: probabilistic\n    Param: 4\n', 'Telemetry.Sampler.Param', 4],
    ['Sampler map typo', 'Telemetry:\n  Sampler:\n    Type: const\n    Parm: 1\n', 'Telemetry.Sampler.Parm', 4],
    ['Sampler map unknown type', 'Telemetry:\n  Sampler:\n    Type: often\n', 'Telemetry.Sampler.Type', 3],
    ['unknown Batcher', 'Telemetry:\n  Name: a\n  Batcher: jeager\n', 'Telemetry.Batcher', 3],
    ['file Batcher', 'Telemetry:\n  Batcher: file\n', 'Telemetry.Batcher', 2],
    ['bad Endpoint', 'Telemetry:\n  Name: a\n\n  Endpoint: just-a-host\n', 'Telemetry.Endpoint', 4],
    ['Disabled as string', 'Telemetry:\n  Disabled: "yes"\n', 'Telemetry.Disabled', 2],
    ['Name empty', 'Telemetry:\n  Name: ""\n', 'Telemetry.Name', 2],
    ['typo key', 'Telemetry:\n  Name: a\n  Endpont: http://h:1/x\n', 'Telemetry.Endpont', 3],
    ['Reporter typo', 'Telemetry:\n  Reporter:\n    QueueSzie: 10\n', 'Telemetry.Reporter.QueueSzie', 3],
    ['Reporter bad value', 'Telemetry:\n  Reporter:\n    QueueSize: -1\n', 'Telemetry.Reporter.QueueSize', 3],
    ['Reporter not a map', 'Telemetry:\n  Reporter: 5\n', 'Telemetry.Reporter', 2],
    ['Propagation unknown', 'Telemetry:\n  Propagation:\n    - w3c\n    - xray\n', 'Telemetry.Propagation[1]', 4],
    ['Limits typo', 'Telemetry:\n  Limits:\n    MaxEvent: 1\n', 'Telemetry.Limits.MaxEvent', 3],
    ['OtlpHttpPath without slash', 'Telemetry:\n  OtlpHttpPath: v1/traces\n', 'Telemetry.OtlpHttpPath', 2],
    ['Telemetry not a map', 'Telemetry: 5\n', 'Telemetry', 1],
  ])('%s → ConfigError naming %s at its line', (_name, text, key, line) => {
    const e = configError(() => configFromYaml(text, 'app.yaml'));
    expect(e.key).toBe(key);
    expect(e.source).toBe(`app.yaml:${line}`);
    expect(e.message).toContain(`app.yaml:${line}: ${key}:`);
  });

  it('typos get a "did you mean" hint', () => {
    expect(configError(() => configFromYaml('Telemetry:\n  Endpont: x:1\n')).message).toContain('did you mean "Endpoint"');
  });

  it('a YAML syntax error names the key on the failing line and the line', () => {
    const e = configError(() => configFromYaml('Telemetry:\n  Name: a\n  Endpoint: [unclosed\n  Sampler: 1\n', 'svc.yaml'));
    expect(e.message).toMatch(/YAML syntax error/);
    expect(e.source).toMatch(/^svc\.yaml:\d+$/);
    const dup = configError(() => configFromYaml('Telemetry:\n  Name: a\n  Name: b\n', 'svc.yaml'));
    expect(dup.source).toBe('svc.yaml:3');
    expect(dup.key).toBe('Name');
  });

  it('no Telemetry block, or not a mapping at all, is an error', () => {
    expect(configError(() => configFromYaml('Name: svc\nPort: 8080\n')).key).toBe('Telemetry');
    expect(configError(() => configFromYaml('- a\n- b\n')).key).toBe('Telemetry');
    expect(configError(() => configFromYaml('')).key).toBe('Telemetry');
  });

  it.each<[string, string]>([
    ['password as a list', 'Telemetry:\n  Reporter:\n    Password: [hunter2]\n'],
    ['token as a map', 'Telemetry:\n  Reporter:\n    Token: { t: hunter2 }\n'],
    ['header value as a list', 'Telemetry:\n  OtlpHeaders:\n    authorization: [Bearer hunter2]\n'],
    ['custom header value as a map', 'Telemetry:\n  OtlpHeaders:\n    x-api-key: { k: hunter2 }\n'],
    ['reporter header value with CR/LF', 'Telemetry:\n  Reporter:\n    Headers:\n      x-api-key: "hunter2\\r\\nx: 1"\n'],
    ['endpoint with credentials', 'Telemetry:\n  Endpoint: ftp://bob:hunter2@h:21\n'],
  ])('never shows a secret value (%s)', (_name, text) => {
    const e = configError(() => configFromYaml(text));
    expect(e.message).not.toContain('hunter2');
  });
});

describe('loadYamlConfigFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tat-yaml-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file; errors carry its base name', () => {
    const f = join(dir, 'orders.yaml');
    writeFileSync(f, GO_ZERO_EXAMPLE);
    expect(loadYamlConfigFile(f).serviceName).toBe('user-api');
    writeFileSync(f, 'Telemetry:\n  Sampler: 9\n');
    expect(configError(() => loadYamlConfigFile(f)).message).toContain('orders.yaml:2: Telemetry.Sampler');
  });

  it('a missing file is a ConfigError naming TRACE_CONFIG', () => {
    const e = configError(() => loadYamlConfigFile(join(dir, 'missing.yaml')));
    expect(e.key).toBe('TRACE_CONFIG');
    expect(e.message).toContain('ENOENT');
  });
});
