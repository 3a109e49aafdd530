import { ConfigError, describeValue, isSecretKey, redactUrlCredentials } from '../../../src/config/ConfigError';

describe('ConfigError', () => {
  it('carries the key and an optional source', () => {
    const e = new ConfigError('sampler.param', 'must be a number in [0, 1], got 2');
    expect(e.key).toBe('sampler.param');
    expect(e.message).toBe('sampler.param: must be a number in [0, 1], got 2');
    const f = new ConfigError('Telemetry.Sampler', 'bad', 'app.yaml:3');
    expect(f.message).toBe('app.yaml:3: Telemetry.Sampler: bad');
    expect(f.source).toBe('app.yaml:3');
  });

  it.each(['reporter.password', 'reporter.user', 'reporter.token', 'reporter.headers', 'reporter.headers.x-api-key', 'TRACE_PASSWORD', 'TRACE_TOKEN', 'TRACE_USER', 'JAEGER_USER', 'JAEGER_PASSWORD', 'OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS', 'Telemetry.OtlpHeaders', 'Telemetry.OtlpHeaders.x-api-key', 'Telemetry.Reporter.Headers.x-api-key', 'Telemetry.Reporter.Password'])(
    '%s is secret',
    (k) => {
      expect(isSecretKey(k)).toBe(true);
      expect(describeValue(k, 'hunter2')).toBe('<redacted>');
    },
  );

  it.each(['sampler.param', 'TRACE_SAMPLER_PARAM', 'endpoint', 'serviceName', 'TRACE_TYPE'])('%s is not secret', (k) => {
    expect(isSecretKey(k)).toBe(false);
    expect(describeValue(k, 'abc')).toBe('"abc"');
  });

  it('strips URL credentials and shortens long values', () => {
    expect(redactUrlCredentials('http://bob:pw@h:1/x and udp://a@b:2')).toBe('http://<redacted>@h:1/x and udp://<redacted>@b:2');
    expect(describeValue('endpoint', 'http://bob:pw@h:1')).toBe('"http://<redacted>@h:1"');
    expect(describeValue('x', 'a'.repeat(500)).length).toBeLessThanOrEqual(80);
  });
});
