/**
 * How long a collector asked us to wait before the next attempt, for the core's pipeline
 * (`ExportError.retryAfterMs`, in ms).
 *
 * @packageDocumentation
 */
import type { ExportError } from '../api/types';

/** Longest wait taken from a collector's answer (the pipeline caps it again, at 60 s). */
const MAX_MS = 3_600_000;

/**
 * Parses an HTTP `Retry-After` header (RFC 9110 §10.2.3): either delta-seconds (`120`) or an
 * HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`).
 *
 * @param value - the header as Node gives it (`res.headers['retry-after']`); an array uses its first element
 * @param nowMs - the current time in ms since epoch (for an HTTP-date); default `Date.now()`
 * @returns the wait in ms (≥ 0, at most one hour), or `undefined` when absent or unparsable. Never throws.
 * @see https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 * @example
 * ```ts
 * parseRetryAfter('2'); // 2000
 * parseRetryAfter(new Date(Date.now() + 5000).toUTCString()); // ≈ 5000
 * parseRetryAfter('soon'); // undefined
 * ```
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number = Date.now()): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) return Math.min(Number(raw) * 1000, MAX_MS);
  if (!/^[A-Za-z]{3},? /.test(raw)) return undefined; // an HTTP-date starts with the day name
  const at = Date.parse(raw);
  if (!Number.isFinite(at)) return undefined;
  return Math.min(Math.max(0, at - nowMs), MAX_MS);
}

/**
 * Reads gRPC's retry pushback (`grpc-retry-pushback-ms` trailer, gRFC A6: a non-negative
 * integer of ms) from a failed call's metadata.
 *
 * @param metadata - `ServiceError.metadata` of `@grpc/grpc-js` (anything with `get(key)`), or undefined
 * @returns the wait in ms (at most one hour), or `undefined` when absent or malformed. Never throws.
 * @see https://github.com/grpc/proposal/blob/master/A6-client-retries.md#pushback
 * @example
 * ```ts
 * grpcRetryPushbackMs(err.metadata); // 1500 when the server sent grpc-retry-pushback-ms: 1500
 * ```
 */
export function grpcRetryPushbackMs(metadata: { get(key: string): Array<string | Buffer> } | undefined): number | undefined {
  try {
    const v = metadata?.get('grpc-retry-pushback-ms')[0];
    const s = typeof v === 'string' ? v.trim() : undefined;
    return s !== undefined && /^\d+$/.test(s) ? Math.min(Number(s), MAX_MS) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Copies a wait the collector asked for onto an export error (`retryAfterMs`, ms), which the
 * core's pipeline honours (it waits at least that long before the retry).
 *
 * @param err - the error `export()` is about to reject with (mutated and returned)
 * @param ms - the wait in ms; `undefined` leaves the error as it is
 * @returns `err`
 * @example
 * ```ts
 * reject(withRetryAfter(exportError('HTTP 429', true), parseRetryAfter(res.headers['retry-after'])));
 * ```
 */
export function withRetryAfter<E extends ExportError>(err: E, ms: number | undefined): E {
  if (ms !== undefined) (err as E & { retryAfterMs?: number }).retryAfterMs = ms;
  return err;
}
