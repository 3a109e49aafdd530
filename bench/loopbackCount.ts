/**
 * Diagnostic for section 4: runs a fixed number of loopback requests of one setup (HTTP or
 * gRPC; untraced, als, ours, ours-server, ours-client) and exits, for instruction counting,
 * which unlike time is hardly moved by other load on the machine:
 *
 * ```sh
 * valgrind --tool=cachegrind --cache-sim=no node dist/bench/loopbackCount.js http ours 1000
 * valgrind --tool=cachegrind --cache-sim=no node dist/bench/loopbackCount.js http ours 7000
 * ```
 *
 * (instructions of the second minus the first) ÷ 6,000 = instructions per request;
 * `cg_annotate` on both files splits them by function (V8's builtins and runtime by name,
 * JIT-compiled JavaScript as `???`). Usage: `loopbackCount.js [http|grpc] [setup] [requests]
 * [warm-up requests]` (defaults `http ours 1000 1500`). `--cpu-prof` works too.
 *
 * @packageDocumentation
 */
import { grpcTarget, httpTarget, load, ourIntegrations, type Variant } from './loopback';
import { createOurTracer, DISCARD_BACKEND, registerDiscardBackend } from './ours';

async function main(): Promise<void> {
  const [proto = 'http', variant = 'ours', count = '1000', warm = '1500'] = process.argv.slice(2);
  const traced = variant === 'ours' || variant === 'ours-server' || variant === 'ours-client';
  const integ = traced ? ourIntegrations() : undefined;
  if (traced && !registerDiscardBackend()) throw new Error('the core is not available');
  const tracer = integ ? createOurTracer(DISCARD_BACKEND, undefined, { queueSize: 1 << 16 }) : undefined;
  if (traced && (!integ || !tracer)) throw new Error('our integrations are not exported');
  const make = proto === 'grpc' ? grpcTarget : httpTarget;
  const target = await make(variant as Variant, integ && tracer ? { tracer, integ } : undefined, undefined);
  await load(target, Number(warm), 1e9);
  const r = await load(target, Number(count), 1e9);
  process.stdout.write(`${proto} ${variant}: ${r.requests} requests, ${r.cpuUs.toFixed(1)} CPU µs/req\n`);
  await target.close();
  if (tracer) await tracer.shutdown(1000);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
