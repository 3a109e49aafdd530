/**
 * Memory stays bounded by the queue cap with a dead collector: for every backend, a child
 * process (`node --expose-gc`, running `dist/`) ends 100,000 spans (3 tags each, in chunks of
 * 1,000 so the pipeline's timers run and exports keep failing) against a closed port, then
 * measures the heap retained after a full GC while the tracer is still alive with a full queue.
 *
 * Bound asserted: retained growth < queueSize × 2 KiB + 8 MiB (the queue itself, plus the
 * exporter's own bounded buffers, connection state and the JIT's code). The figures go to the
 * results file.
 */
import * as path from 'node:path';
import { BACKENDS, backendName, endpointFor } from './backends';
import { closedPort } from './faults';
import { runNode } from '../support/childProcess';
import { writeExtra } from './results';

const ROOT = path.resolve(__dirname, '..', '..');
const SPANS = 100_000;
const QUEUE_SIZE = 2048;

const CHILD = `
const { createTracer } = require(${JSON.stringify(path.join(ROOT, 'dist', 'src'))});
require(${JSON.stringify(path.join(ROOT, 'dist', 'adapters'))});
const quiet = () => undefined;
const tracer = createTracer({
  serviceName: 'memory-check', backend: process.env.BACKEND, endpoint: process.env.ENDPOINT,
  reporter: { queueSize: ${QUEUE_SIZE}, flushInterval: 50, timeout: 300, maxRetries: 1 },
  logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
});
const heap = () => process.memoryUsage().heapUsed;
function spans(n, prefix) {
  for (let i = 0; i < n; i++) {
    const s = tracer.startSpan('GET /orders/' + (i % 50), { kind: 'entry', parent: null });
    s.setTag('http.request.method', 'GET');
    s.setTag('http.response.status_code', 200);
    s.setTag('order.id', prefix + i);
    s.end();
  }
}
// The app's own handle, released at the end (shutdown() alone may not keep the process up: D4).
const app = setInterval(() => undefined, 1000);
(async () => {
  spans(1000, 'warm-'); // load the exporter's code paths
  await new Promise((r) => setTimeout(r, 200));
  gc(); gc();
  const base = heap();
  let peak = base;
  for (let done = 0; done < ${SPANS}; done += 1000) {
    spans(1000, 'o-');
    peak = Math.max(peak, heap());
    await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, 100));
  gc(); gc();
  const retained = heap() - base;
  const stats = tracer.stats();
  const result = await tracer.shutdown(500);
  gc(); gc();
  const afterShutdown = heap() - base;
  process.stdout.write('RESULT ' + JSON.stringify({ base, peak, retained, afterShutdown, stats, result }) + '\\n');
  clearInterval(app);
})();
`;

interface MemoryResult {
  base: number;
  peak: number;
  retained: number;
  afterShutdown: number;
  stats: { started: number; finished: number; exported: number; dropped: number; queued: number };
}

async function runChild(env: Record<string, string>): Promise<{ result: MemoryResult | undefined; stderr: string; code: number | null }> {
  const run = await runNode(['--expose-gc', '-e', CHILD], { cwd: ROOT, env, killAfterMs: 60_000 });
  const line = /RESULT (.*)\n/.exec(run.stdout)?.[1];
  return { result: line ? (JSON.parse(line) as MemoryResult) : undefined, stderr: run.stderr, code: run.code };
}

const results = new Map<string, MemoryResult>();
const BOUND = QUEUE_SIZE * 2048 + 8 * 1024 * 1024;

afterAll(() => {
  const mib = (n: number): string => (n / 1024 / 1024).toFixed(1);
  const rows = [...results].map(
    ([label, r]) =>
      `| ${label} | ${SPANS + 1000} | ${r.stats.dropped} | ${r.stats.queued} | ${mib(r.base)} | ${mib(r.peak)} | ${mib(r.retained)} | ${mib(r.afterShutdown)} |`,
  );
  writeExtra(
    'memory',
    [
      '## Memory with a dead collector',
      '',
      `${SPANS.toLocaleString('en')} spans (3 tags each) ended against a closed port, queueSize ${QUEUE_SIZE}; heap measured in a child process with \`--expose-gc\`.`,
      `Bound asserted: retained growth < queueSize × 2 KiB + 8 MiB = ${mib(BOUND)} MiB.`,
      '',
      '| backend | spans ended | dropped | queued at the end | heap before, MiB | peak (no GC), MiB | retained after GC, MiB | retained after shutdown, MiB |',
      '|---|---|---|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
  );
});

describe.each(BACKENDS.map((b) => [b.label] as const))('%s', (label) => {
  it(`heap after ${SPANS.toLocaleString('en')} spans to a dead collector stays within the queue cap`, async () => {
    const port = await closedPort();
    const run = await runChild({ BACKEND: backendName(label), ENDPOINT: endpointFor(label, port) });
    expect(run.stderr).toBe('');
    expect(run.result).toBeDefined();
    const r = run.result as MemoryResult;
    results.set(label, r);
    expect(r.stats.finished).toBe(SPANS + 1000);
    expect(r.stats.queued).toBeLessThanOrEqual(QUEUE_SIZE);
    if (label !== 'jaeger-udp') expect(r.stats.dropped).toBeGreaterThan(SPANS - QUEUE_SIZE * 2);
    expect(r.retained).toBeLessThan(BOUND);
    expect(r.afterShutdown).toBeLessThan(BOUND);
  }, 60_000);
});
