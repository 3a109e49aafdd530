/**
 * Section 1 — per span, hot path: start a child of the active span, set 3 tags, end it,
 * with the child made active through AsyncLocalStorage. Every implementation runs the same
 * workload ({@link SpanImpl.run}); the figure is wall time per span created, µs (parents
 * included: `parents × (children + 1)` spans). Queues are drained between rounds, outside
 * the timing.
 *
 * @packageDocumentation
 */
import type { BenchContext } from './context';
import { SPAN_ROUNDS as ROUNDS } from './context';
import { interleave, minorGc, type RoundCase } from './harness';
import type { SpanImpl } from './impl';
import { createAlsFloor, createObjectFloor } from './incumbents/floors';
import { createJaegerImpl } from './incumbents/jaeger';
import { createOtelImpl } from './incumbents/otel';
import { createSkyWalkingImpl } from './incumbents/skywalking';
import { createZipkinImpl } from './incumbents/zipkin';
import { createOurImpl, OUR_BACKENDS } from './ours';
import { fmt, fmtSummary, ratio, type Summary } from './stats';

/**
 * Labels of the incumbents, shared by the sections.
 *
 * @example
 * ```ts
 * VENDOR.otel; // → 'OpenTelemetry SDK'
 * ```
 */
export const VENDOR = { otel: 'OpenTelemetry SDK', jaeger: 'jaeger-client', zipkin: 'zipkin-js', skywalking: 'SkyWalking agent' } as const;

/** Row label of jaeger-client with its own RemoteReporter (spans kept until flushed). */
export const JAEGER_REPORTING = 'jaeger-client (RemoteReporter)';

/**
 * Wrap a span implementation as a timed round: an untimed re-warm run of a quarter of the
 * work (the other implementations ran in between) and its drain, then (hot path only) a minor GC so
 * that no implementation pays inside the timed window for garbage of earlier untimed work, then metric `us` = CPU time (user + system of this
 * process, `process.cpuUsage()`) per span of `run()` (plus `drain()` when `timedDrain`;
 * otherwise `drain()` runs after, untimed), and `wallUs` = the same in wall-clock time.
 * CPU time is the headline because it does not count the time this process waited for a
 * core on a busy machine; on an idle machine the two agree for this single-threaded work.
 *
 * @example
 * ```ts
 * const c = spanRound(impl, 100, 99, false);
 * (await c.round()).us; // µs per span
 * ```
 */
export function spanRound(impl: SpanImpl, parents: number, children: number, timedDrain: boolean, label = impl.name): RoundCase {
  const spans = parents * (children + 1);
  return {
    name: label,
    async round() {
      // re-warm after the other implementations ran (untimed, a quarter of the work)
      impl.run(Math.max(1, parents >> 2), children);
      await impl.drain();
      // every implementation starts its timed window with an empty young generation, so an
      // adapter's batch encoding (done in drain(), untimed) is not collected inside the hot path
      if (!timedDrain) minorGc();
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      impl.run(parents, children);
      if (timedDrain) await impl.drain();
      const t1 = process.hrtime.bigint();
      const c1 = process.cpuUsage(c0);
      if (!timedDrain) await impl.drain();
      return { us: (c1.user + c1.system) / spans, wallUs: Number(t1 - t0) / 1000 / spans };
    },
  };
}

/**
 * Create an implementation, turning a failure (thrown or `undefined`) into `undefined` plus a
 * progress note; never throws.
 *
 * @example
 * ```ts
 * const impl = await tryCreate(ctx, 'zipkin-js', () => createZipkinImpl('discard'));
 * ```
 */
export async function tryCreate(ctx: BenchContext, label: string, make: () => Promise<SpanImpl | undefined>): Promise<SpanImpl | undefined> {
  try {
    const impl = await make();
    if (!impl) ctx.progress(`  - ${label}: not available yet (n/a)\n`);
    return impl;
  } catch (err) {
    ctx.progress(`  - ${label}: failed to set up: ${err instanceof Error ? err.message : String(err)} (n/a)\n`);
    return undefined;
  }
}

/**
 * A row cell for a figure against an upper bound: `met`, `MISSED`, `n/a` (no figure) or ''
 * (no target).
 *
 * @example
 * ```ts
 * verdict(0.2, 0.25); // → 'met'
 * ```
 */
export function verdict(r: number, target: number | undefined): string {
  if (target === undefined) return '';
  if (!Number.isFinite(r)) return 'n/a';
  return r <= target ? 'met' : 'MISSED';
}

/**
 * Run section 1 and add its two tables (all implementations; ours vs theirs).
 *
 * @example
 * ```ts
 * await benchHotPath(ctx);
 * ```
 */
export async function benchHotPath(ctx: BenchContext): Promise<void> {
  ctx.progress('\n[1/5] hot path per span\n');
  const parents = ctx.quick ? 100 : 200;
  const children = 99;
  const impls: Array<[string, SpanImpl | undefined]> = [];
  const add = async (label: string, make: () => Promise<SpanImpl | undefined>): Promise<void> => {
    impls.push([label, await tryCreate(ctx, label, make)]);
  };
  await add('floor: object + 2 clock reads', async () => createObjectFloor());
  await add('floor: one AsyncLocalStorage.run', async () => createAlsFloor());
  await add(VENDOR.otel, () => createOtelImpl('discard'));
  await add(VENDOR.jaeger, () => createJaegerImpl('discard'));
  // jaeger-client as it runs with a real backend: RemoteReporter keeps each finished span
  // (converted to Thrift at finish()) until its flush, as our adapters keep theirs in the queue.
  await add(JAEGER_REPORTING, () => createJaegerImpl('encode'));
  await add(VENDOR.zipkin, () => createZipkinImpl('discard'));
  await add(VENDOR.skywalking, () => createSkyWalkingImpl('discard'));
  for (const b of OUR_BACKENDS) {
    if (ctx.quick && b === 'memory') continue;
    await add(`ours (${b})`, () => createOurImpl(b, 'discard', ctx.ports));
  }
  if (!ctx.quick) await add('ours (noop, recordCaller: false)', () => createOurImpl('noop', 'discard', ctx.ports, { recordCaller: false, label: 'ours (noop, recordCaller: false)' }));

  const cases = impls.filter(([, i]) => i).map(([label, i]) => spanRound(i!, parents, children, false, label));
  const res = await interleave(cases, { rounds: ctx.quick ? ROUNDS.quick : ROUNDS.full, warmup: ctx.quick ? 1 : 2, progress: ctx.progress });
  for (const [, i] of impls) await i?.close().catch(() => undefined);

  const get = (label: string): Summary | undefined => res.get(label)?.us;
  const spans = parents * (children + 1);
  ctx.results.addTable({
    id: 'hotPath.all',
    title: `1. Hot path per span, CPU µs (median (min–max) of ${ctx.quick ? ROUNDS.quick : ROUNDS.full} rounds × ${spans.toLocaleString('en-US')} spans)`,
    headers: ['implementation', 'CPU µs/span', 'wall µs/span'],
    rows: impls.map(([label]) => [label, fmtSummary(get(label)), fmtSummary(res.get(label)?.wallUs)]),
    notes: [
      'workload: parent active via ALS; per child: start as child of the active span, make active (ALS), 3 string tags, end.',
      'incumbents: OTel TracerProvider+BatchSpanProcessor(discarding exporter)+AsyncLocalStorageContextManager; jaeger-client',
      'initTracer const sampler + discarding reporter, ALS for the active span; zipkin-js Tracer+BatchRecorder(discarding logger),',
      'tracer.local() with an ALS Context; SkyWalking ContextManager (finalizeConfig, no agent.start), its own ALS span stack.',
      `${JAEGER_REPORTING}: its RemoteReporter + UDPSender (socket send replaced by a no-op), flushed between rounds — finished`,
      'spans are kept until the flush, as ours are with an adapter; with a discarding reporter nothing is kept at all.',
    ],
  });
  const pairs: Array<[string, string, number | undefined]> = [
    ['ours (noop)', VENDOR.otel, 0.25],
    ['ours (noop)', VENDOR.jaeger, 1.0],
    ['ours (noop)', VENDOR.zipkin, undefined],
    ['ours (noop)', VENDOR.skywalking, undefined],
    ['ours (otlp)', VENDOR.otel, 0.25],
    ['ours (jaeger)', VENDOR.jaeger, 1.0],
    ['ours (jaeger)', JAEGER_REPORTING, 1.0],
    ['ours (zipkin)', VENDOR.zipkin, undefined],
    ['ours (skywalking)', VENDOR.skywalking, undefined],
  ];
  ctx.results.addTable({
    id: 'hotPath.ratios',
    title: '1b. Hot path: ours vs theirs (medians, CPU µs/span)',
    headers: ['ours', 'theirs', 'ours µs', 'theirs µs', 'ratio', 'target', ''],
    rows: pairs.map(([o, t, target]) => {
      const r = ratio(get(o), get(t));
      return [o, t, fmt(get(o)?.median ?? NaN), fmt(get(t)?.median ?? NaN), fmt(r), target === undefined ? '' : `≤ ${target}`, verdict(r, target)];
    }),
  });
  ctx.results.addData('hotPath', { parents, children, spansPerRound: spans, results: Object.fromEntries(res) });
}
