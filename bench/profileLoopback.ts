/**
 * Profiling entry for section 4: runs one loopback variant (HTTP or gRPC; untraced, als,
 * als-header, minimal, ours, ours-server, ours-client, otel, interceptors) for a few seconds so that `node --cpu-prof` captures
 * a clean profile — or, with `--requests=N`, exactly N requests after a warm-up, for counting
 * instructions, which unlike time is hardly moved by other load on the machine:
 *
 * ```sh
 * valgrind --tool=cachegrind --cache-sim=no node dist/bench/profileLoopback.js http ours --requests=1000
 * valgrind --tool=cachegrind --cache-sim=no node dist/bench/profileLoopback.js http ours --requests=7000
 * ```
 *
 * (instructions of the second minus the first) ÷ 6,000 = instructions per request;
 * `cg_annotate` on both files splits them by function (V8's builtins and runtime by name,
 * JIT-compiled JavaScript as `???`).
 *
 * Usage: `node --cpu-prof --cpu-prof-dir=/tmp/prof dist/bench/profileLoopback.js [http|grpc] [variant] [seconds]`
 * (defaults `http ours 5`; `--requests=N` replaces the seconds, `--warm-up=N` sets the
 * requests before them, default 1,500). Ours runs the same pipeline as in the bench (spans
 * batch-exported to a discarding exporter). Prints req/s and CPU µs per request at the end.
 *
 * @packageDocumentation
 */
import { createOtelTracer } from './incumbents/otel';
import { grpcTarget, httpTarget, load, ourIntegrations, type Variant } from './loopback';
import { createOurTracer, DISCARD_BACKEND, registerDiscardBackend } from './ours';

/** `--name=N` from the command line, as a number. */
function numberFlag(name: string): number | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? undefined : Number(arg.slice(name.length + 3));
}

async function main(): Promise<void> {
  const [proto = 'http', variant = 'ours', secondsArg = '5'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const seconds = Number(secondsArg);
  const count = numberFlag('requests');
  const traced = variant === 'ours' || variant === 'ours-server' || variant === 'ours-client';
  const integ = traced ? ourIntegrations() : undefined;
  if (traced) registerDiscardBackend();
  const tracer = integ ? createOurTracer(DISCARD_BACKEND, undefined, { queueSize: 1 << 16 }) : undefined;
  if (traced && (!integ || !tracer)) throw new Error('our integrations are not exported');
  const ours = integ && tracer ? { tracer, integ } : undefined;
  const otel = variant === 'otel' ? createOtelTracer() : undefined;
  const make = proto === 'grpc' ? grpcTarget : httpTarget;
  const target = await make(variant as Variant, ours, otel?.tracer);
  let requests = 0;
  let cpuUs = 0;
  let rpsSum = 0;
  let rounds = 0;
  const add = (r: { requests: number; cpuUs: number; rps: number }): void => {
    requests += r.requests;
    cpuUs += r.cpuUs * r.requests;
    rpsSum += r.rps;
    rounds++;
  };
  if (count !== undefined) {
    await load(target, numberFlag('warm-up') ?? 1500, 1e9);
    add(await load(target, count, 1e9));
  } else {
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) add(await load(target, 4000, 2000));
  }
  process.stdout.write(`${proto} ${variant}: ${requests} requests, ${(rpsSum / rounds).toFixed(0)} req/s, ${(cpuUs / requests).toFixed(1)} CPU µs/req\n`);
  await target.close();
  if (otel) await otel.close();
  if (tracer) await tracer.shutdown(1000);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
