import { ConfigError } from '../../../src';
import { parseJaegerEndpoint } from '../../../adapters/jaeger/endpoint';

describe('parseJaegerEndpoint', () => {
  it('chooses HTTP for http(s) URLs and fills in /api/traces', () => {
    expect(parseJaegerEndpoint('http://jaeger:14268/api/traces')).toEqual({ protocol: 'http', url: new URL('http://jaeger:14268/api/traces') });
    expect(parseJaegerEndpoint('https://jaeger.example.com')).toEqual({ protocol: 'http', url: new URL('https://jaeger.example.com/api/traces') });
    expect(parseJaegerEndpoint('host:14268')).toEqual({ protocol: 'http', url: new URL('http://host:14268/api/traces') });
  });

  it('chooses UDP for udp:// URLs, bare host:port and agentHost', () => {
    expect(parseJaegerEndpoint('udp://10.0.0.9:6832')).toEqual({ protocol: 'udp', host: '10.0.0.9', port: 6832 });
    expect(parseJaegerEndpoint('udp://agent')).toEqual({ protocol: 'udp', host: 'agent', port: 6832 });
    expect(parseJaegerEndpoint('udp://[::1]:7000')).toEqual({ protocol: 'udp', host: '::1', port: 7000 });
    expect(parseJaegerEndpoint('agent:6832')).toEqual({ protocol: 'udp', host: 'agent', port: 6832 });
    expect(parseJaegerEndpoint(undefined, 'jaeger-agent')).toEqual({ protocol: 'udp', host: 'jaeger-agent', port: 6832 });
    expect(parseJaegerEndpoint()).toEqual({ protocol: 'udp', host: 'localhost', port: 6832 });
  });

  it('throws a ConfigError naming the key, without credentials, for bad endpoints', () => {
    const bad = ['grpc://host:4317', 'not a url', 'host:99999', 'udp://:6832'];
    for (const e of bad) {
      expect(() => parseJaegerEndpoint(e)).toThrow(expect.objectContaining({ name: 'ConfigError', key: 'endpoint' }));
    }
    expect(() => parseJaegerEndpoint('nope')).toThrow(ConfigError);
    expect(() => parseJaegerEndpoint(undefined, 'bad host/x')).toThrow(expect.objectContaining({ key: 'agentHost' }));
    try {
      parseJaegerEndpoint('ftp://bob:hunter2@host/x');
      throw new Error('no throw');
    } catch (err) {
      expect((err as Error).message).toContain('endpoint');
      expect((err as Error).message).not.toContain('hunter2');
    }
    // A bare host:port carrying user:password@ (no scheme) is not quoted either.
    expect(() => parseJaegerEndpoint('bob:hunter2@host:6832')).toThrow(expect.objectContaining({ name: 'ConfigError', message: expect.not.stringContaining('hunter2') }));
  });
});
