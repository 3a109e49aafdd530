/**
 * The samplers inside a real tracer (memory backend): rates of exported traces, parent-based
 * decisions from extracted headers, the "not sampled" decision propagating downstream, and
 * Jaeger remote sampling against a stand-in strategy server.
 */
import * as http from 'node:http';
import { createTracer, MemoryExporter, ParentBasedSampler, RemoteSampler, type Tracer } from '../../../src';
import { listen } from '../../support/http';

const tracers: Tracer[] = [];
function tracer(sampler: Parameters<typeof createTracer>[0]['sampler']): Tracer {
  // a queue large enough that the synchronous loops below never hit the drop bound
  const t = createTracer({ serviceName: 'svc', backend: 'memory', sampler, recordCaller: false, propagation: ['w3c'], reporter: { queueSize: 100_000 } });
  tracers.push(t);
  return t;
}
const exported = (t: Tracer): number => (t.exporter as MemoryExporter).getFinishedSpans().length;

afterEach(async () => {
  for (const t of tracers.splice(0)) await t.shutdown();
});

describe('samplers inside a tracer', () => {
  it('probabilistic 0.25 exports about a quarter of 4,000 root traces; children follow their root', async () => {
    const t = tracer({ type: 'probabilistic', param: 0.25 });
    let sampledRoots = 0;
    for (let i = 0; i < 4000; i++) {
      const root = t.startSpan('root');
      const child = t.startSpan('child', { parent: root });
      expect(child.context().sampled).toBe(root.context().sampled);
      if (root.context().sampled) sampledRoots++;
      child.end();
      root.end();
    }
    await t.flush();
    expect(t.stats().dropped).toBe(0);
    expect(Math.abs(sampledRoots - 1000)).toBeLessThan(4 * Math.sqrt(4000 * 0.25 * 0.75));
    expect(exported(t)).toBe(2 * sampledRoots);
  });

  it('a sampled-out trace still propagates its context and its "not sampled" decision', async () => {
    const t = tracer({ type: 'const', param: 0 });
    const span = t.startSpan('root', { kind: 'exit' });
    const headers: Record<string, string> = {};
    t.inject(span.context(), headers);
    span.end();
    await t.flush();
    expect(exported(t)).toBe(0);
    expect(headers.traceparent).toMatch(new RegExp(`^00-${span.context().traceId}-[0-9a-f]{16}-00$`));
  });

  it('parent-based: an incoming sampled flag wins over const 0, an unsampled one over const 1', async () => {
    const off = tracer({ type: 'const', param: 0 });
    const parent = off.extract({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    const s = off.startSpan('server', { kind: 'entry', parent });
    expect(s.context().sampled).toBe(true);
    s.end();
    await off.flush();
    expect(exported(off)).toBe(1);

    const on = tracer({ type: 'probabilistic', param: 1 });
    const unsampled = on.extract({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00' });
    const u = on.startSpan('server', { kind: 'entry', parent: unsampled });
    const out: Record<string, string> = {};
    on.inject(u.context(), out);
    u.end();
    await on.flush();
    expect(exported(on)).toBe(0);
    expect(out.traceparent.endsWith('-00')).toBe(true);
  });

  it('a custom function sampler decides per operation', async () => {
    const t = tracer((op) => !op.startsWith('GET /health'));
    t.startSpan('GET /healthz').end();
    t.startSpan('GET /orders').end();
    await t.flush();
    expect((t.exporter as MemoryExporter).getFinishedSpans().map((s) => s.name)).toEqual(['GET /orders']);
  });

  it('remote: per-operation rates from a stand-in strategy server take effect in the tracer', async () => {
    const server = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          strategyType: 0,
          probabilisticSampling: { samplingRate: 0 },
          operationSampling: {
            defaultSamplingProbability: 0,
            defaultLowerBoundTracesPerSecond: 0,
            perOperationStrategies: [{ operation: 'GET /checkout', probabilisticSampling: { samplingRate: 1 } }],
          },
        }),
      );
    });
    const port = await listen(server);
    try {
      const t = tracer({ type: 'remote', param: 1, samplingEndpoint: `http://127.0.0.1:${port}/sampling`, refreshInterval: 60000 });
      const remote = (t.sampler as ParentBasedSampler).root as RemoteSampler;
      expect(remote).toBeInstanceOf(RemoteSampler);
      await remote.fetchNow();
      for (let i = 0; i < 50; i++) {
        t.startSpan('GET /checkout').end();
        t.startSpan('GET /other').end();
      }
      await t.flush();
      const names = (t.exporter as MemoryExporter).getFinishedSpans().map((s) => s.name);
      expect(names).toHaveLength(50);
      expect(new Set(names)).toEqual(new Set(['GET /checkout']));
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
