import * as http from 'node:http';
import type { Sampler } from '../../../src/api/types';
import { ConfigError } from '../../../src/config/ConfigError';
import { createSampler } from '../../../src/sampling/createSampler';
import { FunctionSampler } from '../../../src/sampling/FunctionSampler';
import { ParentBasedSampler } from '../../../src/sampling/ParentBasedSampler';
import { RemoteSampler } from '../../../src/sampling/RemoteSampler';
import { listen } from '../../support/http';
import { recordingLogger, remoteParent, traceIds } from './helpers';

const opts = { serviceName: 'orders', logger: recordingLogger() };
const ids = traceIds(20000, 5);
const rate = (s: Sampler): number => ids.filter((id) => s.shouldSample('op', undefined, id)).length / ids.length;

describe('createSampler', () => {
  it('defaults to ParentBased(Const(true))', () => {
    const s = createSampler(undefined, opts);
    expect(String(s)).toBe('ParentBasedSampler{root=ConstSampler{true}}');
    expect(s.shouldSample('op', remoteParent(false), ids[0])).toBe(false);
    expect(s.shouldSample('op', undefined, ids[0])).toBe(true);
  });

  it.each<[unknown, string, number]>([
    [{ type: 'const', param: 1 }, 'ParentBasedSampler{root=ConstSampler{true}}', 1],
    [{ type: 'const', param: 0 }, 'ParentBasedSampler{root=ConstSampler{false}}', 0],
    [{ type: 'const' }, 'ParentBasedSampler{root=ConstSampler{true}}', 1],
    [{ type: 'probabilistic', param: 0.1 }, 'ParentBasedSampler{root=ProbabilisticSampler{0.1}}', 0.1],
    [{ type: 'parentbased' }, 'ParentBasedSampler{root=ConstSampler{true}}', 1],
    [{ type: 'parentbased', root: { type: 'probabilistic', param: 0.3 } }, 'ParentBasedSampler{root=ProbabilisticSampler{0.3}}', 0.3],
    [{ type: 'PROBABILISTIC', param: 0.5 }, 'ParentBasedSampler{root=ProbabilisticSampler{0.5}}', 0.5],
  ])('builds %j → %s, sampling about the right rate, honouring remote parents', (config, desc, r) => {
    const s = createSampler(config as never, opts);
    expect(String(s)).toBe(desc);
    expect(Math.abs(rate(s) - r)).toBeLessThan(0.015);
    expect(s.shouldSample('op', remoteParent(true), ids[1])).toBe(true);
    expect(s.shouldSample('op', remoteParent(false), ids[1])).toBe(false);
    expect(s.shouldSample('op', remoteParent(false, true), ids[1])).toBe(true);
  });

  it('ratelimiting is wrapped too', () => {
    const s = createSampler({ type: 'ratelimiting', param: 2 }, opts);
    expect(String(s)).toBe('ParentBasedSampler{root=RateLimitingSampler{2}}');
    expect(ids.slice(0, 100).filter((id) => s.shouldSample('op', undefined, id)).length).toBeLessThanOrEqual(3);
    expect(s.shouldSample('op', remoteParent(true), ids[0])).toBe(true);
  });

  it('remote: polls http://<agentHost>:5778/sampling by default; an explicit endpoint is used; close() stops it', async () => {
    const urls: string[] = [];
    const server = http.createServer((req, res) => {
      urls.push(req.url ?? '');
      res.end(JSON.stringify({ strategyType: 0, probabilisticSampling: { samplingRate: 1 } }));
    });
    const port = await listen(server);
    const s = createSampler(
      { type: 'remote', param: 0, samplingEndpoint: `http://127.0.0.1:${port}/sampling`, refreshInterval: 60000 },
      opts,
    );
    expect(s).toBeInstanceOf(ParentBasedSampler);
    const remote = (s as ParentBasedSampler).root as RemoteSampler;
    expect(remote).toBeInstanceOf(RemoteSampler);
    expect(remote.shouldSample('op', undefined, ids[0])).toBe(false); // initial param 0
    await remote.fetchNow();
    expect(s.shouldSample('op', undefined, ids[0])).toBe(true);
    expect(urls.at(-1)).toBe('/sampling?service=orders');
    s.close?.();
    await new Promise<void>((r) => server.close(() => r()));

    const d = createSampler({ type: 'remote' }, { ...opts, agentHost: '10.1.2.3' });
    const dr = (d as ParentBasedSampler).root as RemoteSampler;
    expect(dr.samplingEndpoint).toBe('http://10.1.2.3:5778/sampling');
    expect(String(dr.initialSampler)).toBe('ProbabilisticSampler{0.001}');
    d.close?.();
  });

  it('a Sampler instance is used as is; a function becomes a FunctionSampler that sees the parent', () => {
    const mine: Sampler = { shouldSample: () => true, toString: () => 'Mine' };
    expect(createSampler(mine, opts)).toBe(mine);
    const f = createSampler((op, parent) => op === 'yes' || parent?.sampled === true, opts);
    expect(f).toBeInstanceOf(FunctionSampler);
    expect(f.shouldSample('yes', undefined, ids[0])).toBe(true);
    expect(f.shouldSample('no', undefined, ids[0])).toBe(false);
    expect(f.shouldSample('no', remoteParent(true), ids[0])).toBe(true);
  });

  it.each<[unknown, string]>([
    [{ type: 'probabilistic', param: 1.5 }, 'sampler.param'],
    [{ type: 'probabilistic' }, 'sampler.param'],
    [{ type: 'const', param: 0.5 }, 'sampler.param'],
    [{ type: 'ratelimiting', param: -1 }, 'sampler.param'],
    [{ type: 'probabilistc', param: 0.5 }, 'sampler.type'],
    [{ type: 'const', parm: 1 }, 'sampler.parm'],
    [{ type: 'parentbased', root: { type: 'nope' } }, 'sampler.root.type'],
    [{ type: 'remote', samplingEndpoint: 'ftp://x/sampling' }, 'sampler.samplingEndpoint'],
    [{ type: 'remote', refreshInterval: 0 }, 'sampler.refreshInterval'],
    ['const', 'sampler'],
  ])('rejects %j with a ConfigError naming %s', (config, key) => {
    let err: unknown;
    try {
      createSampler(config as never, opts);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe(key);
    expect((err as ConfigError).message).toContain(key);
  });
});
