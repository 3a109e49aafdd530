/**
 * Adapter-level check of Jaeger remote sampling: a tracer with the jaeger backend and
 * `sampler: { type: 'remote' }` applies the per-operation strategy a stand-in sampling endpoint
 * (the agent's `:5778/sampling?service=NAME`) serves, and falls back to the initial sampler
 * while the endpoint is down. Only what reaches the collector stand-in is asserted.
 */
import * as http from 'node:http';
import { createTracer, type Tracer } from '../../../src';
import '../../../adapters/jaeger';
import { deadPort, listen } from '../../support/http';
import { silentLogger as silent } from '../../support/logger';
import { deferCleanups } from './fixtures';
import { startJaegerCollector } from './standins';

const defer = deferCleanups();

/** Jaeger's sampling-manager JSON: per-operation probabilities, default 0, no lower bound. */
const STRATEGY = {
  strategyType: 'PROBABILISTIC',
  probabilisticSampling: { samplingRate: 0 },
  operationSampling: {
    defaultSamplingProbability: 0,
    defaultLowerBoundTracesPerSecond: 0,
    perOperationStrategies: [{ operation: 'checkout', probabilisticSampling: { samplingRate: 1 } }],
  },
};

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * A tracer with the jaeger backend reporting to `collectorUrl`, its remote sampler (initial
 * probability 1) polling `http://127.0.0.1:<samplingPort>/sampling`; shut down after the test.
 */
function remoteSampledTracer(collectorUrl: string, samplingPort: number): Tracer {
  const tracer = createTracer({
    serviceName: 'orders',
    backend: 'jaeger',
    endpoint: collectorUrl,
    sampler: { type: 'remote', param: 1, samplingEndpoint: `http://127.0.0.1:${samplingPort}/sampling`, refreshInterval: 60000 },
    logger: silent,
  });
  defer(() => tracer.shutdown());
  return tracer;
}

describe('jaeger backend with the remote sampler', () => {
  it('applies per-operation probabilities served by the sampling endpoint', async () => {
    const collector = await startJaegerCollector();
    defer(() => collector.stop());
    const queries: string[] = [];
    let served = 0;
    const sampling = http.createServer((req, res) => {
      queries.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(STRATEGY), () => served++);
    });
    const port = await listen(sampling);
    defer(() => new Promise<void>((r) => sampling.close(() => r())));
    const tracer = remoteSampledTracer(collector.url, port);
    await until(() => served > 0);
    // Applied once an operation without its own strategy stops being sampled (unended probes are never exported).
    await until(() => !tracer.startSpan('probe', { parent: null }).context().sampled);
    for (let i = 0; i < 20; i++) {
      tracer.startSpan('checkout', { parent: null }).end();
      tracer.startSpan('browse', { parent: null }).end();
    }
    await tracer.shutdown();
    expect(queries[0]).toMatch(/^\/sampling\?service=orders$/);
    const names = collector.spans.map((s) => s.operationName);
    expect(names.filter((n) => n === 'checkout')).toHaveLength(20);
    expect(names.filter((n) => n === 'browse')).toHaveLength(0);
    await new Promise<void>((r) => sampling.close(() => r()));
    await collector.stop();
  });

  it('falls back to the initial sampler while the sampling endpoint is down', async () => {
    const collector = await startJaegerCollector();
    defer(() => collector.stop());
    const port = await deadPort();
    const tracer = remoteSampledTracer(collector.url, port);
    await new Promise((r) => setTimeout(r, 50)); // the first poll fails (connection refused)
    for (let i = 0; i < 10; i++) tracer.startSpan('browse', { parent: null }).end();
    await tracer.shutdown();
    expect(collector.spans.filter((s) => s.operationName === 'browse')).toHaveLength(10);
    await collector.stop();
  });
});
