import { getBackendFactory } from '../../../src';
import { JaegerExporter, jaegerBackend } from '../../../adapters/jaeger';
import { silentLogger as logger } from '../../support/logger';
import { resource } from './fixtures';

describe('jaegerBackend', () => {
  it('registers itself as "jaeger" on import', () => {
    expect(getBackendFactory('jaeger')).toBe(jaegerBackend);
    expect(getBackendFactory('JAEGER')).toBe(jaegerBackend);
  });

  it('builds a JaegerExporter from config and defaults to Jaeger + W3C propagation', async () => {
    const backend = jaegerBackend({
      config: { serviceName: 'orders', backend: 'jaeger', endpoint: 'http://127.0.0.1:14268/api/traces', reporter: { timeout: 1000 } },
      resource,
      logger,
    });
    expect(backend.exporter).toBeInstanceOf(JaegerExporter);
    expect((backend.exporter as JaegerExporter).target.protocol).toBe('http');
    expect(backend.defaultPropagation).toEqual({ inject: ['jaeger', 'w3c'], extract: ['jaeger', 'w3c', 'b3multi', 'b3'] });
    await backend.exporter.shutdown();
  });

  it('throws a ConfigError at construction for an unusable endpoint', () => {
    expect(() => jaegerBackend({ config: { serviceName: 'x', endpoint: 'grpc://h:1' }, resource, logger })).toThrow(
      expect.objectContaining({ name: 'ConfigError', key: 'endpoint' }),
    );
  });
});
