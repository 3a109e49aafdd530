import { ConfigError, getBackendFactory } from '../../../src';
import { skywalkingBackend, SkyWalkingExporter, parseSkyWalkingEndpoint } from '../../../adapters/skywalking';
import { silentLogger as logger } from '../../support/logger';
import { resource, span } from './fixtures';
import { startOapStandIn } from './standin';

describe('skywalking backend', () => {
  it('registers itself as "skywalking" on import', () => {
    expect(getBackendFactory('SkyWalking')).toBe(skywalkingBackend);
  });

  it('builds a SkyWalkingExporter from config and defaults to sw8 propagation', async () => {
    const oap = await startOapStandIn({ requireToken: 'tok' });
    const backend = skywalkingBackend({
      config: { serviceName: 'orders', endpoint: `grpc://${oap.address}`, reporter: { token: 'tok', timeout: 2000 } },
      resource: resource(),
      logger,
    });
    try {
      expect(backend.exporter).toBeInstanceOf(SkyWalkingExporter);
      expect(backend.defaultPropagation?.inject[0]).toBe('sw8');
      expect(backend.defaultPropagation?.extract).toEqual(expect.arrayContaining(['sw8', 'w3c', 'b3multi', 'jaeger']));
      await backend.exporter.export([span({ segmentId: 'cfg', segmentSpanIndex: 0 })]);
      expect(oap.segments.map((s) => s.tracesegmentid)).toEqual(['cfg']);
    } finally {
      await backend.exporter.shutdown();
      await oap.stop();
    }
  });

  it('rejects a bad endpoint or metadata key at configuration time, naming the key', () => {
    expect(() => skywalkingBackend({ config: { serviceName: 'a', endpoint: 'http://u:pw@x:1' }, resource: resource(), logger })).toThrow(
      expect.objectContaining({ name: 'ConfigError', key: 'endpoint' }),
    );
    try {
      skywalkingBackend({ config: { serviceName: 'a', endpoint: 'http://u:pw@x:1' }, resource: resource(), logger });
    } catch (e) {
      expect((e as Error).message).not.toContain('pw');
    }
    expect(() => skywalkingBackend({ config: { serviceName: 'a', endpoint: 'x:70000' }, resource: resource(), logger })).toThrow(/endpoint: port/);
    expect(() =>
      skywalkingBackend({ config: { serviceName: 'a', reporter: { headers: { 'bad key': 'v' } } }, resource: resource(), logger }),
    ).toThrow(expect.objectContaining({ key: 'reporter.headers' }));
    expect(() => parseSkyWalkingEndpoint('not a host')).toThrow(ConfigError);
  });

  it('parses endpoints', () => {
    expect(parseSkyWalkingEndpoint(undefined)).toEqual({ address: '127.0.0.1:11800', tls: false });
    expect(parseSkyWalkingEndpoint('oap')).toEqual({ address: 'oap:11800', tls: false });
    expect(parseSkyWalkingEndpoint('grpcs://oap.example.com:443')).toEqual({ address: 'oap.example.com:443', tls: true });
    expect(parseSkyWalkingEndpoint('[::1]:11800')).toEqual({ address: '[::1]:11800', tls: false });
    expect(() => parseSkyWalkingEndpoint('udp://x:1')).toThrow(/endpoint/);
  });
});
