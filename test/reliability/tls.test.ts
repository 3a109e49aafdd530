/**
 * TLS to collectors, for every transport that has it — HTTPS for Jaeger (collector), Zipkin and
 * OTLP/HTTP; TLS for SkyWalking and OTLP/gRPC — against a local TLS stand-in whose self-signed
 * certificate is generated at test time with `openssl`:
 * - with `reporter.tls.ca` set to that certificate, every span is delivered;
 * - without it, the export fails the certificate check — counted as dropped, logged, never
 *   thrown into the app;
 * - with `reporter.tls.rejectUnauthorized: false` (the documented opt-out), it is delivered.
 * The Zipkin and Jaeger collector stand-ins speak plain HTTP, so they sit behind a TLS
 * terminator; the OTLP and SkyWalking stand-ins serve TLS themselves.
 */
import { createTracer, type TracerConfig } from '../../src';
import { startJaegerCollector } from '../adapters/jaeger/standins';
import { startGrpcStandIn, startHttpStandIn } from '../adapters/otlp/standin';
import { startOapStandIn } from '../adapters/skywalking/standin';
import { startZipkinStandIn } from '../adapters/zipkin/standin';
import { captureLogs } from './app';
import { backendName, endpointFor } from './backends';
import { generateSelfSignedCert, startTlsTerminator, type SelfSignedCert } from './faults';

const SPANS = 20;
let material: SelfSignedCert;

beforeAll(() => {
  material = generateSelfSignedCert();
});

/** A TLS stand-in: its port, how many spans it decoded, and how to stop it. */
interface TlsStandIn {
  port: number;
  received(): number;
  stop(): Promise<void>;
}

async function startTlsStandIn(label: string): Promise<TlsStandIn> {
  const tlsMaterial = { key: material.key, cert: material.cert };
  switch (label) {
    case 'jaeger-http': {
      const c = await startJaegerCollector();
      const t = await startTlsTerminator(Number(/:(\d+)\//.exec(c.url)?.[1]), tlsMaterial);
      return { port: t.port, received: () => c.spans.length, stop: async () => (await t.stop(), await c.stop()) };
    }
    case 'zipkin': {
      const z = await startZipkinStandIn();
      const t = await startTlsTerminator(z.port, tlsMaterial);
      return { port: t.port, received: () => z.spans.length, stop: async () => (await t.stop(), await z.stop()) };
    }
    case 'otlp-http': {
      const o = await startHttpStandIn({ tls: tlsMaterial });
      return { port: o.port, received: () => o.spans().length, stop: o.stop };
    }
    case 'otlp-grpc': {
      const o = await startGrpcStandIn({ tls: tlsMaterial });
      return { port: o.port, received: () => o.spans().length, stop: o.stop };
    }
    case 'skywalking': {
      const o = await startOapStandIn({ tls: tlsMaterial });
      return { port: Number(o.address.split(':')[1]), received: () => o.segments.reduce((n, s) => n + s.spansList.length, 0), stop: o.stop };
    }
    default:
      throw new Error(label);
  }
}

type TlsOptions = NonNullable<TracerConfig['reporter']>['tls'];

/** Export SPANS spans through `reporter.tls = tls`; returns the stats, anything thrown, the warnings. */
async function exportThrough(label: string, port: number, tls: TlsOptions) {
  const logs = captureLogs();
  const tracer = createTracer({
    serviceName: 'tls-check',
    backend: backendName(label),
    endpoint: endpointFor(label, port, true),
    reporter: { flushInterval: 60_000, timeout: 3000, maxRetries: 1, ...(tls ? { tls } : {}) },
    logger: logs.logger('tls-check'),
  });
  let thrown: unknown;
  try {
    for (let i = 0; i < SPANS; i++) tracer.startSpan(`op-${i}`, { kind: 'entry', parent: null }).end();
    await tracer.flush();
  } catch (err) {
    thrown = err;
  }
  await tracer.shutdown(3000);
  return { stats: tracer.stats(), thrown, warnings: logs.lines.filter((l) => l.level === 'warn' || l.level === 'error') };
}

describe.each(['jaeger-http', 'zipkin', 'otlp-http', 'otlp-grpc', 'skywalking'].map((l) => [l] as const))('%s over TLS', (label) => {
  it('delivers every span to a self-signed collector trusted through reporter.tls.ca', async () => {
    const s = await startTlsStandIn(label);
    try {
      const r = await exportThrough(label, s.port, { ca: material.cert });
      expect(r.thrown).toBeUndefined();
      expect(r.stats).toMatchObject({ exported: SPANS, dropped: 0 });
      expect(s.received()).toBe(SPANS);
    } finally {
      await s.stop();
    }
  });

  it('without the CA the certificate is refused: every span counted as dropped and logged, nothing thrown', async () => {
    const s = await startTlsStandIn(label);
    try {
      const r = await exportThrough(label, s.port, undefined);
      expect(r.thrown).toBeUndefined();
      expect(r.stats).toMatchObject({ exported: 0, dropped: SPANS });
      expect(r.stats.exportErrors).toBeGreaterThan(0);
      expect(r.warnings.length).toBeGreaterThan(0);
      expect(s.received()).toBe(0);
    } finally {
      await s.stop();
    }
  });

  it('with rejectUnauthorized: false (the explicit opt-out) it delivers without the CA', async () => {
    const s = await startTlsStandIn(label);
    try {
      const r = await exportThrough(label, s.port, { rejectUnauthorized: false });
      expect(r.stats).toMatchObject({ exported: SPANS, dropped: 0 });
      expect(s.received()).toBe(SPANS);
    } finally {
      await s.stop();
    }
  });
});
