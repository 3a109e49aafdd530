/**
 * No handle keeps the process alive: for every backend, a child process (`node -e`, running
 * the compiled `dist/` as users do) creates a tracer pointed at a dead or hanging collector,
 * ends spans, and then
 * - calls `tracer.shutdown(deadline)` (while the app still holds a handle of its own, released
 *   when shutdown resolves): the process must exit by itself right after (within 3 s; in
 *   practice immediately), with no unhandled rejection or uncaught exception;
 * - or never calls `shutdown()` (an app that forgot): it must still exit by itself once its
 *   bounded retries are over — an idle tracer holds no ref'd timer (jaeger-client's trap).
 *
 * The fault servers run here, in the jest process, so they cannot keep the child alive.
 */
import * as path from 'node:path';
import { runNode } from '../support/childProcess';
import { BACKENDS, backendName, endpointFor } from './backends';
import { closedPort, startFaultProxy, type FaultProxy } from './faults';

const ROOT = path.resolve(__dirname, '..', '..');

/** The child: create, end 200 spans, let exports fail for 400 ms, then shut down (or not). */
const CHILD = `
const { createTracer } = require(${JSON.stringify(path.join(ROOT, 'dist', 'src'))});
require(${JSON.stringify(path.join(ROOT, 'dist', 'adapters'))});
let rejections = 0, exceptions = 0, warnings = 0;
process.on('unhandledRejection', (r) => { rejections++; console.error('unhandledRejection', r); });
process.on('uncaughtException', (e) => { exceptions++; console.error('uncaughtException', e); });
const quiet = () => undefined;
const tracer = createTracer({
  serviceName: 'exit-check', backend: process.env.BACKEND, endpoint: process.env.ENDPOINT,
  reporter: { flushInterval: 50, timeout: Number(process.env.TIMEOUT || 300), maxRetries: 1 },
  logger: { debug: quiet, info: quiet, warn: () => warnings++, error: () => warnings++ },
});
for (let i = 0; i < 200; i++) tracer.startSpan('op' + i, { kind: 'entry', parent: null }).end();
setTimeout(async () => {
  const report = (extra) => process.stdout.write('REPORT ' + JSON.stringify({ ...extra, stats: tracer.stats(), rejections, exceptions, warnings,
    handles: process.getActiveResourcesInfo().filter((h) => h !== 'TTYWrap') }) + '\\n');
  if (process.env.SHUTDOWN === '1') {
    // The app's own handle (a server still closing) is held until shutdown() resolves, then
    // released: from then on only the tracer could keep the process alive. (Without it, the
    // process may exit in the middle of shutdown(): defect D4, see defects.test.ts.)
    const app = setInterval(() => undefined, 1000);
    const result = await tracer.shutdown(Number(process.env.DEADLINE || 1500));
    clearInterval(app);
    report({ result });
  } else {
    report({});
  }
  process.on('exit', () => process.stdout.write('EXIT ' + JSON.stringify({ rejections, exceptions }) + '\\n'));
}, 400);
`;

interface ChildOutcome {
  /** ms from the REPORT line to the process exit; undefined when it had to be killed. */
  exitAfterReportMs: number | undefined;
  code: number | null;
  report: { result?: { delivered: number; dropped: number }; stats: { finished: number; exported: number; dropped: number }; rejections: number; exceptions: number; warnings: number; handles: string[] } | undefined;
  exitLine: string | undefined;
  stderr: string;
}

async function runChild(env: Record<string, string>, killAfterMs: number): Promise<ChildOutcome> {
  const run = await runNode(['-e', CHILD], { cwd: ROOT, env, killAfterMs, mark: 'REPORT ' });
  const reportLine = /REPORT (.*)\n/.exec(run.stdout)?.[1];
  return {
    // The marker is timed on arrival, which may trail the exit by a pipe read: clamp at 0.
    exitAfterReportMs: run.killed || run.markedAt === undefined ? undefined : Math.max(0, run.exitedAt - run.markedAt),
    code: run.code,
    report: reportLine ? (JSON.parse(reportLine) as ChildOutcome['report']) : undefined,
    exitLine: /EXIT (.*)\n/.exec(run.stdout)?.[1],
    stderr: run.stderr,
  };
}

/** Run `tasks` at most `n` at a time. */
async function limit<T>(n: number, tasks: Array<() => Promise<T>>): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (let i = next++; i < tasks.length; i = next++) out[i] = await (tasks[i] as () => Promise<T>)();
    }),
  );
  return out;
}

let hang: FaultProxy;
let deadPort: number;
const cases: Array<{ label: string; fault: 'absent' | 'hang' | 'hang-10s'; shutdown: boolean }> = [];
for (const b of BACKENDS) {
  for (const fault of b.transport === 'udp' ? (['absent'] as const) : (['absent', 'hang'] as const)) {
    for (const shutdown of [true, false]) cases.push({ label: b.label, fault, shutdown });
  }
}
/** D6 cases: the default-like 10 s export timeout, shutdown(300) returns with a request still hanging. */
const d6Cases = BACKENDS.filter((b) => b.transport !== 'udp').map((b) => ({ label: b.label, fault: 'hang-10s' as const, shutdown: true }));
/**
 * Backends whose abandoned in-flight export kept the process alive after shutdown() until its
 * own timeout (defect D6: 9.4 s with a 10 s timeout for jaeger-http, otlp-http, otlp-grpc and
 * skywalking). Fixed in 287cf31; put a label back here (→ `it.failing`) if one regresses knowingly.
 */
const D6_FAILING = new Set<string>([]);
const outcomes = new Map<string, ChildOutcome>();
const key = (c: (typeof cases)[number]): string => `${c.label}/${c.fault}/${c.shutdown ? 'shutdown' : 'no-shutdown'}`;

beforeAll(async () => {
  hang = await startFaultProxy({ mode: 'hang' });
  deadPort = await closedPort();
  const all = [...d6Cases, ...cases];
  const results = await limit(
    4,
    all.map((c) => () =>
      runChild(
        {
          BACKEND: backendName(c.label),
          ENDPOINT: endpointFor(c.label, c.fault === 'absent' ? deadPort : hang.port),
          SHUTDOWN: c.shutdown ? '1' : '0',
          ...(c.fault === 'hang-10s' ? { TIMEOUT: '10000', DEADLINE: '300' } : {}),
        },
        25_000,
      ),
    ),
  );
  all.forEach((c, i) => outcomes.set(key(c), results[i] as ChildOutcome));
}, 120_000);

afterAll(async () => {
  await hang.stop();
});

describe.each(cases.filter((c) => c.shutdown).map((c) => [key(c), c] as const))('%s', (_name, c) => {
  it('exits by itself right after shutdown(), every span counted, no unhandled rejection', () => {
    const o = outcomes.get(key(c)) as ChildOutcome;
    expect(o.stderr).not.toMatch(/unhandledRejection|uncaughtException/);
    // Without its REPORT line, say how the child ended.
    expect(o.report ? { reported: true } : { reported: false, code: o.code, stderr: o.stderr.slice(-800) }).toEqual({ reported: true });
    const r = o.report!;
    expect({ rejections: r.rejections, exceptions: r.exceptions }).toEqual({ rejections: 0, exceptions: 0 });
    expect(r.stats.finished).toBe(200);
    expect(r.stats.exported + r.stats.dropped).toBe(200);
    if (c.label !== 'jaeger-udp') {
      expect(r.stats.exported).toBe(0);
      expect(r.result?.dropped).toBeGreaterThanOrEqual(0);
      expect(r.warnings).toBeGreaterThan(0);
    }
    // Exited on its own (not killed), promptly, with code 0.
    expect({ exitAfterReportMs: o.exitAfterReportMs !== undefined && o.exitAfterReportMs < 3000, code: o.code, handles: o.exitAfterReportMs === undefined ? r.handles : [] })
      .toEqual({ exitAfterReportMs: true, code: 0, handles: [] });
    expect(o.exitLine).toBeDefined();
  });
});

describe.each(cases.filter((c) => !c.shutdown).map((c) => [key(c), c] as const))('%s', (_name, c) => {
  it('exits by itself even without shutdown() (no ref\'d timer or socket outlives the bounded retries)', () => {
    const o = outcomes.get(key(c)) as ChildOutcome;
    expect(o.stderr).not.toMatch(/unhandledRejection|uncaughtException/);
    // Without its REPORT line, say how the child ended.
    expect(o.report ? { reported: true } : { reported: false, code: o.code, stderr: o.stderr.slice(-800) }).toEqual({ reported: true });
    expect({ exited: o.exitAfterReportMs !== undefined, code: o.code, handlesAtReport: o.exitAfterReportMs === undefined ? o.report?.handles : [] })
      .toEqual({ exited: true, code: 0, handlesAtReport: [] });
  });
});

describe.each(d6Cases.map((c) => [key(c), c] as const))('D6 %s', (_name, c) => {
  (D6_FAILING.has(c.label) ? it.failing : it)('with a 10 s export timeout, shutdown(300) returns and the process exits right after (an abandoned request does not hold it)', () => {
    const o = outcomes.get(key(c)) as ChildOutcome;
    expect(o.report?.result).toEqual({ delivered: 0, dropped: 200 });
    expect({ exitAfterReportMs: o.exitAfterReportMs !== undefined && o.exitAfterReportMs < 3000, handles: o.exitAfterReportMs !== undefined && o.exitAfterReportMs < 3000 ? [] : o.report?.handles })
      .toEqual({ exitAfterReportMs: true, handles: [] });
  });
});
