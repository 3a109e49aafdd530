import type { CarrierGetter, CarrierSetter, Propagator, SpanContext } from '../api/types';
import {
  NO_BAGGAGE,
  type BaggageExtractor,
  baggageEntries,
  boundBaggage,
  carrierKeys,
  compactTraceId,
  isValidSpanId,
  isValidTraceId,
  padHex,
  percentDecode,
  percentEncode,
  readHeader,
  resolvePropagatorOptions,
  type PropagatorOptions,
  type ResolvedPropagatorOptions,
  TOKEN_RE,
  trimOws,
  utf8Length,
  writeHeader,
} from './common';

const UBER_TRACE_ID = 'uber-trace-id';
const DEBUG_ID = 'jaeger-debug-id';
const JAEGER_BAGGAGE = 'jaeger-baggage';
const BAGGAGE_PREFIX = 'uberctx-';

const TRACE_HEX_RE = /^[0-9a-fA-F]{1,32}$/;
const SPAN_HEX_RE = /^[0-9a-fA-F]{1,16}$/;
const FLAGS_RE = /^[0-9a-fA-F]{1,2}$/;
/** A debug id is kept only when it is short visible ASCII. */
const DEBUG_ID_RE = /^[\x21-\x7e](?:[\x20-\x7e]{0,254}[\x21-\x7e])?$/;

/** True when `name` is `uberctx-` (any case) followed by at least one character; no allocation. */
function hasBaggagePrefix(name: string): boolean {
  const n = BAGGAGE_PREFIX.length;
  if (name.length <= n) return false;
  for (let i = 0; i < n; i++) {
    let c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== BAGGAGE_PREFIX.charCodeAt(i)) return false;
  }
  return true;
}

const FLAG_SAMPLED = 0x1;
const FLAG_DEBUG = 0x2;

/**
 * Parse an `uber-trace-id` value `{trace-id}:{span-id}:{parent-span-id}:{flags}` (hex,
 * leading zeros optional, any case; URL-encoded values are decoded first). Returns
 * `undefined` when invalid or when the trace or span id is zero. Never throws.
 * @internal
 */
function parseUberTraceId(
  raw: string,
): { traceId: string; spanId: string; parentSpanId?: string; flags: number } | undefined {
  const value = raw.indexOf('%') === -1 ? raw : percentDecode(raw);
  const parts = value.split(':');
  if (parts.length !== 4) return undefined;
  const [t, s, p, f] = parts as [string, string, string, string];
  if (!TRACE_HEX_RE.test(t) || !SPAN_HEX_RE.test(s) || !SPAN_HEX_RE.test(p) || !FLAGS_RE.test(f)) return undefined;
  const traceId = padHex(t.toLowerCase(), 32);
  const spanId = padHex(s.toLowerCase(), 16);
  if (!isValidTraceId(traceId) || !isValidSpanId(spanId)) return undefined;
  const parent = padHex(p.toLowerCase(), 16);
  const out: { traceId: string; spanId: string; parentSpanId?: string; flags: number } = {
    traceId,
    spanId,
    flags: parseInt(f, 16),
  };
  if (isValidSpanId(parent)) out.parentSpanId = parent;
  return out;
}

/**
 * Jaeger native codec: `uber-trace-id`, `uberctx-{key}` baggage, `jaeger-debug-id`
 * (and the ad-hoc `jaeger-baggage: k1=v1, k2=v2` header on extract).
 *
 * - `uber-trace-id: {trace-id}:{span-id}:{parent-span-id}:{flags}`; on input hex may omit
 *   leading zeros and be in any case, and the value may be URL-encoded (`%3A`); ids are
 *   normalised to 32/16 lower-hex. Flags: `0x1` sampled, `0x2` debug. Parent `0` = none.
 *   Injected trace ids are 16 hex when the high half is zero, else 32; flags as hex (`1`, `3`).
 * - `uberctx-{key}`: one header per baggage item, value URL-decoded on extract and
 *   URL-encoded on inject (so CR/LF cannot reach a header); keys that are not header tokens
 *   are skipped; limits from {@link PropagatorOptions}. Header names are case-insensitive,
 *   so extracted keys are lower-cased (as jaeger-client-go does). Extracting `uberctx-*` needs a
 *   carrier whose keys can be listed (see {@link KeyedCarrierGetter}).
 * - `jaeger-debug-id` (with a valid `uber-trace-id`): `debug` and `sampled` forced on and
 *   `debugId` set. A debug id without a valid `uber-trace-id` cannot be represented by a
 *   {@link SpanContext} (no ids) and yields `undefined`. The debug id is never injected.
 * - Never throws.
 *
 * @see https://www.jaegertracing.io/docs/latest/client-libraries/#propagation-format
 * @example
 * ```ts
 * const jaeger = new JaegerPropagator();
 * jaeger.extract({ 'uber-trace-id': '6bd5ef1a7e0bab3c:6bd5ef1a7e0bab3c:0:1', 'uberctx-user': 'ann' }, headerGetter);
 * // → { traceId: '00000000000000006bd5ef1a7e0bab3c', spanId: '6bd5ef1a7e0bab3c', sampled: true, baggage: { user: 'ann' }, … }
 * ```
 */
export class JaegerPropagator implements Propagator, BaggageExtractor {
  /** Fixed header names; baggage headers are `uberctx-{key}` (see {@link JaegerPropagator.baggagePrefix}). */
  readonly fields: readonly string[] = [UBER_TRACE_ID, DEBUG_ID, JAEGER_BAGGAGE];
  /** Prefix of the per-item baggage headers: `uberctx-`. */
  readonly baggagePrefix: string = BAGGAGE_PREFIX;
  private readonly options: ResolvedPropagatorOptions;

  /** @param options - baggage limits and maximum header length. */
  constructor(options?: PropagatorOptions) {
    this.options = resolvePropagatorOptions(options);
  }

  /**
   * Write `uber-trace-id` and one `uberctx-{key}` per baggage item. Invalid ids: nothing written. Never throws.
   *
   * Spec: https://www.jaegertracing.io/docs/latest/client-libraries/#propagation-format
   *
   * @example
   * ```ts
   * new JaegerPropagator().inject(span.context(), headers, headerSetter);
   * // headers['uber-trace-id'] === '4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1' ({trace}:{span}:{parent or 0}:{flags})
   * ```
   */
  inject<C>(context: SpanContext, carrier: C, setter: CarrierSetter<C>): void {
    try {
      if (context === null || typeof context !== 'object') return;
      if (!isValidTraceId(context.traceId) || !isValidSpanId(context.spanId)) return;
      const { maxBaggageItems, maxBaggageBytes, maxHeaderLength } = this.options;
      const flags = (context.sampled === true || context.debug === true ? FLAG_SAMPLED : 0) | (context.debug === true ? FLAG_DEBUG : 0);
      const parent = isValidSpanId(context.parentSpanId) ? context.parentSpanId : '0';
      const value = `${compactTraceId(context.traceId)}:${context.spanId}:${parent}:${flags.toString(16)}`;
      if (!writeHeader(carrier, setter, UBER_TRACE_ID, value, maxHeaderLength)) return;
      let count = 0;
      let bytes = 0;
      for (const [key, raw] of baggageEntries(context.baggage)) {
        if (count >= maxBaggageItems) break;
        const name = BAGGAGE_PREFIX + key;
        if (!TOKEN_RE.test(key)) continue;
        const encoded = percentEncode(raw);
        const size = utf8Length(key) + encoded.length;
        if (bytes + size > maxBaggageBytes) continue;
        if (writeHeader(carrier, setter, name, encoded, maxHeaderLength)) {
          count++;
          bytes += size;
        }
      }
    } catch {
      // never throw into user code
    }
  }

  /**
   * Read `uber-trace-id` (+ baggage, debug id). `undefined` when absent or invalid. Never throws.
   *
   * Short ids are left-padded with zeros; a valid `jaeger-debug-id` next to it marks the context debug (and sampled).
   *
   * @example
   * ```ts
   * const ctx = new JaegerPropagator().extract({ 'uber-trace-id': 'abc:def:0:1' }, headerGetter);
   * ctx?.traceId; // '00000000000000000000000000000abc'
   * ```
   */
  extract<C>(carrier: C, getter: CarrierGetter<C>): SpanContext | undefined {
    try {
      const raw = readHeader(carrier, getter, UBER_TRACE_ID, this.options.maxHeaderLength, true);
      if (raw === undefined) return undefined;
      const parsed = parseUberTraceId(raw);
      if (!parsed) return undefined;
      const debugIdRaw = readHeader(carrier, getter, DEBUG_ID, this.options.maxHeaderLength, true);
      const debugId = debugIdRaw !== undefined && DEBUG_ID_RE.test(debugIdRaw) ? debugIdRaw : undefined;
      const debug = (parsed.flags & FLAG_DEBUG) !== 0 || debugId !== undefined;
      const ctx: SpanContext = {
        traceId: parsed.traceId,
        spanId: parsed.spanId,
        sampled: debug || (parsed.flags & FLAG_SAMPLED) !== 0,
        debug,
        baggage: this.extractBaggage(carrier, getter),
        isRemote: true,
      };
      if (parsed.parentSpanId) ctx.parentSpanId = parsed.parentSpanId;
      if (debugId !== undefined) ctx.debugId = debugId;
      return ctx;
    } catch {
      return undefined;
    }
  }

  /**
   * Read `uberctx-*` and `jaeger-baggage` items (URL-decoded, bounded). `{}` when none. Never throws.
   *
   * @example
   * ```ts
   * new JaegerPropagator().extractBaggage({ 'uberctx-user': 'alice%20b' }, headerGetter); // { user: 'alice b' }
   * ```
   */
  extractBaggage<C>(carrier: C, getter: CarrierGetter<C>): Readonly<Record<string, string>> {
    try {
      const { maxBaggageItems, maxBaggageBytes, maxHeaderLength } = this.options;
      // Made on the first item: most requests carry no Jaeger baggage.
      let entries: Array<[string, string]> | undefined;
      for (const name of carrierKeys(carrier, getter)) {
        if (!hasBaggagePrefix(name)) continue;
        const key = name.slice(BAGGAGE_PREFIX.length).toLowerCase();
        if (!TOKEN_RE.test(key)) continue;
        const value = readHeader(carrier, getter, name, maxHeaderLength);
        if (value !== undefined) (entries ??= []).push([key, percentDecode(value)]);
        if (entries !== undefined && entries.length >= maxBaggageItems * 4) break;
      }
      const adHoc = readHeader(carrier, getter, JAEGER_BAGGAGE, maxHeaderLength, true);
      if (adHoc !== undefined) {
        for (const item of adHoc.split(',')) {
          const eq = item.indexOf('=');
          if (eq === -1) continue;
          const key = trimOws(item.slice(0, eq));
          if (TOKEN_RE.test(key)) (entries ??= []).push([key, trimOws(item.slice(eq + 1))]);
        }
      }
      return entries === undefined ? NO_BAGGAGE : boundBaggage(entries, maxBaggageItems, maxBaggageBytes);
    } catch {
      return NO_BAGGAGE;
    }
  }
}
