import type { CarrierGetter, CarrierSetter, Propagator, SpanContext } from '../api/types';
import {
  NO_BAGGAGE,
  type BaggageExtractor,
  baggageEntries,
  boundBaggage,
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

const BAGGAGE = 'baggage';
/** baggage-octet (W3C Baggage §3.3.1): visible ASCII except `"`, `,`, `;`, `\`. */
const VALUE_RE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/;

/**
 * Parse a W3C `baggage` header into `[key, value]` pairs: list members split on `,`,
 * properties after `;` ignored, keys must be RFC 7230 tokens, values must be
 * baggage-octets and are percent-decoded as UTF-8 (invalid sequences → U+FFFD). An invalid
 * member is skipped; the others are kept. Never throws.
 * @internal
 */
function parseBaggageHeader(header: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const member of header.split(',')) {
    const semi = member.indexOf(';');
    const kv = semi === -1 ? member : member.slice(0, semi);
    const eq = kv.indexOf('=');
    if (eq === -1) continue;
    const key = trimOws(kv.slice(0, eq));
    const value = trimOws(kv.slice(eq + 1));
    if (!TOKEN_RE.test(key) || !VALUE_RE.test(value)) continue;
    out.push([key, percentDecode(value)]);
  }
  return out;
}

/**
 * W3C Baggage codec for the `baggage` header.
 *
 * - Inject: `key=percent-encoded-value` members joined with `,` from `context.baggage`;
 *   keys that are not RFC 7230 tokens are skipped; at most `maxBaggageItems` members and
 *   `maxBaggageBytes` bytes of header (defaults 64 / 8192, the spec's limits). Percent
 *   encoding means CR/LF/control characters can never reach the header.
 * - Extract: carries no trace ids, so {@link W3CBaggagePropagator.extract} always returns
 *   `undefined`; use {@link W3CBaggagePropagator.extractBaggage} (the
 *   {@link CompositePropagator} does) to read the items. Properties (`;k=v`) are ignored,
 *   invalid members skipped, limits applied, a header longer than `maxHeaderLength` ignored.
 * - Never throws.
 *
 * @see https://www.w3.org/TR/baggage/
 * @example
 * ```ts
 * const bag = new W3CBaggagePropagator({ maxBaggageItems: 16 });
 * bag.extractBaggage({ baggage: 'userId=alice,serverNode=DF%2028,isProduction=false' }, headerGetter);
 * // → { userId: 'alice', serverNode: 'DF 28', isProduction: 'false' }
 * ```
 */
export class W3CBaggagePropagator implements Propagator, BaggageExtractor {
  /** `['baggage']`. */
  readonly fields: readonly string[] = [BAGGAGE];
  private readonly options: ResolvedPropagatorOptions;

  /** @param options - baggage limits and maximum header length. */
  constructor(options?: PropagatorOptions) {
    this.options = resolvePropagatorOptions(options);
  }

  /**
   * Write `context.baggage` as the `baggage` header (nothing when empty). Never throws.
   *
   * Spec: https://www.w3.org/TR/baggage/ (values percent-encoded; items over the limits are left out).
   *
   * @example
   * ```ts
   * new W3CBaggagePropagator().inject({ ...span.context(), baggage: { user: 'alice' } }, headers, headerSetter);
   * // headers.baggage === 'user=alice'
   * ```
   */
  inject<C>(context: SpanContext, carrier: C, setter: CarrierSetter<C>): void {
    try {
      if (context === null || typeof context !== 'object') return;
      const { maxBaggageItems, maxBaggageBytes, maxHeaderLength } = this.options;
      const maxLen = Math.min(maxBaggageBytes, maxHeaderLength);
      const entries = baggageEntries(context.baggage);
      if (entries.length === 0) return; // the usual case: no iterator made for an empty list
      let header = '';
      let count = 0;
      for (const [key, value] of entries) {
        if (count >= maxBaggageItems) break;
        if (!TOKEN_RE.test(key)) continue;
        const member = `${key}=${percentEncode(value)}`;
        const next = header.length === 0 ? member : `${header},${member}`;
        if (utf8Length(next) > maxLen) continue;
        header = next;
        count++;
      }
      if (header.length > 0) writeHeader(carrier, setter, BAGGAGE, header, maxHeaderLength);
    } catch {
      // never throw into user code
    }
  }

  /**
   * Always `undefined`: baggage alone is not a trace context (see {@link extractBaggage}). Never throws.
   *
   * @example
   * ```ts
   * new W3CBaggagePropagator().extract({ baggage: 'a=1' }, headerGetter); // undefined
   * ```
   */
  extract<C>(_carrier: C, _getter: CarrierGetter<C>): SpanContext | undefined {
    return undefined;
  }

  /**
   * Read the `baggage` header's items, bounded by the limits. `{}` when absent or invalid. Never throws.
   *
   * @example
   * ```ts
   * new W3CBaggagePropagator().extractBaggage({ baggage: 'user=alice,tenant=acme;prop=1' }, headerGetter);
   * // { user: 'alice', tenant: 'acme' }
   * ```
   */
  extractBaggage<C>(carrier: C, getter: CarrierGetter<C>): Readonly<Record<string, string>> {
    try {
      const header = readHeader(carrier, getter, BAGGAGE, this.options.maxHeaderLength, true);
      if (header === undefined) return NO_BAGGAGE;
      return boundBaggage(parseBaggageHeader(header), this.options.maxBaggageItems, this.options.maxBaggageBytes);
    } catch {
      return NO_BAGGAGE;
    }
  }
}
