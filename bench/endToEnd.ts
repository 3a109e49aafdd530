/**
 * Section 2 — per span, end to end: the hot-path workload plus the wire encoding each
 * backend needs, timed together (`run()` + `drain()`), µs per span.
 *
 * Theirs, with their own encoders and the transport replaced by a no-op: OTel SDK →
 * `ProtobufTraceSerializer` (OTLP protobuf); jaeger-client → `RemoteReporter` + `UDPSender`
 * (Thrift `emitBatch`); zipkin-js → `HttpLogger` with `JSON_V2`; SkyWalking agent →
 * `SegmentObjectAdapter(segment).serializeBinary()`.
 * Ours: our pipeline into the adapter's own mapping + encoding with the bytes dropped
 * (see `ourEncoders.ts`); in the full run also the real adapter exporter against a local
 * discard receiver, for reference.
 *
 * @packageDocumentation
 */
import type { BenchContext } from './context';
import { SPAN_ROUNDS as ROUNDS } from './context';
import { interleave } from './harness';
import type { SpanImpl } from './impl';
import { spanRound, tryCreate, VENDOR, verdict } from './hotPath';
import { createJaegerImpl } from './incumbents/jaeger';
import { createOtelImpl } from './incumbents/otel';
import { createSkyWalkingImpl } from './incumbents/skywalking';
import { createZipkinImpl } from './incumbents/zipkin';
import { registerEncodeOnlyBackends } from './ourEncoders';
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
  registerEncodeOnlyBackends();
  const impls: Array<[string, SpanImpl | undefined]> = [];
  const add = async (label: string, make: () => Promise<SpanImpl | undefined>): Promise<void> => {
    impls.push([label, await tryCreate(ctx, label, make)]);
  };
  const L = {
    enc: (b: string): string => `ours (${b}, encode only)`,
    encNc: (b: string): string => `ours (${b}, encode only, recordCaller: false)`,
    wire: (b: string): string => `ours (${b}, exporter → loopback)`,
  };
  for (const p of pairs) {
    await add(p.vendor, p.theirs);
    await add(L.enc(p.backend), () => createOurImpl(`bench-encode-${p.backend}`, 'encode', ctx.ports, { label: L.enc(p.backend) }));
    if (!ctx.quick) {
      await add(L.encNc(p.backend), () =>
        createOurImpl(`bench-encode-${p.backend}`, 'encode', ctx.ports, { recordCaller: false, label: L.encNc(p.backend) }),
      );
      await add(L.wire(p.backend), () => createOurImpl(p.backend, 'encode', ctx.ports, { label: L.wire(p.backend) }));
    }
  }
  const cases = impls.filter(([, i]) => i).map(([label, i]) => spanRound(i!, parents, children, true, label));
  const rounds = ctx.quick ? ROUNDS.quick : ROUNDS.full;
  const res = await interleave(cases, { rounds, warmup: ctx.quick ? 1 : 2, progress: ctx.progress });
  for (const [, i] of impls) await i?.close().catch(() => undefined);
  const spans = parents * (children + 1);
  ctx.results.addTable({
    id: 'endToEnd',
    title: `2. End to end per span incl. wire encoding, CPU µs (median (min–max), ${rounds} rounds × ${spans.toLocaleString('en-US')} spans)`,
    headers: ['backend / wire format', 'ours', 'theirs', 'theirs client', 'ratio', 'target', '', 'ours, no caller', 'ours via exporter+loopback'],
    rows: pairs.map((p) => {
      const o = res.get(L.enc(p.backend))?.us;
      const t = res.get(p.vendor)?.us;
      const r = ratio(o, t);
      return [
        `${p.backend} / ${p.wire}`,
        fmtSummary(o),
        fmtSummary(t),
        p.vendor,
        fmt(r),
        '≤ 0.8',
        verdict(r, 0.8),
        fmtSummary(res.get(L.encNc(p.backend))?.us),
        fmtSummary(res.get(L.wire(p.backend))?.us),
      ];
    }),
    notes: [
      'network excluded on both sides. theirs: the vendor client\'s own encoder, transport replaced by a no-op. ours: the real',
      'pipeline (queue, batches of 512) into an exporter that runs the adapter\'s own mapping + encoding and drops the bytes.',
      '"ours, no caller": the same with recordCaller: false. "via exporter+loopback": the real adapter exporter sending to a',
      'discard receiver in another process (CPU of this process: encoding + HTTP/gRPC client work, gzip for zipkin).',
    ],
  });
  ctx.results.addData('endToEnd', { parents, children, spansPerRound: spans, results: Object.fromEntries(res) });
}
