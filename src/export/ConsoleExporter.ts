import type { FinishedSpan, SpanExporter } from '../api/types';

/**
 * Render spans as one indented waterfall per trace:
 *
 * ```
 * trace 4bf92f3577b34da6a3ce929d0e0e4736  (4 services, 6 spans, 12.41 ms)
 *   gateway    GET /checkout        entry      +0.00 ms   12.41 ms
 *     gateway  GET orders           exit       +0.35 ms   11.02 ms
 *       orders GET /orders          entry      +0.90 ms    9.87 ms  ✖ error: …
 * ```
 *
 * Offsets and durations are in milliseconds with µs precision. Children are sorted by start
 * time; a span whose parent is missing is shown at the top level marked `(orphan)`.
 *
 * @param spans - spans of one or more traces, any order
 * @returns the text, one trace after another, ending with a newline
 * @example
 * ```ts
 * process.stdout.write(formatWaterfall(memory.getFinishedSpans()));
 * ```
 */
export function formatWaterfall(spans: readonly FinishedSpan[]): string {
  const byTrace = new Map<string, FinishedSpan[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId);
    if (list) list.push(s);
    else byTrace.set(s.traceId, [s]);
  }
  const out: string[] = [];
  const traces = [...byTrace.values()].sort((a, b) => minStart(a) - minStart(b));
  for (const list of traces) {
    const ids = new Set(list.map((s) => s.spanId));
    const children = new Map<string, FinishedSpan[]>();
    const roots: FinishedSpan[] = [];
    for (const s of list) {
      if (s.parentSpanId !== undefined && ids.has(s.parentSpanId)) {
        const c = children.get(s.parentSpanId);
        if (c) c.push(s);
        else children.set(s.parentSpanId, [s]);
      } else roots.push(s);
    }
    const t0 = minStart(list);
    const t1 = Math.max(...list.map((s) => s.endTimeUs));
    const services = new Set(list.map((s) => s.resource.serviceName));
    out.push(`trace ${list[0].traceId}  (${services.size} service${services.size === 1 ? '' : 's'}, ${list.length} span${list.length === 1 ? '' : 's'}, ${ms(t1 - t0)} ms)`);
    const rows: Array<[string, string, string, string, string]> = [];
    const walk = (s: FinishedSpan, depth: number, orphan: boolean): void => {
      const err = s.status.code === 'error' ? `  ✖ error${s.status.message ? `: ${oneLine(s.status.message)}` : ''}` : '';
      rows.push([
        `${'  '.repeat(depth + 1)}${s.resource.serviceName}`,
        `${s.name}${orphan ? ' (orphan)' : ''}`,
        s.kind,
        `+${ms(s.startTimeUs - t0)} ms`,
        `${ms(s.endTimeUs - s.startTimeUs)} ms${err}`,
      ]);
      const kids = (children.get(s.spanId) ?? []).sort((a, b) => a.startTimeUs - b.startTimeUs);
      for (const k of kids) walk(k, depth + 1, false);
    };
    for (const r of roots.sort((a, b) => a.startTimeUs - b.startTimeUs)) walk(r, 0, r.parentSpanId !== undefined && !r.remoteParent);
    const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows) out.push(`${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2].padEnd(w[2])}  ${r[3].padStart(w[3])}  ${r[4]}`);
  }
  return out.length ? out.join('\n') + '\n' : '';
}

function minStart(list: readonly FinishedSpan[]): number {
  let m = Infinity;
  for (const s of list) if (s.startTimeUs < m) m = s.startTimeUs;
  return m;
}

function ms(us: number): string {
  return (us / 1000).toFixed(2);
}

function oneLine(text: string): string {
  const t = text.replace(/[\r\n\t]+/g, ' ');
  return t.length > 120 ? t.slice(0, 117) + '...' : t;
}

/**
 * Prints finished traces as waterfalls (see {@link formatWaterfall}) to a writer (default
 * `process.stdout`). Backend name `console`.
 *
 * Spans of one trace usually end in different batches; the exporter holds a trace until
 * a batch passes with no new span for it (or until `forceFlush()`), then prints it whole.
 * At most `maxTraces` traces are held; older ones are printed early.
 *
 * @example
 * ```ts
 * createTracer({ serviceName: 'gateway', backend: 'console' });
 * ```
 */
export class ConsoleExporter implements SpanExporter {
  private pending = new Map<string, { spans: FinishedSpan[]; touched: boolean }>();

  /**
   * @param write - where text goes (default: `process.stdout.write`)
   * @param maxTraces - traces held before printing early (default 1000)
   */
  constructor(
    private readonly write: (text: string) => void = (t) => process.stdout.write(t),
    private readonly maxTraces = 1000,
  ) {}

  /**
   * Hold the batch's spans by trace; print the traces that got nothing new in this batch.
   * Rejects only if the `write` function throws.
   *
   * @example
   * ```ts
   * await new ConsoleExporter((t) => process.stderr.write(t)).export(spans);
   * ```
   */
  async export(batch: readonly FinishedSpan[]): Promise<void> {
    for (const entry of this.pending.values()) entry.touched = false;
    for (const s of batch) {
      const entry = this.pending.get(s.traceId);
      if (entry) {
        entry.spans.push(s);
        entry.touched = true;
      } else this.pending.set(s.traceId, { spans: [s], touched: true });
    }
    const ready: FinishedSpan[] = [];
    for (const [id, entry] of this.pending) {
      if (!entry.touched || this.pending.size > this.maxTraces) {
        ready.push(...entry.spans);
        this.pending.delete(id);
      }
    }
    if (ready.length) this.write(formatWaterfall(ready));
  }

  /**
   * Print every held trace. Rejects only if the `write` function throws.
   *
   * @example
   * ```ts
   * await exporter.forceFlush(); // the waterfall of every trace seen so far is printed
   * ```
   */
  async forceFlush(): Promise<void> {
    const all: FinishedSpan[] = [];
    for (const entry of this.pending.values()) all.push(...entry.spans);
    this.pending.clear();
    if (all.length) this.write(formatWaterfall(all));
  }

  /**
   * Print every held trace (as {@link ConsoleExporter.forceFlush}); nothing else to release.
   *
   * @example
   * ```ts
   * await exporter.shutdown();
   * ```
   */
  async shutdown(): Promise<void> {
    await this.forceFlush();
  }
}
