import { createHash } from 'node:crypto';
import type { CarrierGetter, CarrierSetter, Propagator, SpanContext, Sw8Data } from '../api/types';
import {
  NO_BAGGAGE,
  type BaggageExtractor,
  baggageEntries,
  boundBaggage,
  isValidSpanId,
  isValidTraceId,
  readHeader,
  resolvePropagatorOptions,
  type PropagatorOptions,
  type ResolvedPropagatorOptions,
  utf8Length,
  writeHeader,
} from './common';

const SW8 = 'sw8';
const SW8_CORRELATION = 'sw8-correlation';

/** Default maximum number of `sw8-correlation` keys (SkyWalking agents' `correlation.element_max_number`). */
export const DEFAULT_MAX_CORRELATION_ITEMS = 3;
/** Default maximum bytes of one `sw8-correlation` value (SkyWalking agents' `correlation.value_max_length`). */
export const DEFAULT_MAX_CORRELATION_VALUE_BYTES = 128;

/** Bytes kept of each text field (service, instance, endpoint, address) on inject, so `sw8` stays under 2 KiB. */
const MAX_TEXT_FIELD_BYTES = 150;
/** Trace and segment ids: visible ASCII, at most 128 characters. */
const ID_RE = /^[\x21-\x7e]{1,128}$/;
const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const INT_RE = /^[0-9]{1,10}$/;
const MAX_SPAN_INDEX = 0x7fffffff;
const HEX32_RE = /^[0-9a-fA-F]{32}$/;
const HEX16_RE = /^[0-9a-fA-F]{16}$/;
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Options of {@link SkyWalkingPropagator}.
 *
 * @example
 * ```ts
 * new SkyWalkingPropagator({ maxCorrelationItems: 5, maxCorrelationValueBytes: 256 });
 * ```
 */
export interface SkyWalkingPropagatorOptions extends PropagatorOptions {
  /** Maximum `sw8-correlation` keys read or written (default 3, as SkyWalking's agents). */
  maxCorrelationItems?: number;
  /** Maximum UTF-8 bytes of one `sw8-correlation` value; longer items are skipped (default 128). */
  maxCorrelationValueBytes?: number;
}

/**
 * The 32-hex trace id used for a SkyWalking trace id: the id itself (lower-cased) when it
 * already is 32 hex and not all zeros (our own ids, the Node agent's UUIDs), else the first
 * 32 hex characters of its SHA-256 (Java-style ids such as `a4ec…97e6.74.16218381104550009`).
 * Deterministic, so every service joining the trace derives the same id.
 *
 * @example
 * ```ts
 * deriveSw8TraceId('1f2d4bf47bf711eab794acde48001122'); // '1f2d4bf47bf711eab794acde48001122'
 * deriveSw8TraceId('a.b.c'); // sha256('a.b.c').slice(0, 32)
 * ```
 */
export function deriveSw8TraceId(rawTraceId: string): string {
  if (HEX32_RE.test(rawTraceId)) {
    const id = rawTraceId.toLowerCase();
    if (isValidTraceId(id)) return id;
  }
  const h = createHash('sha256').update(rawTraceId, 'utf8').digest('hex').slice(0, 32);
  return isValidTraceId(h) ? h : '00000000000000000000000000000001';
}

/**
 * The 16-hex span id standing for span `spanIndex` of SkyWalking segment `segmentId`: the
 * segment id itself when it is 16 hex and `spanIndex` is 0 (so a segment id equal to the
 * first span's id maps back to that span), else the first 16 hex characters of
 * SHA-256(`segmentId:spanIndex`). Deterministic.
 *
 * @example
 * ```ts
 * deriveSw8SpanId('00f067aa0ba902b7', 0); // '00f067aa0ba902b7'
 * deriveSw8SpanId('1e7c204a7bf711eab858acde48001122', 0); // sha256 prefix
 * ```
 */
export function deriveSw8SpanId(segmentId: string, spanIndex: number): string {
  if (spanIndex === 0 && HEX16_RE.test(segmentId)) {
    const id = segmentId.toLowerCase();
    if (isValidSpanId(id)) return id;
  }
  const h = createHash('sha256').update(`${segmentId}:${spanIndex}`, 'utf8').digest('hex').slice(0, 16);
  return isValidSpanId(h) ? h : '0000000000000001';
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

function unb64(s: string | undefined): string | undefined {
  if (s === undefined || !B64_RE.test(s) || s.length % 4 === 1) return undefined;
  return Buffer.from(s, 'base64').toString('utf8');
}

/** Remove control characters and cut to `maxBytes` UTF-8 bytes without splitting a character. */
function cleanText(s: unknown, maxBytes: number): string {
  if (typeof s !== 'string') return '';
  let out = s.replace(CONTROL_RE, '');
  if (utf8Length(out) <= maxBytes) return out;
  let bytes = 0;
  let end = 0;
  for (const ch of out) {
    const n = utf8Length(ch);
    if (bytes + n > maxBytes) break;
    bytes += n;
    end += ch.length;
  }
  out = out.slice(0, end);
  return out;
}

/**
 * Parse an `sw8` value (see {@link SkyWalkingPropagator}) into its {@link Sw8Data} and
 * sampling flag. `undefined` when invalid. Never throws.
 * @internal
 */
function parseSw8(value: string): { sampled: boolean; data: Sw8Data } | undefined {
  const parts = value.split('-');
  if (parts.length !== 8) return undefined;
  const [sample, t, seg, idx, svc, inst, ep, addr] = parts as [string, string, string, string, string, string, string, string];
  if (sample !== '0' && sample !== '1') return undefined;
  const traceId = unb64(t);
  const segmentId = unb64(seg);
  if (traceId === undefined || segmentId === undefined || !ID_RE.test(traceId) || !ID_RE.test(segmentId)) return undefined;
  if (!INT_RE.test(idx)) return undefined;
  const spanId = parseInt(idx, 10);
  if (spanId > MAX_SPAN_INDEX) return undefined;
  const texts = [unb64(svc), unb64(inst), unb64(ep), unb64(addr)];
  if (texts.some((x) => x === undefined)) return undefined;
  const [service, serviceInstance, endpoint, targetAddress] = texts.map((x) => cleanText(x, 1024)) as [string, string, string, string];
  return { sampled: sample === '1', data: { traceId, segmentId, spanId, service, serviceInstance, endpoint, targetAddress } };
}

/**
 * Apache SkyWalking codec: `sw8` (Cross Process Propagation Headers Protocol v3) and
 * `sw8-correlation` (Cross Process Correlation Headers Protocol v1).
 *
 * - `sw8: {sample}-{traceId}-{segmentId}-{spanId}-{service}-{instance}-{endpoint}-{target}`:
 *   sample `0`/`1`; trace id, parent segment id, parent service, instance, endpoint and
 *   target address base64-encoded (UTF-8); span id a decimal integer ≥ 0.
 * - Extract: the caller's data goes to `SpanContext.sw8` (raw trace id, its segment id, its
 *   exit span's index, service, instance, endpoint, the address it called).
 *   `traceId` = {@link deriveSw8TraceId}(raw trace id), `spanId` =
 *   {@link deriveSw8SpanId}(segment id, span id), `sampled` = sample flag, `isRemote` true.
 *   Control characters are stripped from the text fields.
 * - Inject: uses `context.sw8` (the core fills it with THIS span's data); without it, a valid
 *   header is synthesised: trace id = `context.traceId`, segment id = `context.spanId`, span
 *   id 0, service/instance/endpoint/target `-`. Text fields are cut to 150 bytes each so the
 *   header stays under the spec's 2 KiB; empty text fields are sent as `-`.
 * - `sw8-correlation: base64(key):base64(value),…` carries baggage; at most
 *   `maxCorrelationItems` (3) keys with values ≤ `maxCorrelationValueBytes` (128 bytes).
 * - Never throws.
 *
 * @see https://skywalking.apache.org/docs/main/next/en/api/x-process-propagation-headers-v3/
 * @see https://skywalking.apache.org/docs/main/next/en/api/x-process-correlation-headers-v1/
 * @example
 * ```ts
 * const sw = new SkyWalkingPropagator();
 * const ctx = sw.extract({ sw8: '1-MWYy…-MWU3…-0-c2VydmljZQ==-aW5zdGFuY2U=-L2FwcA==-MTI3LjAuMC4xOjgwODA=' }, headerGetter);
 * ctx?.sw8?.service; // 'service'
 * ```
 */
export class SkyWalkingPropagator implements Propagator, BaggageExtractor {
  /** `['sw8', 'sw8-correlation']`. */
  readonly fields: readonly string[] = [SW8, SW8_CORRELATION];
  private readonly options: ResolvedPropagatorOptions;
  private readonly maxCorrelationItems: number;
  private readonly maxCorrelationValueBytes: number;

  /** @param options - correlation limits, baggage limits and maximum header length. */
  constructor(options?: SkyWalkingPropagatorOptions) {
    this.options = resolvePropagatorOptions(options);
    const items = options?.maxCorrelationItems;
    const bytes = options?.maxCorrelationValueBytes;
    this.maxCorrelationItems = typeof items === 'number' && Number.isFinite(items) && items >= 0 ? Math.floor(items) : DEFAULT_MAX_CORRELATION_ITEMS;
    this.maxCorrelationValueBytes =
      typeof bytes === 'number' && Number.isFinite(bytes) && bytes >= 0 ? Math.floor(bytes) : DEFAULT_MAX_CORRELATION_VALUE_BYTES;
  }

  /**
   * Write `sw8` (from `context.sw8` or synthesised) and `sw8-correlation`. Invalid ids: nothing written. Never throws.
   *
   * Spec: https://skywalking.apache.org/docs/main/next/en/api/x-process-propagation-headers-v3/
   *
   * @example
   * ```ts
   * new SkyWalkingPropagator().inject(span.context(), headers, headerSetter);
   * // headers.sw8 === '1-{base64 trace id}-{base64 segment id}-{span id}-{base64 service}-{base64 instance}-{base64 endpoint}-{base64 peer}'
   * ```
   */
  inject<C>(context: SpanContext, carrier: C, setter: CarrierSetter<C>): void {
    try {
      if (context === null || typeof context !== 'object') return;
      if (!isValidTraceId(context.traceId) || !isValidSpanId(context.spanId)) return;
      const sw = validSw8(context.sw8) ?? {
        traceId: context.traceId,
        segmentId: context.spanId,
        spanId: 0,
        service: '-',
        serviceInstance: '-',
        endpoint: '-',
        targetAddress: '-',
      };
      const text = (s: string): string => b64(cleanText(s, MAX_TEXT_FIELD_BYTES) || '-');
      const value = [
        context.sampled === true || context.debug === true ? '1' : '0',
        b64(sw.traceId),
        b64(sw.segmentId),
        String(sw.spanId),
        text(sw.service),
        text(sw.serviceInstance),
        text(sw.endpoint),
        text(sw.targetAddress),
      ].join('-');
      if (!writeHeader(carrier, setter, SW8, value, this.options.maxHeaderLength)) return;
      const items: string[] = [];
      for (const [key, val] of baggageEntries(context.baggage)) {
        if (items.length >= Math.min(this.maxCorrelationItems, this.options.maxBaggageItems)) break;
        if (key.length === 0 || utf8Length(key) > this.maxCorrelationValueBytes || utf8Length(val) > this.maxCorrelationValueBytes) continue;
        items.push(`${b64(key)}:${b64(val)}`);
      }
      if (items.length > 0) writeHeader(carrier, setter, SW8_CORRELATION, items.join(','), this.options.maxHeaderLength);
    } catch {
      // never throw into user code
    }
  }

  /**
   * Read `sw8` (+ `sw8-correlation`). `undefined` when absent or invalid. Never throws.
   *
   * @example
   * ```ts
   * const ctx = new SkyWalkingPropagator().extract(req.headers, headerGetter);
   * ctx?.sw8?.service; // the caller's service name
   * ```
   */
  extract<C>(carrier: C, getter: CarrierGetter<C>): SpanContext | undefined {
    try {
      const raw = readHeader(carrier, getter, SW8, this.options.maxHeaderLength, true);
      if (raw === undefined) return undefined;
      const parsed = parseSw8(raw);
      if (!parsed) return undefined;
      return {
        traceId: deriveSw8TraceId(parsed.data.traceId),
        spanId: deriveSw8SpanId(parsed.data.segmentId, parsed.data.spanId),
        sampled: parsed.sampled,
        debug: false,
        baggage: this.extractBaggage(carrier, getter),
        isRemote: true,
        sw8: parsed.data,
      };
    } catch {
      return undefined;
    }
  }

  /**
   * Read `sw8-correlation` items (bounded). `{}` when absent or invalid. Never throws.
   *
   * Spec: https://skywalking.apache.org/docs/main/next/en/api/x-process-correlation-headers-v1/
   *
   * @example
   * ```ts
   * new SkyWalkingPropagator().extractBaggage(req.headers, headerGetter); // { tenant: 'acme' } from sw8-correlation
   * ```
   */
  extractBaggage<C>(carrier: C, getter: CarrierGetter<C>): Readonly<Record<string, string>> {
    try {
      const raw = readHeader(carrier, getter, SW8_CORRELATION, this.options.maxHeaderLength, true);
      if (raw === undefined) return NO_BAGGAGE;
      const entries: Array<[string, string]> = [];
      for (const item of raw.split(',')) {
        if (entries.length >= this.maxCorrelationItems) break;
        const parts = item.trim().split(':');
        if (parts.length !== 2) continue;
        const key = unb64(parts[0]);
        const value = unb64(parts[1]);
        if (key === undefined || value === undefined || key.length === 0) continue;
        if (utf8Length(value) > this.maxCorrelationValueBytes) continue;
        entries.push([key, value]);
      }
      return boundBaggage(entries, this.options.maxBaggageItems, this.options.maxBaggageBytes);
    } catch {
      return NO_BAGGAGE;
    }
  }
}

/** `sw` when it is usable for injection (ids visible ASCII ≤ 128 chars, span index a non-negative int). */
function validSw8(sw: unknown): Sw8Data | undefined {
  if (sw === null || typeof sw !== 'object') return undefined;
  const d = sw as Partial<Sw8Data>;
  if (typeof d.traceId !== 'string' || !ID_RE.test(d.traceId)) return undefined;
  if (typeof d.segmentId !== 'string' || !ID_RE.test(d.segmentId)) return undefined;
  if (typeof d.spanId !== 'number' || !Number.isInteger(d.spanId) || d.spanId < 0 || d.spanId > MAX_SPAN_INDEX) return undefined;
  return {
    traceId: d.traceId,
    segmentId: d.segmentId,
    spanId: d.spanId,
    service: typeof d.service === 'string' ? d.service : '-',
    serviceInstance: typeof d.serviceInstance === 'string' ? d.serviceInstance : '-',
    endpoint: typeof d.endpoint === 'string' ? d.endpoint : '-',
    targetAddress: typeof d.targetAddress === 'string' ? d.targetAddress : '-',
  };
}
