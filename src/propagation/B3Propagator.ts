import type { CarrierGetter, CarrierSetter, Propagator, SpanContext } from '../api/types';
import {
  NO_BAGGAGE,
  compactTraceId,
  isValidSpanId,
  isValidTraceId,
  padHex,
  readHeader,
  resolvePropagatorOptions,
  type PropagatorOptions,
  type ResolvedPropagatorOptions,
  writeHeader,
} from './common';

const B3 = 'b3';
const TRACE_ID = 'x-b3-traceid';
const SPAN_ID = 'x-b3-spanid';
const PARENT_SPAN_ID = 'x-b3-parentspanid';
const SAMPLED = 'x-b3-sampled';
const FLAGS = 'x-b3-flags';

const B3_TRACE_ID_RE = /^(?:[0-9a-f]{16}|[0-9a-f]{32})$/;
const B3_SPAN_ID_RE = /^[0-9a-f]{16}$/;

/**
 * Options of {@link B3Propagator}.
 *
 * @example
 * ```ts
 * new B3Propagator({ single: true, maxHeaderLength: 512 });
 * ```
 */
export interface B3PropagatorOptions extends PropagatorOptions {
  /** Inject the single `b3` header (true) or the `X-B3-*` headers (false, default). Extraction always accepts both. */
  single?: boolean;
}

function b3TraceId(v: string | undefined): string | undefined {
  if (v === undefined || !B3_TRACE_ID_RE.test(v)) return undefined;
  const id = padHex(v, 32);
  return isValidTraceId(id) ? id : undefined;
}

function b3SpanId(v: string | undefined): string | undefined {
  return v !== undefined && B3_SPAN_ID_RE.test(v) && isValidSpanId(v) ? v : undefined;
}

/**
 * Zipkin B3 codec: the `X-B3-*` multi-header form and the single `b3` header.
 *
 * - Multi: `X-B3-TraceId` (16 or 32 lower-hex; 64-bit ids are left-padded to 32),
 *   `X-B3-SpanId` (16 lower-hex), optional `X-B3-ParentSpanId`, `X-B3-Sampled` (`1`/`0`,
 *   leniently `true`/`false`; absent = deferred, which reads as not sampled),
 *   `X-B3-Flags: 1` = debug (implies sampled; `X-B3-Sampled` is then not sent).
 * - Single: `b3: {TraceId}-{SpanId}[-{SamplingState}[-{ParentSpanId}]]`, state `1`, `0` or
 *   `d` (debug). A sampling-only value (`b3: 0`, `b3: 1`, `b3: d`) has no ids, so it yields
 *   `undefined` (the receiver starts a new root, as with no header).
 * - Extraction reads the single header first and falls back to the multi headers when the
 *   single one is absent or invalid. All-zero ids, upper-case or wrong-length hex are invalid;
 *   an invalid parent id is ignored (the valid part is kept).
 * - Injection writes the trace id in its 16-hex form when its high half is zero.
 * - Never throws.
 *
 * @see https://github.com/openzipkin/b3-propagation
 * @example
 * ```ts
 * const b3 = new B3Propagator({ single: true });
 * const ctx = b3.extract({ b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90' }, headerGetter);
 * const out: Record<string, string> = {};
 * b3.inject(ctx!, out, headerSetter); // out.b3 === the same value
 * ```
 */
export class B3Propagator implements Propagator {
  /** `b3` and the five `x-b3-*` names (all are read; the configured form is written). */
  readonly fields: readonly string[] = [B3, TRACE_ID, SPAN_ID, PARENT_SPAN_ID, SAMPLED, FLAGS];
  /** True when this propagator injects the single `b3` header. */
  readonly single: boolean;
  private readonly options: ResolvedPropagatorOptions;

  /** @param options - `single` selects the injected form; limits as in {@link PropagatorOptions}. */
  constructor(options?: B3PropagatorOptions) {
    this.single = options?.single === true;
    this.options = resolvePropagatorOptions(options);
  }

  /**
   * Write the B3 headers of `context` (single or multi). Invalid ids: nothing written. Never throws.
   *
   * Spec: https://github.com/openzipkin/b3-propagation (trace id in 16 hex when its high half is zero).
   *
   * @example
   * ```ts
   * const headers: Record<string, string> = {};
   * new B3Propagator().inject(span.context(), headers, headerSetter); // x-b3-traceid, x-b3-spanid, x-b3-sampled
   * new B3Propagator({ single: true }).inject(span.context(), headers, headerSetter); // b3: {trace}-{span}-1
   * ```
   */
  inject<C>(context: SpanContext, carrier: C, setter: CarrierSetter<C>): void {
    try {
      if (context === null || typeof context !== 'object') return;
      if (!isValidTraceId(context.traceId) || !isValidSpanId(context.spanId)) return;
      const max = this.options.maxHeaderLength;
      const traceId = compactTraceId(context.traceId);
      const parent = isValidSpanId(context.parentSpanId) ? context.parentSpanId : undefined;
      const debug = context.debug === true;
      const sampled = context.sampled === true;
      if (this.single) {
        const state = debug ? 'd' : sampled ? '1' : '0';
        writeHeader(carrier, setter, B3, `${traceId}-${context.spanId}-${state}${parent ? `-${parent}` : ''}`, max);
        return;
      }
      writeHeader(carrier, setter, TRACE_ID, traceId, max);
      writeHeader(carrier, setter, SPAN_ID, context.spanId, max);
      if (parent) writeHeader(carrier, setter, PARENT_SPAN_ID, parent, max);
      if (debug) writeHeader(carrier, setter, FLAGS, '1', max);
      else writeHeader(carrier, setter, SAMPLED, sampled ? '1' : '0', max);
    } catch {
      // never throw into user code
    }
  }

  /**
   * Read a B3 context (single header first, then multi). `undefined` when none is valid. Never throws.
   *
   * A 64-bit trace id is left-padded to 32 hex; `x-b3-flags: 1` (debug) implies sampled.
   *
   * @example
   * ```ts
   * const ctx = new B3Propagator().extract(req.headers, headerGetter);
   * if (ctx) tracer.startSpan('GET /orders', { kind: 'entry', parent: ctx });
   * ```
   */
  extract<C>(carrier: C, getter: CarrierGetter<C>): SpanContext | undefined {
    try {
      const max = this.options.maxHeaderLength;
      const single = readHeader(carrier, getter, B3, max, true);
      if (single !== undefined) {
        const ctx = parseB3Single(single);
        if (ctx) return ctx;
      }
      const traceId = b3TraceId(readHeader(carrier, getter, TRACE_ID, max, true));
      const spanId = b3SpanId(readHeader(carrier, getter, SPAN_ID, max, true));
      if (!traceId || !spanId) return undefined;
      const parentSpanId = b3SpanId(readHeader(carrier, getter, PARENT_SPAN_ID, max, true));
      const sampledRaw = readHeader(carrier, getter, SAMPLED, max, true);
      const debug = readHeader(carrier, getter, FLAGS, max, true) === '1';
      const sampled = debug || sampledRaw === '1' || sampledRaw === 'true';
      const ctx: SpanContext = { traceId, spanId, sampled, debug, baggage: NO_BAGGAGE, isRemote: true };
      if (parentSpanId) ctx.parentSpanId = parentSpanId;
      return ctx;
    } catch {
      return undefined;
    }
  }
}

/**
 * Parse a single `b3` header value (see {@link B3Propagator}). `undefined` when invalid or
 * sampling-only. Never throws.
 * @internal
 */
function parseB3Single(value: string): SpanContext | undefined {
  const parts = value.split('-');
  if (parts.length < 2 || parts.length > 4) return undefined;
  const traceId = b3TraceId(parts[0]);
  const spanId = b3SpanId(parts[1]);
  if (!traceId || !spanId) return undefined;
  const state = parts[2];
  if (state !== undefined && state !== '0' && state !== '1' && state !== 'd') return undefined;
  const debug = state === 'd';
  const ctx: SpanContext = { traceId, spanId, sampled: debug || state === '1', debug, baggage: NO_BAGGAGE, isRemote: true };
  const parentSpanId = b3SpanId(parts[3]);
  if (parentSpanId) ctx.parentSpanId = parentSpanId;
  return ctx;
}
