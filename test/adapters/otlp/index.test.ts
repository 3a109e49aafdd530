import * as zlib from 'node:zlib';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { OTLP_DEFAULT_PROPAGATION, OtlpExporter, otlpBackend } from '../../../adapters/otlp';
import {
  ConfigError,
  configFromEnv,
  createTracer,
  getBackendFactory,
  mergeConfig,
  type TracerConfig,
} from '../../../src';
import { listen } from '../../support/http';
import { silentLogger as quiet } from '../../support/logger';
import { makeSpan, RESOURCE } from './spans';
import { startGrpcStandIn, startHttpStandIn, type OtlpStandIn } from './standin';

const TLS = {
  key: fs.readFileSync(path.join(__dirname, 'tls', 'key.pem')),
  cert: fs.readFileSync(path.join(__dirname, 'tls', 'cert.pem')),
};

describe('otlp backend factory', () => {
  it('registers itself as "otlp" when imported (any case), also through the lazy adapters entry', () => {
    expect(getBackendFactory('otlp')).toBe(otlpBackend);
    expect(getBackendFactory('OTLP')).toBe(otlpBackend);
    jest.isolateModules(() => {
      require('../../../adapters');
      const src = require('../../../src') as typeof import('../../../src');
      expect(typeof src.getBackendFactory('otlp')).toBe('function');
    });
  });

  it('defaults to W3C out and W3C, B3, Jaeger, sw8 in', async () => {
    const b = otlpBackend({ config: { serviceName: 'a', backend: 'otlp' }, resource: RESOURCE, logger: quiet });
    expect(b.exporter).toBeInstanceOf(OtlpExporter);
    expect(b.defaultPropagation).toEqual({ inject: ['w3c'], extract: ['w3c', 'b3multi', 'b3', 'jaeger', 'sw8'] });
    expect(OTLP_DEFAULT_PROPAGATION.inject).toEqual(['w3c']);
    expect(b.sampler).toBeUndefined();
    await b.exporter.shutdown();
  });

  it.each(['udp://127.0.0.1:6832', 'ftp://x:21', 'http://', 'collector'])('endpoint %p is a ConfigError naming the key', (endpoint) => {
    let err: unknown;
    try {
      otlpBackend({ config: { serviceName: 'a', backend: 'otlp', endpoint }, resource: RESOURCE, logger: quiet });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe('endpoint');
  });

  it('a bad OTEL_EXPORTER_OTLP_COMPRESSION names the variable', () => {
    expect(() => new OtlpExporter({ endpoint: 'http://127.0.0.1:4318', env: { OTEL_EXPORTER_OTLP_COMPRESSION: 'br' } })).toThrow(
      expect.objectContaining({ key: 'OTEL_EXPORTER_OTLP_COMPRESSION' }),
    );
  });
});

describe('a tracer with backend otlp', () => {
  let standIn: OtlpStandIn;
  beforeAll(async () => {
    standIn = await startHttpStandIn();
  });
  afterAll(() => standIn.stop());

  it('exports through the core pipeline with headers and token from reporter config', async () => {
    const tracer = createTracer({
      serviceName: 'checkout',
      backend: 'otlp',
      endpoint: standIn.endpoint,
      reporter: { headers: { 'x-tenant': 't1' }, token: 'tok', flushInterval: 50 },
      tags: { team: 'payments' },
      logger: quiet,
    });
    const parent = tracer.startSpan('parent', { kind: 'entry' });
    const child = tracer.startSpan('child', { kind: 'exit', parent, peer: { host: 'db.local', port: 5432, service: 'postgres' } });
    child.recordError(new TypeError('boom'));
    child.end();
    parent.end();
    await tracer.shutdown();
    const spans = standIn.spans().filter((s) => s.traceId === parent.context().traceId);
    expect(spans.map((s) => s.name).sort()).toEqual(['child', 'parent']);
    const c = spans.find((s) => s.name === 'child')!;
    expect(c.parentSpanId).toBe(parent.context().spanId);
    expect(c.kind).toBe(3);
    expect(c.status.code).toBe(2);
    const ex = c.events.find((e) => e.name === 'exception')!;
    expect(ex.attributes['exception.type']).toBe('TypeError');
    expect(ex.attributes['exception.message']).toBe('boom');
    expect(String(ex.attributes['exception.stacktrace'])).toContain('TypeError: boom');
    expect(c.attributes['server.address']).toBe('db.local');
    expect(c.attributes['server.port']).toBe(5432);
    expect(c.attributes['peer.service']).toBe('postgres');
    expect(c.resource['service.name']).toBe('checkout');
    expect(c.resource.team).toBe('payments');
    expect(typeof c.resource['telemetry.sdk.version']).toBe('string');
    const req = standIn.requests.at(-1)!;
    expect(req.headers['x-tenant']).toBe('t1');
    expect(req.headers.authorization).toBe('Bearer tok');
  });

  it('injects W3C only and continues B3, Jaeger and W3C callers', async () => {
    const tracer = createTracer({ serviceName: 'svc', backend: 'otlp', endpoint: standIn.endpoint, logger: quiet });
    try {
      const span = tracer.startSpan('op');
      const headers: Record<string, string> = {};
      tracer.inject(span.context(), headers);
      expect(Object.keys(headers).filter((k) => !['traceparent', 'tracestate', 'baggage'].includes(k))).toEqual([]);
      expect(headers.traceparent).toBe(`00-${span.context().traceId}-${span.context().spanId}-01`);
      span.end();
      const traceId = '463ac35c9f6413ad48485a3953bb6124';
      for (const carrier of [
        { 'x-b3-traceid': traceId, 'x-b3-spanid': '0020000000000001', 'x-b3-sampled': '1' },
        { b3: `${traceId}-0020000000000001-1` },
        { 'uber-trace-id': `${traceId}:0020000000000001:0:1` },
        { traceparent: `00-${traceId}-0020000000000001-01` },
      ]) {
        const ctx = tracer.extract(carrier);
        expect({ carrier, traceId: ctx?.traceId, spanId: ctx?.spanId }).toEqual({ carrier, traceId, spanId: '0020000000000001' });
      }
    } finally {
      await tracer.shutdown();
    }
  });

  it('honours OTEL_* variables through the core env parsing (JSON protocol, headers, resource)', async () => {
    const env = {
      TRACE_TYPE: 'otlp',
      OTEL_SERVICE_NAME: 'from-env',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=staging',
      OTEL_EXPORTER_OTLP_ENDPOINT: standIn.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=k1',
    };
    const config = mergeConfig(configFromEnv(env), { logger: quiet, reporter: { flushInterval: 50 } }) as TracerConfig;
    const tracer = createTracer(config);
    const span = tracer.startSpan('env-op');
    span.end();
    await tracer.shutdown();
    const req = standIn.requests.find((r) => r.spans.some((s) => s.name === 'env-op'))!;
    expect(req.transport).toBe('http/json');
    expect(req.path).toBe('/v1/traces');
    expect(req.headers['x-api-key']).toBe('k1');
    expect(req.spans[0].resource['service.name']).toBe('from-env');
    expect(req.spans[0].resource['deployment.environment.name']).toBe('staging');
  });
});

describe('OtlpExporter transport details', () => {
  it('gzips the body when OTEL_EXPORTER_OTLP_COMPRESSION=gzip, at level 1', async () => {
    const standIn = await startHttpStandIn();
    const exporter = new OtlpExporter({ endpoint: standIn.endpoint, env: { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' } });
    const batch = Array.from({ length: 200 }, (_, i) => makeSpan({ name: 'zipped', attributes: { i, note: `span ${i} `.repeat(20) } }));
    await exporter.export(batch);
    expect(standIn.requests[0].headers['content-encoding']).toBe('gzip');
    expect(standIn.spans()[0].name).toBe('zipped');
    expect(standIn.spans()).toHaveLength(200);
    const wire = standIn.requests[0].wire!;
    const plain = zlib.gunzipSync(wire);
    expect(zlib.gzipSync(plain, { level: 1 }).equals(wire)).toBe(true);
    expect(zlib.gzipSync(plain).equals(wire)).toBe(false); // not the default level 6
    await exporter.shutdown();
    await standIn.stop();
  });

  it('a receiver that accepts and never answers costs one timeout, then a retryable rejection', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => {
      sockets.push(s);
      s.resume();
    });
    const port = await listen(silent);
    const exporter = new OtlpExporter({ endpoint: `http://127.0.0.1:${port}`, timeoutMs: 200 });
    await expect(exporter.export([makeSpan()])).rejects.toMatchObject({ retryable: true, message: expect.stringMatching(/timed out/) });
    await exporter.shutdown();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it.each(['https', 'grpcs'] as const)('speaks TLS (%s) trusting reporter.tls.ca, and refuses an unknown certificate', async (scheme) => {
    const standIn = scheme === 'https' ? await startHttpStandIn({ tls: TLS }) : await startGrpcStandIn({ tls: TLS });
    expect(standIn.endpoint.startsWith(`${scheme}://`)).toBe(true);
    const trusted = new OtlpExporter({ endpoint: standIn.endpoint, tls: { ca: TLS.cert }, timeoutMs: 10000 });
    const untrusted = new OtlpExporter({ endpoint: standIn.endpoint, timeoutMs: 10000 });
    try {
      await trusted.export([makeSpan({ name: 'over-tls' })]);
      expect(standIn.spans().map((s) => s.name)).toEqual(['over-tls']);
      const refused = untrusted.export([makeSpan({ name: 'refused' })]);
      await expect(refused).rejects.toThrow(/OTLP/);
      // A certificate the client does not trust will not be trusted on a retry either (HTTPS;
      // grpc-js reports TLS failures as UNAVAILABLE, which the OTLP spec calls retryable).
      if (scheme === 'https') await expect(refused).rejects.toMatchObject({ retryable: false });
      expect(standIn.spans().map((s) => s.name)).toEqual(['over-tls']);
    } finally {
      await trusted.shutdown();
      await untrusted.shutdown();
      await standIn.stop();
    }
  });
});
