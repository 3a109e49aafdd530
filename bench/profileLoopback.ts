/**
 * Profiling entry for section 4: runs one loopback variant (HTTP or gRPC; untraced, als,
 * ours, otel) for a few seconds so that `node --cpu-prof` captures a clean profile.
 *
 * Usage: `node --cpu-prof --cpu-prof-dir=/tmp/prof dist/bench/profileLoopback.js [http|grpc] [variant] [seconds]`
 * (defaults `http ours 5`). Prints req/s and CPU µs per request at the end.
 *
 * @packageDocumentation
 */
import { createOtelTracer } from './incumbents/otel';
import { grpcTarget, httpTarget, load, ourIntegrations, type Variant } from './loopback';
import { createOurTracer } from './ours';

async function main(): Promise<void> {
  const [proto = 'http', variant = 'ours', secondsArg = '5'] = process.argv.slice(2);
  const seconds = Number(secondsArg);
  const integ = ourIntegrations();
  const tracer = integ ? createOurTracer('noop', undefined, { queueSize: 1 << 16 }) : undefined;
  const ours = integ && tracer ? { tracer, integ } : undefined;
  const otel = createOtelTracer();
  const make = proto === 'grpc' ? grpcTarget : httpTarget;
  const target = await make(variant as Variant, ours, otel.tracer);
  const until = Date.now() + seconds * 1000;
  let requests = 0;
  let cpuUs = 0;
  let rpsSum = 0;
  let rounds = 0;
  while (Date.now() < until) {
    const r = await load(target, 4000, 2000);
    requests += r.requests;
    cpuUs += r.cpuUs * r.requests;
    rpsSum += r.rps;
    rounds++;
  }
  process.stdout.write(`${proto} ${variant}: ${requests} requests, ${(rpsSum / rounds).toFixed(0)} req/s, ${(cpuUs / requests).toFixed(1)} CPU µs/req\n`);
  await target.close();
  await otel.close();
  if (tracer) await tracer.shutdown(1000);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
