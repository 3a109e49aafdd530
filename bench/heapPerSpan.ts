/**
 * Section 3 — heap retained per finished span waiting in the export queue: 100,000 spans
 * (1,000 traces × (1 parent + 99 children), the hot-path workload) are created with export
 * held back, then `heapUsed` after a full GC minus `heapUsed` after a full GC before, divided
 * by 100,000. Needs `--expose-gc` (run.ts re-spawns itself with it).
 *
 * What "the queue" is for each: OTel → BatchSpanProcessor's buffer (Span objects);
 * jaeger-client → InMemoryReporter (Span objects) and, as its RemoteReporter really holds them,
 * Thrift span objects; zipkin-js → HttpLogger's queue (JSON v2 strings); SkyWalking agent →
 * finished Segments as its TraceReportClient buffers them; ours → our pipeline's queue.
 *
 * @packageDocumentation
 */
import type { BenchContext } from './context';
import { ROUNDS } from './context';
import { fullGc, interleave, type RoundCase } from './harness';
import type { SpanImpl } from './impl';
import { tryCreate, VENDOR, verdict } from './hotPath';
import { createObjectFloor } from './incumbents/floors';
import { createJaegerImpl, createJaegerThriftHoldImpl } from './incumbents/jaeger';
import { createOtelImpl } from './incumbents/otel';
import { createSkyWalkingImpl } from './incumbents/skywalking';
import { createZipkinImpl } from './incumbents/zipkin';
import { createOurImpl } from './ours';
import { fmtSummary } from './stats';

const PARENTS = 1000;
const CHILDREN = 99;
const SPANS = PARENTS * (CHILDREN + 1);

function heapRound(label: string, make: () => Promise<SpanImpl | undefined>): RoundCase {
  return {
    name: label,
    async round() {
      const impl = await make();
      if (!impl) throw new Error('not available');
      try {
        impl.run(1, 10); // warm the code paths and lazily created state
        await impl.drain();
        fullGc();
        const before = process.memoryUsage().heapUsed;
        impl.run(PARENTS, CHILDREN);
        fullGc();
        const after = process.memoryUsage().heapUsed;
        const held = impl.held();
        if (held >= 0 && held < SPANS) throw new Error(`only ${held} of ${SPANS} spans were held in the queue`);
        return { bytes: (after - before) / SPANS, held };
      } finally {
        await impl.drain();
        await impl.close();
      }
    },
  };
}

/**
 * Run section 3 and add its table.
 *
 * @example
 * ```ts
 * await benchHeap(ctx);
 * ```
 */
export async function benchHeap(ctx: BenchContext): Promise<void> {
  ctx.progress('\n[3/5] heap per queued span\n');
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') ctx.progress('  ! no --expose-gc: heap figures are unreliable\n');
  const makers: Array<[string, () => Promise<SpanImpl | undefined>]> = [
    ['floor: bare object with 3 tags', async () => createObjectFloor(true)],
    [VENDOR.otel, () => createOtelImpl('hold')],
  ];
  if (!ctx.quick) {
    makers.push(
      [`${VENDOR.jaeger} (span objects)`, () => createJaegerImpl('hold')],
      [`${VENDOR.jaeger} (as Thrift)`, () => createJaegerThriftHoldImpl()],
      [`${VENDOR.zipkin} (HttpLogger JSON queue)`, () => createZipkinImpl('hold')],
      [VENDOR.skywalking, () => createSkyWalkingImpl('hold')],
    );
  }
  // `noop` discards at end() (nothing is queued), so the pipeline's own row is `memory`: spans
  // wait in the same export queue every adapter uses, nothing is exported during the round.
  const ourBackends = ctx.quick ? ['memory'] : ['memory', 'jaeger', 'zipkin', 'skywalking', 'otlp'];
  for (const b of ourBackends) makers.push([`ours (${b})`, () => createOurImpl(b, 'hold', ctx.ports)]);
  const noCaller = 'ours (memory, recordCaller: false)';
  if (!ctx.quick) makers.push([noCaller, () => createOurImpl('memory', 'hold', ctx.ports, { recordCaller: false, label: noCaller })]);
  const available: RoundCase[] = [];
  for (const [label, make] of makers) {
    const probe = await tryCreate(ctx, label, make);
    if (!probe) continue;
    await probe.close().catch(() => undefined);
    available.push(heapRound(label, make));
  }
  const rounds = ROUNDS.quick;
  const res = await interleave(available, { rounds, warmup: 0, progress: ctx.progress, gc: true });
  ctx.results.addTable({
    id: 'heap',
    title: `3. Heap retained per queued span, bytes (median (min–max) of ${rounds} rounds × ${SPANS.toLocaleString('en-US')} spans, after GC)`,
    headers: ['implementation', 'B/span', 'target', ''],
    rows: makers.map(([label]) => {
      const s = res.get(label)?.bytes;
      const ours = label.startsWith('ours');
      return [label, fmtSummary(s), ours ? '≤ 400' : '', ours ? verdict(s?.median ?? NaN, 400) : ''];
    }),
    notes: ['each round builds a fresh tracer, so a row also pays its own per-tracer state once (negligible at 100k spans).'],
  });
  ctx.results.addData('heap', { spans: SPANS, results: Object.fromEntries(res) });
}
