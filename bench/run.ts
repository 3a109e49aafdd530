/**
 * `npm run bench` — the benchmark suite of issue 8: our library against the vendors' own
 * clients, interleaved round by round in one process, tables on stdout and
 * `bench/results.json`.
 *
 * Usage: `node dist/bench/run.js [--quick] [--only=hot,e2e,heap,loopback,export] [--out=FILE] [--forks=N]`
 * (`--forks`: child processes per loopback setup, 1–8; default 3, 1 with `--quick`).
 * Without `--expose-gc` it re-spawns itself with that flag (the heap section needs it).
 *
 * @packageDocumentation
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BenchContext } from './context';
import { benchEndToEnd } from './endToEnd';
import { benchExport } from './exportThroughput';
import { fullGc } from './harness';
import { benchHeap } from './heapPerSpan';
import { benchHotPath } from './hotPath';
import { benchLoopback } from './loopback';
import type { ReceiverPorts } from './receivers';
import { Results } from './Results';
import { loadOurs, oursUnavailableReason } from './ours';

const SECTIONS = ['hot', 'e2e', 'heap', 'loopback', 'export'] as const;
type Section = (typeof SECTIONS)[number];

function parseArgs(argv: string[]): { quick: boolean; only: Set<Section>; out: string; forks: number | undefined } {
  let quick = false;
  let forks: number | undefined;
  let only = new Set<Section>(SECTIONS);
  let out = path.resolve(__dirname, '..', '..', 'bench', 'results.json');
  for (const a of argv) {
    if (a === '--quick') quick = true;
    else if (a.startsWith('--only=')) {
      const want = a.slice(7).split(',').map((s) => s.trim());
      const bad = want.filter((w) => !(SECTIONS as readonly string[]).includes(w));
      if (bad.length) throw new Error(`--only: unknown section(s) ${bad.join(', ')}; known: ${SECTIONS.join(', ')}`);
      only = new Set(want as Section[]);
    } else if (a.startsWith('--out=')) out = path.resolve(a.slice(6));
    else if (a.startsWith('--forks=')) {
      forks = Number(a.slice(8));
      if (!Number.isInteger(forks) || forks < 1 || forks > 8) throw new Error(`--forks: ${a.slice(8)} is not a whole number from 1 to 8 (child processes per loopback setup)`);
    } else throw new Error(`unknown argument ${a}; usage: run.js [--quick] [--only=${SECTIONS.join(',')}] [--out=FILE] [--forks=N]`);
  }
  return { quick, only, out, forks };
}

function startReceiverProcess(): Promise<{ ports: ReceiverPorts; child: ChildProcess } | undefined> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'receivers.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
    let buf = '';
    const timer = setTimeout(() => {
      child.kill();
      resolve(undefined);
    }, 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        try {
          resolve({ ports: JSON.parse(buf.slice(0, nl)) as ReceiverPorts, child });
        } catch {
          child.kill();
          resolve(undefined);
        }
      }
    });
    child.on('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const results = new Results(args.quick ? 'quick' : 'full');
  const m = results.machine;
  process.stdout.write(
    `# traceandtrace benchmark (${results.mode})\n` +
      `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB; Node ${m.node} (V8 ${m.v8}); ${m.platform}; ${m.date}\n` +
      `load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min) — figures from a busy machine are inflated; ratios within one run still compare\n`,
  );
  results.addData('loadAverageAtStart', os.loadavg());
  if (!loadOurs()) process.stdout.write(`note: our library is unavailable (${oursUnavailableReason ?? 'unknown reason'}): every "ours" row is n/a\n`);
  const started = Date.now();
  const progress = (line: string): void => {
    process.stderr.write(line);
  };
  const rec = await startReceiverProcess();
  if (!rec) progress('! discard receivers did not start: adapter rows will fail\n');
  const ctx: BenchContext = { quick: args.quick, results, ports: rec?.ports, progress, forks: args.forks };
  const sectionSeconds: Record<string, number> = {};
  const steps: Array<[Section, (c: BenchContext) => Promise<void>]> = [
    ['hot', benchHotPath],
    ['e2e', benchEndToEnd],
    ['heap', benchHeap],
    ['loopback', benchLoopback],
    ['export', benchExport],
  ];
  try {
    for (const [name, fn] of steps) {
      if (!args.only.has(name)) continue;
      const t0 = Date.now();
      await fn(ctx);
      sectionSeconds[name] = Math.round((Date.now() - t0) / 100) / 10;
      fullGc();
      progress(`  (${name}: ${sectionSeconds[name]} s; heap after it, after GC: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB)\n`);
    }
  } finally {
    rec?.child.stdin?.end();
    rec?.child.kill();
  }
  results.addData('elapsedSeconds', Math.round((Date.now() - started) / 1000));
  results.addData('sectionSeconds', sectionSeconds);
  const load = os.loadavg();
  results.addData('loadAverageAtEnd', load);
  process.stdout.write(`\nload average at end: ${load.map((l) => l.toFixed(2)).join(' ')} (1/5/15 min; ${os.cpus().length} cores)\n`);
  results.write(args.out);
  process.stdout.write(`\nwrote ${path.relative(process.cwd(), args.out)} in ${Math.round((Date.now() - started) / 1000)} s\n`);
}

if (typeof (globalThis as { gc?: unknown }).gc !== 'function' && !process.env.TRACEANDTRACE_BENCH_CHILD) {
  const r = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, __filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, TRACEANDTRACE_BENCH_CHILD: '1' },
  });
  process.exit(r.status ?? 1);
} else {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
