import type { CarrierGetter, CarrierSetter, Propagator, SpanContext } from '../api/types';
import {
  NO_BAGGAGE,
  isNonZeroLowerHexAt,
  isValidSpanId,
  isValidTraceId,
  readHeader,
  resolvePropagatorOptions,
  type PropagatorOptions,
  type ResolvedPropagatorOptions,
  writeHeader,
} from './common';

const TRACEPARENT = 'traceparent';
const TRACESTATE = 'tracestate';
/** Length of a version-00 `traceparent` value. */
const TRACEPARENT_LENGTH = 55;

/** tracestate key: simple-key or tenant@system multi-tenant key (Trace Context level 1, §3.3.1.3.1). */
const TS_KEY_RE = /^(?:[a-z][a-z0-9_\-*/]{0,255}|[a-z0-9][a-z0-9_\-*/]{0,240}@[a-z][a-z0-9_\-*/]{0,13})$/;
/** tracestate value: up to 256 printable characters except `,` and `=`, not ending in a space. */
const TS_VALUE_RE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
/** Maximum list members in tracestate (spec: 32). */
const TS_MAX_MEMBERS = 32;
/** Length a vendor should propagate at least; we cut to it on inject (spec §3.3.1.5). */
const TS_MAX_LENGTH = 512;
/** Members longer than this are dropped first when tracestate must be truncated. */
const TS_LONG_MEMBER = 128;

/**
 * Parse and normalise a `tracestate` value: list members trimmed, empty members removed,
 * keys/values validated, at most 32 members, no duplicate keys. Returns `undefined` when the
 * header is invalid (the spec says an unparsable tracestate must not be propagated).
 * @internal
 */
function parseTraceState(value: string): string[] | undefined {
  const members: string[] = [];
  const keys = new Set<string>();
  for (const part of value.split(',')) {
    const m = part.replace(/^[ \t]+|[ \t]+$/g, '');
    if (m.length === 0) continue;
    const eq = m.indexOf('=');
    if (eq <= 0) return undefined;
    const key = m.slice(0, eq);
    const val = m.slice(eq + 1);
    if (!TS_KEY_RE.test(key) || !TS_VALUE_RE.test(val) || keys.has(key)) return undefined;
    keys.add(key);
    members.push(m);
    if (members.length > TS_MAX_MEMBERS) return undefined;
  }
  return members.length > 0 ? members : undefined;
}

/** Cut a member list to at most 512 characters: drop members over 128 characters first, then from the end. */
function truncateTraceState(members: string[]): string {
  let joined = members.join(',');
  if (joined.length <= TS_MAX_LENGTH) return joined;
  let kept = members.filter((m) => m.length <= TS_LONG_MEMBER);
  joined = kept.join(',');
  while (joined.length > TS_MAX_LENGTH && kept.length > 0) {
    kept = kept.slice(0, -1);
    joined = kept.join(',');
  }
  return joined;
}

/**
 * W3C Trace Context (level 1) codec for the `traceparent` and `tracestate` headers.
 *
 * - `traceparent: {version}-{trace-id}-{parent-id}-{trace-flags}`, lower-case hex only.
 *   Version `00` must be exactly 55 characters; version `ff` is invalid; a higher version is
 *   parsed per spec (the first four fields, then `-` or end of value). All-zero trace or
 *   parent ids are invalid. Only the `sampled` flag (bit 0) is read.
 * - `tracestate` is kept (validated and normalised) only when `traceparent` is valid, and
 *   passed through on inject (cut to 512 characters as the spec allows).
 * - Baggage is not part of this format: see {@link W3CBaggagePropagator}.
 * - `extract` and `inject` never throw; an invalid header yields `undefined` / writes nothing.
 *   The `debug` flag has no W3C encoding: a debug context is injected as sampled.
 *
 * @see https://www.w3.org/TR/trace-context/
 * @example
 * ```ts
 * const w3c = new W3CTraceContextPropagator();
 * const ctx = w3c.extract(
 *   { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
 *   headerGetter,
 * ); // { traceId: '4bf9…4736', spanId: '00f067aa0ba902b7', sampled: true, … }
 * const out: Record<string, string> = {};
 * w3c.inject(ctx!, out, headerSetter);
 * ```
 */
export class W3CTraceContextPropagator implements Propagator {
  /** `['traceparent', 'tracestate']`. */
  readonly fields: readonly string[] = [TRACEPARENT, TRACESTATE];
  private readonly options: ResolvedPropagatorOptions;

  /** @param options - size limits (only `maxHeaderLength` applies to this format). */
  constructor(options?: PropagatorOptions) {
    this.options = resolvePropagatorOptions(options);
  }

  /**
   * Write `traceparent` (and `tracestate` when the context has a valid one). Invalid ids: nothing written. Never throws.
   *
   * Spec: https://www.w3.org/TR/trace-context/ (version 00).
   *
   * @example
   * ```ts
   * new W3CTraceContextPropagator().inject(span.context(), headers, headerSetter);
   * // headers.traceparent === '00-{32 hex trace}-{16 hex span}-01'
   * ```
   */
  inject<C>(context: SpanContext, carrier: C, setter: CarrierSetter<C>): void {
    try {
      if (context === null || typeof context !== 'object') return;
      if (!isValidTraceId(context.traceId) || !isValidSpanId(context.spanId)) return;
      const flags = context.sampled === true || context.debug === true ? '01' : '00';
      const max = this.options.maxHeaderLength;
      if (TRACEPARENT_LENGTH > max) return;
      // Safe by construction (checked lower-case hex ids, '-' and fixed flags): written without
      // writeHeader's per-character scan of the value.
      try {
        setter(carrier, TRACEPARENT, `00-${context.traceId}-${context.spanId}-${flags}`);
      } catch {
        return;
      }
      if (typeof context.traceState === 'string' && context.traceState.length <= max) {
        const members = parseTraceState(context.traceState);
        if (members) {
          const ts = truncateTraceState(members);
          if (ts.length > 0) writeHeader(carrier, setter, TRACESTATE, ts, max);
        }
      }
    } catch {
      // never throw into user code
    }
  }

  /**
   * Read `traceparent`/`tracestate`. Returns `undefined` for an absent or invalid `traceparent`. Never throws.
   *
   * @example
   * ```ts
   * const ctx = new W3CTraceContextPropagator().extract(
   *   { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }, headerGetter);
   * ctx?.sampled; // true
   * ```
   */
  extract<C>(carrier: C, getter: CarrierGetter<C>): SpanContext | undefined {
    try {
      const tp = readHeader(carrier, getter, TRACEPARENT, this.options.maxHeaderLength, true);
      if (tp === undefined) return undefined;
      const flags = traceParentFlags(tp);
      if (flags < 0) return undefined;
      const ctx: SpanContext = {
        traceId: tp.slice(3, 35),
        spanId: tp.slice(36, 52),
        sampled: (flags & 1) === 1,
        debug: false,
        baggage: NO_BAGGAGE,
        isRemote: true,
      };
      const tsRaw = readHeader(carrier, getter, TRACESTATE, this.options.maxHeaderLength, true);
      if (tsRaw !== undefined) {
        const members = parseTraceState(tsRaw);
        if (members) ctx.traceState = members.join(',');
      }
      return ctx;
    } catch {
      return undefined;
    }
  }
}

/**
 * Check a `traceparent` value per Trace Context level 1 §3.2 (see the class doc): its
 * trace-flags byte (0–255) when valid, -1 when not. The trace id is then at [3, 35) and the
 * parent id at [36, 52). Never throws.
 * @internal
 */
function traceParentFlags(tp: string): number {
  // Validated in place, one char code at a time: nothing is allocated for a bad header.
  const len = tp.length;
  if (len < 55) return -1;
  const v0 = hexValue(tp.charCodeAt(0));
  const v1 = hexValue(tp.charCodeAt(1));
  if (v0 < 0 || v1 < 0 || (v0 === 15 && v1 === 15)) return -1; // version ff is invalid
  if (v0 === 0 && v1 === 0 && len !== 55) return -1; // version 00 is exactly 55 chars
  if (len > 55 && tp.charCodeAt(55) !== DASH) return -1; // a future version's extra fields follow a '-'
  if (tp.charCodeAt(2) !== DASH || tp.charCodeAt(35) !== DASH || tp.charCodeAt(52) !== DASH) return -1;
  if (!isNonZeroLowerHexAt(tp, 3, 35) || !isNonZeroLowerHexAt(tp, 36, 52)) return -1;
  const f0 = hexValue(tp.charCodeAt(53));
  const f1 = hexValue(tp.charCodeAt(54));
  if (f0 < 0 || f1 < 0) return -1;
  return f0 * 16 + f1;
}

const DASH = 0x2d;

/** Value of a lower-case hex digit's char code, -1 for anything else. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}
