import { parseOtlpEndpoint, parseOtlpProtocol, protocolFromEnv } from '../../../adapters/otlp/endpoint';

describe('parseOtlpEndpoint', () => {
  it.each([
    [undefined, 'http/protobuf', 'http://localhost:4318/v1/traces', false],
    ['http://collector:4318', 'http/protobuf', 'http://collector:4318/v1/traces', false],
    ['http://collector:4318/', 'http/protobuf', 'http://collector:4318/v1/traces', false],
    ['https://otlp.example.com/api/v2/otlp/traces', 'http/protobuf', 'https://otlp.example.com/api/v2/otlp/traces', true],
    ['http://collector:4318?protocol=http/json', 'http/json', 'http://collector:4318/v1/traces', false],
    ['http://collector:4318/v1/traces?protocol=HTTP/JSON&tenant=a', 'http/json', 'http://collector:4318/v1/traces?tenant=a', false],
    ['grpc://collector:4317', 'grpc', 'http://collector:4317', false],
    ['grpc://collector', 'grpc', 'http://collector:4317', false],
    ['grpcs://collector:4317', 'grpc', 'https://collector:4317', true],
    ['http://collector:4317?protocol=grpc', 'grpc', 'http://collector:4317', false],
    ['collector:4317', 'grpc', 'http://collector:4317', false],
    ['collector:4318', 'http/protobuf', 'http://collector:4318/v1/traces', false],
    ['127.0.0.1:9999', 'http/protobuf', 'http://127.0.0.1:9999/v1/traces', false],
    ['[::1]:4318', 'http/protobuf', 'http://[::1]:4318/v1/traces', false],
  ] as const)('%s → %s %s', (endpoint, protocol, url, tls) => {
    const t = parseOtlpEndpoint(endpoint);
    expect(t).toMatchObject({ protocol, url, tls });
  });

  it('takes credentials out of the URL and never shows them', () => {
    const t = parseOtlpEndpoint('https://alice:s%40cret@collector:4318');
    expect(t.basicAuth).toBe('alice:s@cret');
    expect(t.url).toBe('https://collector:4318/v1/traces');
    expect(t.display).not.toContain('alice');
  });

  it('keeps the query string out of the display form', () => {
    const t = parseOtlpEndpoint('http://collector:4318/v1/traces?api-key=secret');
    expect(t.url).toContain('api-key=secret');
    expect(t.display).toBe('http://collector:4318/v1/traces');
  });

  it('lets the environment protocol decide only where the endpoint does not', () => {
    expect(parseOtlpEndpoint('http://c:4317', { envProtocol: 'grpc' }).protocol).toBe('grpc');
    expect(parseOtlpEndpoint('http://c:4318', { envProtocol: 'http/json' }).protocol).toBe('http/json');
    expect(parseOtlpEndpoint('grpc://c:4317', { envProtocol: 'http/json' }).protocol).toBe('grpc');
    expect(parseOtlpEndpoint('http://c:4318?protocol=http/protobuf', { envProtocol: 'grpc' }).protocol).toBe('http/protobuf');
    expect(parseOtlpEndpoint(undefined, { envProtocol: 'grpc' })).toMatchObject({ protocol: 'grpc', url: 'http://localhost:4317' });
  });

  it('upgrades to TLS when reporter.tls.enabled is set', () => {
    expect(parseOtlpEndpoint('collector:4318', { tlsEnabled: true })).toMatchObject({ url: 'https://collector:4318/v1/traces', tls: true });
    expect(parseOtlpEndpoint('grpc://collector:4317', { tlsEnabled: true })).toMatchObject({ url: 'https://collector:4317', tls: true });
  });

  it.each([
    ['ftp://collector:21', /unsupported scheme "ftp"/],
    ['udp://collector:6832', /unsupported scheme "udp"/],
    ['not a url', /expected a URL/],
    ['http://c:4318?protocol=thrift', /expected http\/protobuf, http\/json or grpc/],
    ['collector', /expected a URL/],
  ])('rejects %s with a ConfigError naming endpoint', (endpoint, message) => {
    let err: unknown;
    try {
      parseOtlpEndpoint(endpoint);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ name: 'ConfigError', key: 'endpoint' });
    expect((err as Error).message).toMatch(message);
  });

  it('never puts URL credentials into an error message', () => {
    expect(() => parseOtlpEndpoint('ftp://bob:hunter2@c:21')).toThrow(/<redacted>/);
    try {
      parseOtlpEndpoint('ftp://bob:hunter2@c:21');
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
    }
    // A bare host:port carrying user:password@ (no scheme) is not quoted either.
    expect(() => parseOtlpEndpoint('bob:hunter2@c:4317')).toThrow(expect.objectContaining({ message: expect.not.stringContaining('hunter2') }));
  });
});

describe('protocol from the standard variables', () => {
  it('prefers the traces-specific variable', () => {
    expect(protocolFromEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' })).toBe('http/json');
    expect(protocolFromEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: ' GRPC ' })).toBe('grpc');
    expect(protocolFromEnv({})).toBeUndefined();
  });

  it('names the variable when its value is wrong', () => {
    expect(() => protocolFromEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http' })).toThrow(/^OTEL_EXPORTER_OTLP_PROTOCOL: /);
    expect(() => parseOtlpProtocol('json', 'x')).toThrow(expect.objectContaining({ key: 'x' }));
  });
});
