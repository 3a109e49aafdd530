/**
 * Profiling entry for our hot path: runs the section-1 workload with one of our backends
 * for a few seconds so that `node --cpu-prof` captures a clean profile.
 *
 * Usage: `node --cpu-prof --cpu-prof-dir=/tmp/prof dist/bench/profileHotPath.js [backend] [seconds] [--no-caller]`
 * (backend default `noop`, seconds default 5; `bench-encode-<adapter>` profiles section 2's
 * encode-only exporters). Prints µs/span at the end.
 *
 * @packageDocumentation
 */
import { settle } from './harness';
import { registerEncodeOnlyBackends } from './ourEncoders';
import { createOurImpl } from './ours';

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const backend = args[0] ?? 'noop';
  const seconds = Number(args[1] ?? '5');
  const recordCaller = process.argv.includes('--no-caller') ? false : undefined;
  if (backend.startsWith('bench-encode-')) registerEncodeOnlyBackends();
  const impl = await createOurImpl(backend, backend.startsWith('bench-encode-') ? 'encode' : 'discard', undefined, { recordCaller });
  if (!impl) throw new Error('createTracer is not exported yet');
  const until = Date.now() + seconds * 1000;
  let spans = 0;
  const t0 = process.hrtime.bigint();
  while (Date.now() < until) {
    impl.run(100, 99);
    spans += 10_000;
    await impl.drain();
    await settle();
  }
  const us = Number(process.hrtime.bigint() - t0) / 1000 / spans;
  process.stdout.write(`${backend}: ${spans} spans, ${us.toFixed(3)} µs/span (incl. drain)\n`);
  await impl.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
