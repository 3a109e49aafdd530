/**
 * Section 2 — per span, end to end: the hot-path workload plus the wire encoding each
 * backend needs, timed together (`run()` + `drain()`), µs per span.
 *
 * Theirs, with their own encoders and the transport replaced by a no-op: OTel SDK →
 * `ProtobufTraceSerializer` (OTLP protobuf); jaeger-client → `RemoteReporter` + `UDPSender`
 * (Thrift `emitBatch`); zipkin-js → `HttpLogger` with `JSON_V2`; SkyWalking agent →
 * `SegmentObjectAdapter(segment).serializeBinary()`.
 * Ours: each adapter's exporter behind our pipeline, flushed to the local discard receiver
 * (a separate process) — so ours also pays one loopback request per 512-span batch.
 *
 * @packageDocumentation
 */
import type { BenchContext } from './context';
import { ROUNDS } from './context';
import { interleave } from './harness';
import type { SpanImpl } from './impl';
import { spanRound, tryCreate, VENDOR, verdict } from './hotPath';
import { createJaegerImpl } from './incumbents/jaeger';
import { createOtelImpl } from './incumbents/otel';
import { createSkyWalkingImpl } from './incumbents/skywalking';
import { createZipkinImpl } from './incumbents/zipkin';
import { createOurImpl } from './ours';
import { fmt, fmtSummary, ratio } from './stats';

/**
 * Run section 2 and add its table.
 *
 * @example
 * ```ts
 * await benchEndToEnd(ctx);
 * ```
 */
export async function benchEndToEnd(ctx: BenchContext): Promise<void> {
  ctx.progress('\n[2/5] end to end per span (with wire encoding)\n');
  const parents = ctx.quick ? 30 : 100;
  const children = 99;
  const pairs: Array<{ backend: string; vendor: string; wire: string; theirs: () => Promise<SpanImpl | undefined> }> = [
    { backend: 'jaeger', vendor: VENDOR.jaeger, wire: 'Thrift', theirs: () => createJaegerImpl('encode') },
    { backend: 'zipkin', vendor: VENDOR.zipkin, wire: 'Zipkin JSON v2', theirs: () => createZipkinImpl('encode') },
    { backend: 'skywalking', vendor: VENDOR.skywalking, wire: 'SegmentObject protobuf', theirs: () => createSkyWalkingImpl('encode') },
    { backend: 'otlp', vendor: VENDOR.otel, wire: 'OTLP protobuf', theirs: () => createOtelImpl('encode') },
  ];
  const impls: Array<[string, SpanImpl | undefined]> = [];
  for (const p of pairs) {
    impls.push([p.vendor, await tryCreate(ctx, p.vendor, p.theirs)]);
    const label = `ours (${p.backend})`;
    impls.push([label, await tryCreate(ctx, label, () => createOurImpl(p.backend, 'encode', ctx.ports))]);
    const nc = `ours (${p.backend}, recordCaller: false)`;
    if (!ctx.quick) impls.push([nc, await tryCreate(ctx, nc, () => createOurImpl(p.backend, 'encode', ctx.ports, { recordCaller: false, label: nc }))]);
  }
  const cases = impls.filter(([, i]) => i).map(([label, i]) => spanRound(i!, parents, children, true, label));
  const rounds = ctx.quick ? ROUNDS.quick : ROUNDS.full;
  const res = await interleave(cases, { rounds, warmup: ctx.quick ? 1 : 2, progress: ctx.progress });
  for (const [, i] of impls) await i?.close().catch(() => undefined);
  const spans = parents * (children + 1);
  ctx.results.addTable({
    id: 'endToEnd',
    title: `2. End to end per span incl. wire encoding, CPU µs of this process (median (min–max), ${rounds} rounds × ${spans.toLocaleString('en-US')} spans)`,
    headers: ['backend / wire format', 'ours', 'theirs', 'theirs client', 'ratio', 'target', '', 'ours, no caller', 'ratio'],
    rows: pairs.map((p) => {
      const o = res.get(`ours (${p.backend})`)?.us;
      const nc = res.get(`ours (${p.backend}, recordCaller: false)`)?.us;
      const t = res.get(p.vendor)?.us;
      const r = ratio(o, t);
      return [`${p.backend} / ${p.wire}`, fmtSummary(o), fmtSummary(t), p.vendor, fmt(r), '≤ 0.8', verdict(r, 0.8), fmtSummary(nc), fmt(ratio(nc, t))];
    }),
    notes: [
      'theirs: vendor encoder, transport replaced by a no-op. ours: adapter exporter via our pipeline to a local discard',
      'receiver in another process (one loopback HTTP/gRPC request per 512-span batch is included in ours).',
      '"ours, no caller": the same with recordCaller: false (no call-site capture/formatting per span).',
    ],
  });
  ctx.results.addData('endToEnd', { parents, children, spansPerRound: spans, results: Object.fromEntries(res) });
}
