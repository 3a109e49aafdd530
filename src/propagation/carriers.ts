/**
 * Carrier getters and setters for the propagators: `node:http` header objects, plain objects,
 * `http.ClientRequest`-like objects, `@grpc/grpc-js` `Metadata`, and get/set function pairs.
 *
 * Getters are case-insensitive. A header that arrives several times (an array value) yields
 * its first value, except for the list-valued headers `baggage`, `tracestate`,
 * `sw8-correlation` and `jaeger-baggage`, whose values are joined with `,` (RFC 7230 §3.2.2).
 * Setters never throw (a carrier that rejects a value simply does not get it).
 *
 * `@grpc/grpc-js` is not imported: {@link MetadataLike} is a structural type its `Metadata`
 * satisfies.
 *
 * @packageDocumentation
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { CarrierGetter, CarrierSetter } from '../api/types';
import type { KeyedCarrierGetter } from './common';

/** Headers whose repeated values are joined with `,` instead of keeping the first. */
const LIST_HEADERS: ReadonlySet<string> = new Set(['baggage', 'tracestate', 'sw8-correlation', 'jaeger-baggage']);

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * `key.toLowerCase()`, but `key` itself when it has no upper-case or non-ASCII character:
 * V8 copies the string on every `toLowerCase()` call even when nothing changes (~40 B per
 * header read on Node 20), and the propagators read their headers by lower-case names.
 * @internal
 * @example
 * ```ts
 * lowerCaseKey('traceparent'); // the same string, no copy
 * lowerCaseKey('X-B3-TraceId'); // 'x-b3-traceid'
 * ```
 */
export function lowerCaseKey(key: string): string {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || c >= 0x80) return key.toLowerCase();
  }
  return key;
}

/**
 * A header-like carrier: `IncomingHttpHeaders` (`req.headers`), `OutgoingHttpHeaders`, or any
 * object of header name → string / string[] / number.
 *
 * @example
 * ```ts
 * const carrier: HeaderCarrier = { traceparent: '00-…-01', 'X-B3-Sampled': ['1', '0'] };
 * ```
 */
export type HeaderCarrier = IncomingHttpHeaders | OutgoingHttpHeaders | Record<string, string | string[] | number | undefined>;

function normalise(value: unknown, lowerKey: string): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) {
    // One value (gRPC metadata's usual shape): no filtered copy.
    if (value.length === 1) return typeof value[0] === 'string' ? value[0] : undefined;
    const strings = value.filter((v): v is string => typeof v === 'string');
    if (strings.length === 0) return undefined;
    return LIST_HEADERS.has(lowerKey) ? strings.join(',') : strings[0];
  }
  return undefined;
}

/** ASCII case-insensitive equality of `a` with the lower-case string `lower`, without allocating. */
function equalsLower(a: string, lower: string): boolean {
  if (a.length !== lower.length) return false;
  for (let i = 0; i < a.length; i++) {
    let c = a.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

function lookup(carrier: unknown, key: string): string | undefined {
  if (carrier === null || typeof carrier !== 'object') return undefined;
  const obj = carrier as Record<string, unknown>;
  const lower = lowerCaseKey(key);
  // Inherited members (toString, …) are functions/objects, which normalise() rejects.
  let v = obj[key];
  if (v !== undefined) return normalise(v, lower);
  if (lower !== key) {
    v = obj[lower];
    if (v !== undefined) return normalise(v, lower);
  }
  for (const k in obj) {
    if (k !== key && k !== lower && equalsLower(k, lower) && hasOwn(obj, k)) {
      v = obj[k];
      if (v !== undefined) return normalise(v, lower);
    }
  }
  return undefined;
}

function objectKeys(carrier: unknown): string[] {
  return carrier !== null && typeof carrier === 'object' ? Object.keys(carrier) : [];
}

/**
 * {@link incomingHeadersGetter}'s read of a header whose name is already lower-case: the same
 * value, without its per-call name check (see `readHeader`). Throws nothing for an object
 * carrier; `undefined` for anything else.
 * @internal
 */
export function readIncomingHeader(carrier: unknown, lowerKey: string): string | undefined {
  if (carrier === null || typeof carrier !== 'object') return undefined;
  // Inherited members (toString, __proto__…) are functions/objects: normalise() rejects them.
  return normalise((carrier as Record<string, unknown>)[lowerKey], lowerKey);
}

/**
 * Case-insensitive getter for `node:http` headers (`req.headers`, `OutgoingHttpHeaders`) and
 * any {@link HeaderCarrier}. Arrays yield the first value (joined with `,` for list headers),
 * numbers are stringified. Can list keys (for `uberctx-*`). Never throws.
 *
 * @example
 * ```ts
 * const parent = propagator.extract(req.headers, headerGetter);
 * ```
 */
export const headerGetter: KeyedCarrierGetter<HeaderCarrier> = Object.assign(
  (carrier: HeaderCarrier, key: string): string | undefined => {
    try {
      return lookup(carrier, key);
    } catch {
      return undefined;
    }
  },
  { keys: (carrier: HeaderCarrier): string[] => objectKeys(carrier) },
);

/**
 * Getter for the headers of an incoming `node:http` / `node:http2` request (`req.headers`),
 * whose names Node has already lower-cased: one property read per key, no case-insensitive
 * scan when a header is absent (the common case: most formats' headers are missing from any
 * given request). Values as {@link headerGetter} returns them (arrays: first value, or joined
 * with `,` for list headers such as `baggage`). For any other header object — where names may
 * be in any case — use {@link headerGetter}. Can list keys (for `uberctx-*`). Never throws.
 *
 * @example
 * ```ts
 * const parent = propagator.extract(req.headers, incomingHeadersGetter);
 * ```
 */
export const incomingHeadersGetter: KeyedCarrierGetter<IncomingHttpHeaders> = Object.assign(
  (carrier: IncomingHttpHeaders, key: string): string | undefined => {
    try {
      return readIncomingHeader(carrier, lowerCaseKey(key));
    } catch {
      return undefined;
    }
  },
  { keys: (carrier: IncomingHttpHeaders): string[] => objectKeys(carrier) },
);

/**
 * Setter for a header object (`OutgoingHttpHeaders`, the `headers` option of
 * `http.request`/`fetch`, a plain object). Replaces any existing spelling of the same name
 * in another case so the request never carries the header twice. Never throws.
 *
 * @example
 * ```ts
 * const headers: OutgoingHttpHeaders = {};
 * propagator.inject(span.context(), headers, headerSetter);
 * http.request({ host, port, path, headers });
 * ```
 */
export const headerSetter: CarrierSetter<HeaderCarrier> = (carrier: HeaderCarrier, key: string, value: string): void => {
  try {
    if (carrier === null || typeof carrier !== 'object') return;
    const obj = carrier as Record<string, unknown>;
    const lower = lowerCaseKey(key);
    for (const k in obj) {
      if (k !== key && equalsLower(k, lower) && hasOwn(obj, k)) delete obj[k];
    }
    obj[key] = value;
  } catch {
    // a frozen or exotic carrier: drop
  }
};

/**
 * Case-insensitive getter for a plain `Record<string, string>` carrier (message headers of a
 * queue, a custom RPC's header map…). Same behaviour as {@link headerGetter}.
 *
 * @example
 * ```ts
 * const ctx = propagator.extract({ 'X-B3-TraceId': '…', 'X-B3-SpanId': '…' }, objectGetter);
 * ```
 */
export const objectGetter: KeyedCarrierGetter<Record<string, string | undefined>> = headerGetter as KeyedCarrierGetter<
  Record<string, string | undefined>
>;

/**
 * Setter for a plain `Record<string, string>` carrier. Same behaviour as {@link headerSetter}.
 *
 * @example
 * ```ts
 * const out: Record<string, string> = {};
 * propagator.inject(ctx, out, objectSetter);
 * ```
 */
export const objectSetter: CarrierSetter<Record<string, string>> = headerSetter as CarrierSetter<Record<string, string>>;

/**
 * Anything with `setHeader(name, value)`: `http.ClientRequest`, `http.ServerResponse`,
 * an Express/Koa response.
 *
 * @example
 * ```ts
 * const req = http.request(url); // a HeaderWriter
 * ```
 */
export interface HeaderWriter {
  /** Set one header (may throw once headers are sent; {@link outgoingMessageSetter} ignores that). */
  setHeader(name: string, value: string): unknown;
}

/**
 * Setter for a {@link HeaderWriter} such as an `http.ClientRequest` before its headers are
 * sent. A writer that throws (headers already sent) is ignored. Never throws.
 *
 * @example
 * ```ts
 * const req = http.request({ host, port, path });
 * propagator.inject(span.context(), req, outgoingMessageSetter);
 * req.end();
 * ```
 */
export const outgoingMessageSetter: CarrierSetter<HeaderWriter> = (carrier: HeaderWriter, key: string, value: string): void => {
  try {
    carrier.setHeader(key, value);
  } catch {
    // headers already sent, or an invalid value: drop
  }
};

/**
 * The part of `@grpc/grpc-js`'s `Metadata` the propagators use (structural, so grpc-js is not
 * loaded by this module).
 *
 * @example
 * ```ts
 * import { Metadata } from '@grpc/grpc-js';
 * const md: MetadataLike = new Metadata();
 * ```
 */
export interface MetadataLike {
  /** All values of a key (keys are lower-cased by grpc-js). */
  get(key: string): Array<string | Buffer>;
  /** Replace the values of a key. grpc-js throws on illegal keys/values. */
  set(key: string, value: string): void;
  /** First value of every key; used to list `uberctx-*` keys. */
  getMap?(): Record<string, string | Buffer>;
}

/**
 * grpc-js's own store of a Metadata's entries (`internalRepr`: a Map of lower-case key →
 * values), or `undefined` for another carrier (which is then read through its methods).
 */
function grpcEntries(carrier: MetadataLike): Map<unknown, unknown> | undefined {
  const repr = (carrier as { internalRepr?: unknown }).internalRepr;
  return repr instanceof Map ? repr : undefined;
}

/**
 * Getter for gRPC `Metadata`: the first string value of the (lower-cased) key, or all string
 * values joined with `,` for list headers; binary values are ignored. Can list keys. Never throws.
 *
 * @example
 * ```ts
 * const parent = propagator.extract(call.metadata, metadataGetter);
 * ```
 */
export const metadataGetter: KeyedCarrierGetter<MetadataLike> = Object.assign(
  (carrier: MetadataLike, key: string): string | undefined => {
    try {
      const lower = lowerCaseKey(key);
      // Read grpc-js's entry map directly: its get() copies the key (toLowerCase) and makes a
      // fresh [] for every absent key, and an extract reads five or six keys, mostly absent.
      const repr = grpcEntries(carrier);
      const values = repr !== undefined ? (repr.get(lower) as unknown) : carrier.get(lower);
      return Array.isArray(values) ? normalise(values, lower) : undefined;
    } catch {
      return undefined;
    }
  },
  {
    keys: (carrier: MetadataLike): string[] => {
      try {
        // The entry map's keys, without getMap()'s per-call object of every entry (which also
        // copies each binary value).
        const repr = grpcEntries(carrier);
        if (repr !== undefined) {
          const keys: string[] = [];
          for (const k of repr.keys()) if (typeof k === 'string') keys.push(k);
          return keys;
        }
        return typeof carrier.getMap === 'function' ? Object.keys(carrier.getMap()) : [];
      } catch {
        return [];
      }
    },
  },
);

/**
 * Setter for gRPC `Metadata` (lower-cased key, `set` replaces earlier values). A key or value
 * grpc-js rejects is dropped. Never throws.
 *
 * @example
 * ```ts
 * const md = new Metadata();
 * propagator.inject(span.context(), md, metadataSetter);
 * client.getStock(request, md, callback);
 * ```
 */
export const metadataSetter: CarrierSetter<MetadataLike> = (carrier: MetadataLike, key: string, value: string): void => {
  try {
    carrier.set(lowerCaseKey(key), value);
  } catch {
    // illegal metadata key or value: drop
  }
};

/**
 * Adapt a go2sky-style read function `(key) => string | undefined` into a getter; the carrier
 * argument is ignored (pass anything, e.g. `undefined`). Give `keys` when the source can list
 * its keys (needed for Jaeger `uberctx-*` baggage). Keys are passed lower-case.
 *
 * @example
 * ```ts
 * const header = parseHeader(request.header); // a custom RPC's header string → map
 * const ctx = propagator.extract(undefined, functionGetter((k) => header[k]));
 * ```
 */
export function functionGetter(get: (key: string) => string | undefined, keys?: () => string[]): KeyedCarrierGetter<unknown> {
  const getter = (_carrier: unknown, key: string): string | undefined => {
    try {
      const v: unknown = get(key);
      return typeof v === 'string' ? v : undefined;
    } catch {
      return undefined;
    }
  };
  if (!keys) return getter;
  return Object.assign(getter, {
    keys: (): string[] => {
      try {
        const k: unknown = keys();
        return Array.isArray(k) ? k.filter((x): x is string => typeof x === 'string') : [];
      } catch {
        return [];
      }
    },
  });
}

/**
 * Adapt a go2sky-style write function `(key, value) => void` into a setter; the carrier
 * argument is ignored. A throwing function is swallowed.
 *
 * @example
 * ```ts
 * const out: Record<string, string> = {};
 * propagator.inject(span.context(), undefined, functionSetter((k, v) => { out[k] = v; }));
 * request.header = JSON.stringify(out);
 * ```
 */
export function functionSetter(set: (key: string, value: string) => void): CarrierSetter<unknown> {
  return (_carrier: unknown, key: string, value: string): void => {
    try {
      set(key, value);
    } catch {
      // drop
    }
  };
}
