/**
 * Each tracer keeps its own pipeline; nothing is shared by accident:
 * - two tracers in one process, different backends and queue sizes: one's full queue, dead
 *   collector and drops never touch the other's delivery or counters;
 * - `child_process.fork` workers exporting to the same OTLP stand-in: each arrives with its own
 *   service name and instance id, and its own stats match what the stand-in got from it;
 * - `cluster` workers sharing one HTTP port, each with its own tracer: every request's server
 *   span is exported by the worker that served it, once, with that worker's instance id.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTracer, type Tracer } from '../../src';
import { startHttpStandIn, type OtlpStandIn } from '../adapters/otlp/standin';
import { startZipkinStandIn, type ZipkinStandIn } from '../adapters/zipkin/standin';
import { captureLogs } from './app';
import { runNode } from '../support/childProcess';
import { closedPort } from './faults';

const ROOT = path.resolve(__dirname, '..', '..');

describe('two tracers in one process', () => {
  let zipkin: ZipkinStandIn;
  let otlp: OtlpStandIn;
  const tracers: Tracer[] = [];
  beforeAll(async () => {
    zipkin = await startZipkinStandIn();
    otlp = await startHttpStandIn();
  });
  afterAll(async () => {
    await Promise.all(tracers.map((t) => t.shutdown(500)));
    await zipkin.stop();
    await otlp.stop();
  });

  it('a full queue in one tracer drops only its own spans; each backend gets only its own tracer\'s spans', async () => {
    const logsA = captureLogs();
    const logsB = captureLogs();
    const a = createTracer({ serviceName: 'alpha', backend: 'zipkin', endpoint: zipkin.url, reporter: { queueSize: 10, flushInterval: 60_000 }, logger: logsA.logger('alpha') });
    const b = createTracer({ serviceName: 'beta', backend: 'otlp', endpoint: otlp.endpoint, reporter: { queueSize: 1000, flushInterval: 60_000 }, logger: logsB.logger('beta') });
    tracers.push(a, b);
    for (let i = 0; i < 50; i++) {
      a.startSpan(`a-${i}`, { parent: null }).end();
      b.startSpan(`b-${i}`, { parent: null }).end();
    }
    expect(a.stats()).toMatchObject({ finished: 50, dropped: 40, queued: 10 });
    expect(b.stats()).toMatchObject({ finished: 50, dropped: 0, queued: 50 });
    await a.flush();
    await b.flush();
    expect(a.stats()).toMatchObject({ exported: 10, dropped: 40 });
    expect(b.stats()).toMatchObject({ exported: 50, dropped: 0 });
    expect(new Set(zipkin.spans.map((s) => s.localEndpoint?.serviceName))).toEqual(new Set(['alpha']));
    expect(zipkin.spans).toHaveLength(10);
    expect(new Set(otlp.spans().map((s) => s.resource['service.name']))).toEqual(new Set(['beta']));
    expect(otlp.spans()).toHaveLength(50);
    // Warnings go to the tracer that had the problem.
    expect(logsA.lines.some((l) => /queue full/.test(l.message))).toBe(true);
    expect(logsB.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('one tracer with a dead collector does not slow or count against a healthy one', async () => {
    const dead = await closedPort();
    const sick = createTracer({ serviceName: 'sick', backend: 'zipkin', endpoint: `http://127.0.0.1:${dead}/api/v2/spans`, reporter: { flushInterval: 20, timeout: 200, maxRetries: 1 }, logger: captureLogs().logger('sick') });
    const well = createTracer({ serviceName: 'well', backend: 'otlp', endpoint: otlp.endpoint, reporter: { flushInterval: 20 }, logger: captureLogs().logger('well') });
    tracers.push(sick, well);
    const before = otlp.spans().length;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 20; i++) {
        sick.startSpan(`s-${round}-${i}`, { parent: null }).end();
        well.startSpan(`w-${round}-${i}`, { parent: null }).end();
      }
      await new Promise((r) => setTimeout(r, 30));
    }
    await Promise.all([sick.shutdown(1000), well.shutdown(1000)]);
    expect(well.stats()).toMatchObject({ finished: 100, exported: 100, dropped: 0, exportErrors: 0 });
    expect(sick.stats()).toMatchObject({ finished: 100, exported: 0, dropped: 100 });
    expect(otlp.spans().length - before).toBe(100);
  });
});

/** A worker script (fork and cluster modes) written to os.tmpdir(), running `dist/`. */
function writeWorkerScript(): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'traceandtrace-workers-')), 'worker.js');
  fs.writeFileSync(
    file,
    `
const cluster = require('node:cluster');
const http = require('node:http');
const { fork } = require('node:child_process');
const DIST = ${JSON.stringify(path.join(ROOT, 'dist'))};
const mode = process.argv[2];
const endpoint = process.env.ENDPOINT;
const quiet = () => undefined;
const logger = { debug: quiet, info: quiet, warn: quiet, error: quiet };
function tracerFor(serviceName) {
  const { createTracer } = require(DIST + '/src');
  require(DIST + '/adapters');
  return createTracer({ serviceName, backend: 'otlp', endpoint, reporter: { flushInterval: 50 }, logger });
}
if (mode === 'fork-parent') {
  const n = 3;
  const done = [];
  for (let i = 0; i < n; i++) {
    const child = fork(__filename, ['fork-child', String(i)]);
    child.on('message', (m) => { done.push(m); if (done.length === n) process.stdout.write('RESULT ' + JSON.stringify(done) + '\\n'); });
  }
} else if (mode === 'fork-child') {
  const i = Number(process.argv[3]);
  const tracer = tracerFor('worker-' + i);
  const count = 10 * (i + 1);
  for (let k = 0; k < count; k++) tracer.startSpan('job-' + k, { parent: null }).end();
  tracer.shutdown(5000).then((r) => {
    process.send({ i, pid: process.pid, instance: tracer.resource.serviceInstance, count, stats: tracer.stats() }, () => process.disconnect());
  });
} else if (cluster.isPrimary) {
  const n = 2;
  const workers = [];
  let port;
  let listening = 0;
  for (let i = 0; i < n; i++) workers.push(cluster.fork());
  cluster.on('listening', (_w, address) => {
    port = address.port;
    if (++listening === n) go();
  });
  const get = () => new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/work', agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
  async function go() {
    const servedBy = [];
    for (let k = 0; k < 40; k++) servedBy.push(await get());
    const reports = await Promise.all(workers.map((w) => new Promise((resolve) => { w.once('message', resolve); w.send('finish'); })));
    process.stdout.write('RESULT ' + JSON.stringify({ servedBy, reports }) + '\\n');
    for (const w of workers) w.disconnect();
  }
} else {
  const { traceHttpHandler } = require(DIST + '/src');
  const tracer = tracerFor('clustered');
  const server = http.createServer(traceHttpHandler((req, res) => res.end(String(process.pid)), { tracer }));
  server.listen(0, '127.0.0.1');
  process.on('message', async (m) => {
    if (m !== 'finish') return;
    server.close();
    await tracer.shutdown(5000);
    process.send({ pid: process.pid, instance: tracer.resource.serviceInstance, stats: tracer.stats() });
  });
}
`,
  );
  return file;
}

async function runScript(file: string, mode: string, endpoint: string): Promise<{ result: unknown; stderr: string; code: number | null }> {
  const run = await runNode([file, mode], { cwd: ROOT, env: { ENDPOINT: endpoint }, killAfterMs: 30_000 });
  const line = /RESULT (.*)\n/.exec(run.stdout)?.[1];
  return { result: line ? JSON.parse(line) : undefined, stderr: run.stderr, code: run.code };
}

describe('worker processes', () => {
  let otlp: OtlpStandIn;
  let script: string;
  beforeAll(async () => {
    script = writeWorkerScript();
  });
  beforeEach(async () => {
    otlp = await startHttpStandIn();
  });
  afterEach(async () => {
    await otlp.stop();
  });

  it('child_process.fork workers each export their own spans with their own service, instance and stats', async () => {
    const run = await runScript(script, 'fork-parent', otlp.endpoint);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const reports = run.result as Array<{ i: number; pid: number; instance: string; count: number; stats: { finished: number; exported: number; dropped: number } }>;
    expect(reports).toHaveLength(3);
    const spans = otlp.spans();
    for (const r of reports) {
      expect(r.stats).toMatchObject({ finished: r.count, exported: r.count, dropped: 0 });
      expect(r.instance).toContain(String(r.pid));
      const mine = spans.filter((s) => s.resource['service.name'] === `worker-${r.i}`);
      expect(mine).toHaveLength(r.count);
      expect(new Set(mine.map((s) => s.resource['service.instance.id']))).toEqual(new Set([r.instance]));
    }
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(10 + 20 + 30);
  }, 40_000);

  it('cluster workers sharing a port each export the requests they served, once, with their own instance id', async () => {
    const run = await runScript(script, 'cluster', otlp.endpoint);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { servedBy, reports } = run.result as { servedBy: string[]; reports: Array<{ pid: number; instance: string; stats: { finished: number; exported: number; dropped: number } }> };
    expect(reports).toHaveLength(2);
    const spans = otlp.spans().filter((s) => s.resource['service.name'] === 'clustered');
    expect(spans).toHaveLength(40);
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(40);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(40);
    for (const r of reports) {
      const served = servedBy.filter((pid) => pid === String(r.pid)).length;
      expect(r.stats).toMatchObject({ finished: served, exported: served, dropped: 0 });
      expect(spans.filter((s) => s.resource['service.instance.id'] === r.instance)).toHaveLength(served);
    }
    // The kernel/primary spread the requests over both workers.
    expect(reports.every((r) => servedBy.includes(String(r.pid)))).toBe(true);
  }, 40_000);
});
