import * as http from 'node:http';
import * as path from 'node:path';
import { PerOperationSampler } from '../../../src/sampling/PerOperationSampler';
import { ProbabilisticSampler } from '../../../src/sampling/ProbabilisticSampler';
import { RateLimitingSampler } from '../../../src/sampling/RateLimitingSampler';
import { RemoteSampler } from '../../../src/sampling/RemoteSampler';
import { runNode } from '../../support/childProcess';
import { closeServer, listen } from '../../support/http';
import { recordingLogger, traceIds } from './helpers';

type Mode = { kind: 'json'; body: unknown } | { kind: 'status'; code: number } | { kind: 'raw'; body: string } | { kind: 'hang' };

/** A stand-in for the Jaeger agent's sampling endpoint (GET /sampling?service=NAME). */
class StrategyServer {
  mode: Mode = { kind: 'status', code: 404 };
  readonly requests: string[] = [];
  private server = http.createServer((req, res) => {
    this.requests.push(req.url ?? '');
    const m = this.mode;
    if (m.kind === 'hang') return; // accept, never answer
    if (m.kind === 'status') {
      res.writeHead(m.code).end('server error');
    } else if (m.kind === 'raw') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(m.body);
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(m.body));
    }
  });
  url = '';
  async start(): Promise<this> {
    this.url = `http://127.0.0.1:${await listen(this.server)}/sampling`;
    return this;
  }
  async stop(): Promise<void> {
    await closeServer(this.server);
  }
}

const PER_OP = {
  strategyType: 'PROBABILISTIC',
  probabilisticSampling: { samplingRate: 1 },
  operationSampling: {
    defaultSamplingProbability: 0.05,
    defaultLowerBoundTracesPerSecond: 0,
    perOperationStrategies: [
      { operation: 'GET /checkout', probabilisticSampling: { samplingRate: 1 } },
      { operation: 'GET /health', probabilisticSampling: { samplingRate: 0 } },
      { operation: 'GET /search', probabilisticSampling: { samplingRate: 0.5 } },
    ],
  },
};

function rateOf(s: RemoteSampler, op: string, ids: string[]): number {
  return ids.filter((id) => s.shouldSample(op, undefined, id)).length / ids.length;
}

describe('RemoteSampler', () => {
  const ids = traceIds(20000, 11);
  let server: StrategyServer;
  const samplers: RemoteSampler[] = [];
  const make = (opts: Partial<ConstructorParameters<typeof RemoteSampler>[0]> = {}): RemoteSampler => {
    const s = new RemoteSampler({ serviceName: 'orders', samplingEndpoint: server.url, fetchOnStart: false, ...opts });
    samplers.push(s);
    return s;
  };

  beforeEach(async () => {
    server = await new StrategyServer().start();
  });
  afterEach(async () => {
    for (const s of samplers.splice(0)) s.close();
    await server.stop();
  });

  it('asks for its service and applies per-operation probabilistic rates', async () => {
    server.mode = { kind: 'json', body: PER_OP };
    const s = make();
    await s.fetchNow();
    expect(server.requests).toEqual(['/sampling?service=orders']);
    expect(s.currentSampler).toBeInstanceOf(PerOperationSampler);
    expect(rateOf(s, 'GET /checkout', ids)).toBe(1);
    expect(rateOf(s, 'GET /health', ids)).toBe(0);
    expect(Math.abs(rateOf(s, 'GET /search', ids) - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(rateOf(s, 'GET /unlisted', ids) - 0.05)).toBeLessThan(0.01);
  });

  it('applies probabilistic and rate-limiting strategies (Thrift-JSON form)', async () => {
    server.mode = { kind: 'json', body: { strategyType: 0, probabilisticSampling: { samplingRate: 0.2 } } };
    let now = 0;
    const s = make({ now: () => now });
    await s.fetchNow();
    expect(s.currentSampler).toBeInstanceOf(ProbabilisticSampler);
    expect(Math.abs(rateOf(s, 'any', ids) - 0.2)).toBeLessThan(0.02);

    server.mode = { kind: 'json', body: { strategyType: 1, rateLimitingSampling: { maxTracesPerSecond: 3 } } };
    await s.fetchNow();
    expect(s.currentSampler).toBeInstanceOf(RateLimitingSampler);
    expect(ids.slice(0, 100).filter((id) => s.shouldSample('any', undefined, id)).length).toBe(3);
    now += 1000;
    expect(ids.slice(0, 100).filter((id) => s.shouldSample('any', undefined, id)).length).toBe(3);
  });

  it('per-operation lower bound guarantees traces for a zero-rate operation', async () => {
    let now = 0;
    server.mode = {
      kind: 'json',
      body: { operationSampling: { defaultSamplingProbability: 0, defaultLowerBoundTracesPerSecond: 2, perOperationStrategies: [] } },
    };
    const s = make({ now: () => now });
    await s.fetchNow();
    expect(ids.slice(0, 50).filter((id) => s.shouldSample('rare-op', undefined, id)).length).toBe(2);
    now += 1000;
    expect(ids.slice(0, 50).filter((id) => s.shouldSample('rare-op', undefined, id)).length).toBe(2);
  });

  it('uses the initial sampler while the endpoint is down, logging once', async () => {
    await server.stop();
    const logger = recordingLogger();
    const s = make({ param: 0.25, logger });
    for (let i = 0; i < 3; i++) await s.fetchNow();
    expect(s.currentSampler).toBe(s.initialSampler);
    expect(String(s.initialSampler)).toBe('ProbabilisticSampler{0.25}');
    expect(Math.abs(rateOf(s, 'op', ids) - 0.25)).toBeLessThan(0.02);
    expect(logger.messages.filter(([l]) => l === 'warn')).toHaveLength(1);
    server = await new StrategyServer().start(); // for afterEach
  });

  it.each<[string, Mode]>([
    ['HTTP 500', { kind: 'status', code: 500 }],
    ['not JSON', { kind: 'raw', body: '<html>oops' }],
    ['JSON that is not a strategy', { kind: 'json', body: { hello: 'world' } }],
    ['an out-of-range rate', { kind: 'json', body: { probabilisticSampling: { samplingRate: 7 } } }],
  ])('falls back to the initial sampler (default 0.001) on %s', async (_name, mode) => {
    server.mode = mode;
    const logger = recordingLogger();
    const s = make({ logger });
    await s.fetchNow();
    await s.fetchNow();
    expect(s.currentSampler).toBe(s.initialSampler);
    expect(String(s.currentSampler)).toBe('ProbabilisticSampler{0.001}');
    expect(logger.messages.filter(([l]) => l === 'warn')).toHaveLength(1);
  });

  it('times out a strategy request that never answers', async () => {
    server.mode = { kind: 'hang' };
    const logger = recordingLogger();
    const s = make({ timeout: 200, logger });
    await s.fetchNow();
    expect(s.currentSampler).toBe(s.initialSampler);
    expect(logger.messages[0][1]).toMatch(/timed out after 200 ms/);
  });

  it('keeps the last good strategy through an outage and logs the recovery', async () => {
    const logger = recordingLogger();
    server.mode = { kind: 'json', body: { strategyType: 0, probabilisticSampling: { samplingRate: 0.5 } } };
    const s = make({ logger });
    await s.fetchNow();
    const good = s.currentSampler;
    server.mode = { kind: 'status', code: 503 };
    await s.fetchNow();
    expect(s.currentSampler).toBe(good);
    server.mode = { kind: 'json', body: { strategyType: 0, probabilisticSampling: { samplingRate: 0.5 } } };
    await s.fetchNow();
    expect(s.currentSampler).toBe(good); // unchanged strategy: same sampler (rate-limiter state kept)
    expect(logger.messages.map(([l]) => l)).toEqual(['warn', 'info']);
  });

  it('polls on its unref\'d timer and stops after close()', async () => {
    server.mode = { kind: 'json', body: { probabilisticSampling: { samplingRate: 0.3 } } };
    const s = make({ fetchOnStart: true, refreshInterval: 50 });
    for (let i = 0; i < 100 && server.requests.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    expect(server.requests.length).toBeGreaterThanOrEqual(3);
    expect(String(s.currentSampler)).toBe('ProbabilisticSampler{0.3}');
    s.close();
    await new Promise((r) => setTimeout(r, 200)); // let a request sent before close() reach the server
    const n = server.requests.length;
    await new Promise((r) => setTimeout(r, 300)); // a live 50 ms timer would poll ~6 more times
    expect(server.requests.length).toBe(n);
    await s.fetchNow(); // after close: a no-op that still resolves
    expect(server.requests.length).toBe(n);
  });

  it('builds the default endpoint from the agent host and never shows credentials', () => {
    const s = new RemoteSampler({ serviceName: 'a', agentHost: 'jaeger-agent', fetchOnStart: false });
    expect(s.samplingEndpoint).toBe('http://jaeger-agent:5778/sampling');
    s.close();
    const d = new RemoteSampler({ serviceName: 'a', fetchOnStart: false });
    expect(d.samplingEndpoint).toBe('http://127.0.0.1:5778/sampling');
    d.close();
    const c = new RemoteSampler({ serviceName: 'a', samplingEndpoint: 'http://u:secret@h:5778/sampling', fetchOnStart: false });
    expect(String(c)).not.toContain('secret');
    c.close();
  });

  it.each(['hang', 'ok'])('does not keep the process alive (endpoint %s)', async (kind) => {
    server.mode = kind === 'hang' ? { kind: 'hang' } : { kind: 'json', body: { probabilisticSampling: { samplingRate: 1 } } };
    const src = path.resolve(__dirname, '../../../src/sampling/RemoteSampler.ts');
    const child = `
      const ts = require('typescript'); const fs = require('fs');
      require.extensions['.ts'] = (m, f) => m._compile(ts.transpileModule(fs.readFileSync(f, 'utf8'),
        { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText, f);
      const { RemoteSampler } = require(${JSON.stringify(src)});
      const s = new RemoteSampler({ serviceName: 'child', samplingEndpoint: process.argv[1], refreshInterval: 60000, timeout: 30000 });
      const report = () => console.log('sampled=' + s.shouldSample('op', undefined, '4bf92f3577b34da6a3ce929d0e0e4736'));
      // hang: decide at once (initial sampler) while the background request hangs;
      // ok: wait (an explicit fetchNow keeps the process alive until it completes)
      if (process.argv[2] === 'hang') setTimeout(report, 100); else s.fetchNow().then(report);
    `;
    const run = await runNode(['-e', child, server.url, kind], { cwd: path.resolve(__dirname, '../../..'), killAfterMs: 20_000 });
    expect((run.stdout + run.stderr).trim()).toBe(kind === 'hang' ? 'sampled=false' : 'sampled=true');
    expect(run.code).toBe(0);
    expect(server.requests[0]).toBe('/sampling?service=child');
  });
});
