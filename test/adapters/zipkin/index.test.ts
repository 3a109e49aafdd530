import { zipkinBackend, zipkinUrl, ZipkinExporter } from '../../../adapters/zipkin';
import { ConfigError, getBackendFactory, type TracerConfig } from '../../../src';
import { silentLogger as logger } from '../../support/logger';
import { makeSpan, resource } from './fixtures';
import { startZipkinStandIn } from './standin';

describe('zipkin backend factory', () => {
  test('importing the adapter registers it as "zipkin" (any case)', () => {
    expect(getBackendFactory('zipkin')).toBe(zipkinBackend);
    expect(getBackendFactory('ZIPKIN')).toBe(zipkinBackend);
  });

  test.each([
    [undefined, undefined, 'http://localhost:9411/api/v2/spans'],
    [undefined, 'agent.local', 'http://agent.local:9411/api/v2/spans'],
    ['zipkin:9411', undefined, 'http://zipkin:9411/api/v2/spans'],
    ['zipkin', undefined, 'http://zipkin:9411/api/v2/spans'],
    ['http://127.0.0.1:19411', undefined, 'http://127.0.0.1:19411/api/v2/spans'],
    ['https://zipkin.example.com/', undefined, 'https://zipkin.example.com/api/v2/spans'],
    ['http://127.0.0.1:9411/custom/path', undefined, 'http://127.0.0.1:9411/custom/path'],
  ])('endpoint %p (agentHost %p) → %s', (endpoint, agentHost, expected) => {
    expect(zipkinUrl({ endpoint, agentHost }).href).toBe(expected);
  });

  test.each(['udp://127.0.0.1:6832', 'grpc://127.0.0.1:4317', 'http://'])('endpoint %p is a ConfigError naming the key', (endpoint) => {
    let err: (Error & { key?: string }) | undefined;
    try {
      zipkinBackend({ config: { serviceName: 'a', backend: 'zipkin', endpoint }, resource, logger });
    } catch (e) {
      err = e as Error & { key?: string };
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.key).toBe('endpoint');
    expect(err?.message).toMatch(/^endpoint: /);
  });

  test('defaults to B3 propagation: inject b3multi; extract b3multi, b3, w3c, jaeger', () => {
    const b = zipkinBackend({ config: { serviceName: 'a', backend: 'zipkin' }, resource, logger });
    expect(b.exporter).toBeInstanceOf(ZipkinExporter);
    expect(b.defaultPropagation).toEqual({ inject: ['b3multi'], extract: ['b3multi', 'b3', 'w3c', 'jaeger'] });
    expect(b.sampler).toBeUndefined(); // sampling stays with the core's samplers
    return b.exporter.shutdown();
  });

  test('reporter.timeout, headers, user/password reach the exporter', async () => {
    const z = await startZipkinStandIn();
    const config: TracerConfig = {
      serviceName: 'a',
      backend: 'zipkin',
      endpoint: z.url,
      reporter: { timeout: 120, headers: { 'X-Tenant': 't1' }, user: 'u', password: 'p' },
    };
    const { exporter } = zipkinBackend({ config, resource, logger });
    try {
      await exporter.export([makeSpan()]);
      expect(z.requests[0].headers['x-tenant']).toBe('t1');
      expect(z.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
      z.setMode('hang');
      await expect(exporter.export([makeSpan()])).rejects.toThrow(/timed out after 120 ms/);
    } finally {
      await exporter.shutdown();
      await z.stop();
    }
  });
});
