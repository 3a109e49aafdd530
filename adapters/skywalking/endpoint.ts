/**
 * Parsing of the SkyWalking OAP address.
 *
 * @packageDocumentation
 */
import { ConfigError } from '../../src';

/**
 * Where the OAP's gRPC receiver listens.
 *
 * @example
 * ```ts
 * const { address, tls } = parseSkyWalkingEndpoint('grpcs://oap:11800'); // 'oap:11800', true
 * ```
 */
export interface SkyWalkingEndpoint {
  /** `host:port` as gRPC wants it (IPv6 hosts bracketed). */
  address: string;
  /** True when the endpoint asked for TLS (`grpcs://` or `https://`). */
  tls: boolean;
}

/**
 * The OAP's default gRPC address (the agent protocol port, 11800).
 *
 * @example
 * ```ts
 * parseSkyWalkingEndpoint(undefined).address === DEFAULT_SKYWALKING_ENDPOINT; // true
 * ```
 */
export const DEFAULT_SKYWALKING_ENDPOINT = '127.0.0.1:11800';

/**
 * Builds the core's `ConfigError` for `key` (kept as a function so callers read alike).
 *
 * @example
 * ```ts
 * throw configError('endpoint', 'expected host:port');
 * ```
 */
export function configError(key: string, reason: string): ConfigError {
  return new ConfigError(key, reason);
}

const ENDPOINT = /^(?:(grpcs?|https?):\/\/)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?\/?$/;

/**
 * Parses `endpoint` (`host:port`, `host` (port 11800), `grpc://host:port`,
 * `grpcs://host:port`, `http(s)://host:port`; IPv6 as `[::1]:11800`). Undefined/empty → the
 * default `127.0.0.1:11800`.
 *
 * @throws ConfigError with `key: 'endpoint'` when it does not parse or the
 *   port is outside 1..65535. The message never contains credentials (a `user@` part is
 *   rejected, not echoed).
 * @example
 * ```ts
 * parseSkyWalkingEndpoint('grpcs://oap.example.com:11800'); // { address: 'oap.example.com:11800', tls: true }
 * ```
 */
export function parseSkyWalkingEndpoint(endpoint: string | undefined): SkyWalkingEndpoint {
  const raw = (endpoint ?? '').trim();
  if (raw === '') return { address: DEFAULT_SKYWALKING_ENDPOINT, tls: false };
  const m = ENDPOINT.exec(raw);
  if (m === null) {
    const shown = raw.includes('@') ? '<redacted>' : JSON.stringify(raw.slice(0, 80));
    throw configError('endpoint', `expected host:port of the SkyWalking OAP gRPC receiver (e.g. 127.0.0.1:11800 or grpcs://host:11800), got ${shown}`);
  }
  const scheme = m[1]?.toLowerCase();
  const host = m[2] as string;
  const port = m[3] === undefined ? 11800 : Number(m[3]);
  if (!(port >= 1 && port <= 65535)) throw configError('endpoint', `port must be in 1..65535, got ${m[3]}`);
  return { address: `${host}:${port}`, tls: scheme === 'grpcs' || scheme === 'https' };
}
