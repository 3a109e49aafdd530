/**
 * Endpoint parsing for the OTLP backend: picks the OTLP transport and the address from
 * `endpoint` (plus `reporter.tls`) — one rule, no guessing from the network.
 *
 * | endpoint                                      | transport (OTLP "protocol")                    |
 * |-----------------------------------------------|------------------------------------------------|
 * | `http://host:4318` (no path, or `/`)          | `http/protobuf` to `http://host:4318/v1/traces` |
 * | `http(s)://host:port/any/path`                | `http/protobuf` to that exact URL               |
 * | `http(s)://…?protocol=http/json`              | `http/json` (the query parameter is removed)    |
 * | `grpc://host:4317`                            | `grpc`, plaintext (h2c)                         |
 * | `grpcs://host:4317`                           | `grpc` over TLS (`reporter.tls.ca` trusted)     |
 * | `http(s)://host:4317?protocol=grpc`           | `grpc` (plaintext for `http`, TLS for `https`)  |
 * | `host:4317`                                   | `grpc`, plaintext (4317 is OTLP/gRPC's port)    |
 * | `host:port` (any other port)                  | `http/protobuf` to `http://host:port/v1/traces` |
 * | none                                          | `http/protobuf` to `http://localhost:4318/v1/traces` |
 *
 * When neither the scheme nor `?protocol=` decides, the standard variables
 * `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL`
 * (`http/protobuf` | `http/json` | `grpc`) do, as the OpenTelemetry exporter specification says.
 * `reporter.tls.enabled: true` upgrades a bare `host:port` (and `grpc://`) to TLS.
 *
 * Credentials written in the URL (`http://user:pass@host`) are removed from it and become an
 * `Authorization: Basic …` header; they are never part of an error message or a log line.
 *
 * @see https://opentelemetry.io/docs/specs/otel/protocol/exporter/
 * @packageDocumentation
 */

import { ConfigError } from '../../src';

/**
 * OTLP transport, named as `OTEL_EXPORTER_OTLP_PROTOCOL` names it.
 * @example
 * ```ts
 * const p: OtlpProtocol = 'http/protobuf';
 * ```
 */
export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

/** Default OTLP/HTTP port. @example `http://collector:${DEFAULT_HTTP_PORT}` */
export const DEFAULT_HTTP_PORT = 4318;
/** Default OTLP/gRPC port. @example `grpc://collector:${DEFAULT_GRPC_PORT}` */
export const DEFAULT_GRPC_PORT = 4317;
/** The OTLP/HTTP path for traces, appended to an endpoint without a path. @example `http://collector:4318${TRACES_PATH}` */
export const TRACES_PATH = '/v1/traces';

/**
 * Where and how the exporter sends.
 *
 * - `url`: for HTTP, the full URL POSTed to (no credentials, no `protocol` parameter);
 *   for gRPC, `http://host:port` (plaintext) or `https://host:port` (TLS), path dropped.
 * - `tls`: whether the connection is TLS (`https:` / `grpcs:`).
 * - `basicAuth`: `user:password` taken out of the URL, if it had any (a secret: never log it).
 * - `display`: the URL safe to show in logs and errors (no credentials, no query string).
 *
 * @example
 * ```ts
 * const { protocol, url } = parseOtlpEndpoint('grpc://collector:4317'); // 'grpc', 'http://collector:4317'
 * ```
 */
export interface OtlpTarget {
  /** `http/protobuf`, `http/json` or `grpc`. */
  protocol: OtlpProtocol;
  /** HTTP: the full URL POSTed to; gRPC: `http(s)://host:port` (see above). */
  url: string;
  /** Whether the connection is TLS (`https:` / `grpcs:`). */
  tls: boolean;
  /** `user:password` taken out of the URL, if any. A secret: never log it. */
  basicAuth: string | undefined;
  /** The URL safe for logs and errors (no credentials, no query string). */
  display: string;
}

/**
 * Build the core's `ConfigError` for a key.
 *
 * @param key - config key or environment variable at fault
 * @param reason - why (must not contain secrets)
 * @returns the error (not thrown)
 * @example
 * ```ts
 * throw otlpConfigError('endpoint', 'unsupported scheme "ftp"');
 * ```
 */
export function otlpConfigError(key: string, reason: string): ConfigError {
  return new ConfigError(key, reason);
}

function redact(text: string): string {
  // `scheme://user:pw@…`, and a bare `user:pw@host:port` (no scheme) too.
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1<redacted>@').replace(/^[^/@\s]*@/, '<redacted>@');
}

/**
 * Parse a protocol name as `OTEL_EXPORTER_OTLP_PROTOCOL` spells it.
 *
 * @param value - the raw value (`http/protobuf`, `http/json`, `grpc`; case-insensitive, trimmed)
 * @param key - the key or variable it came from, for the error
 * @returns the protocol
 * @throws a `ConfigError` naming `key` for any other value
 * @example
 * ```ts
 * parseOtlpProtocol('http/json', 'OTEL_EXPORTER_OTLP_PROTOCOL'); // 'http/json'
 * ```
 */
export function parseOtlpProtocol(value: string, key: string): OtlpProtocol {
  const v = value.trim().toLowerCase();
  if (v === 'http/protobuf' || v === 'http/json' || v === 'grpc') return v;
  throw otlpConfigError(key, `expected http/protobuf, http/json or grpc, got ${JSON.stringify(value.slice(0, 40))}`);
}

/**
 * The protocol the standard environment asks for, if any.
 *
 * @param env - the environment (default `process.env`)
 * @returns the protocol from `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`, else `undefined`
 * @throws a `ConfigError` naming the variable when its value is not a protocol
 * @example
 * ```ts
 * protocolFromEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }); // 'grpc'
 * ```
 */
export function protocolFromEnv(env: NodeJS.ProcessEnv = process.env): OtlpProtocol | undefined {
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL']) {
    const raw = env[name];
    if (raw !== undefined && raw.trim() !== '') return parseOtlpProtocol(raw, name);
  }
  return undefined;
}

/**
 * Decide the OTLP transport and address from the tracer config (see the table in this
 * module's documentation).
 *
 * @param endpoint - `config.endpoint`, optional
 * @param options - `tlsEnabled` (`reporter.tls.enabled`) and `envProtocol` (from {@link protocolFromEnv})
 * @returns the target
 * @throws a `ConfigError` (`key` = `endpoint`) for an unparsable endpoint, an
 *   unsupported scheme or a bad `protocol` parameter; credentials never appear in the message.
 * @example
 * ```ts
 * parseOtlpEndpoint('http://collector:4318').url;      // 'http://collector:4318/v1/traces'
 * parseOtlpEndpoint('grpc://collector:4317').protocol; // 'grpc'
 * parseOtlpEndpoint('http://c:4318?protocol=http/json').protocol; // 'http/json'
 * ```
 */
export function parseOtlpEndpoint(
  endpoint: string | undefined,
  options: { tlsEnabled?: boolean; envProtocol?: OtlpProtocol } = {},
): OtlpTarget {
  let raw = endpoint?.trim() || '';
  const shown = redact(raw);
  let implied: OtlpProtocol | undefined;
  if (raw === '') {
    raw = `${options.tlsEnabled ? 'https' : 'http'}://localhost:${options.envProtocol === 'grpc' ? DEFAULT_GRPC_PORT : DEFAULT_HTTP_PORT}`;
  } else if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    const m = /^(\[[^\]]+\]|[^:/\s@]+):(\d+)$/.exec(raw);
    if (!m) {
      throw otlpConfigError('endpoint', `expected a URL (http://host:4318, grpc://host:4317) or host:port, got ${JSON.stringify(shown)}`);
    }
    if (Number(m[2]) === DEFAULT_GRPC_PORT) implied = 'grpc';
    raw = `${options.tlsEnabled ? 'https' : 'http'}://${raw}`;
  }

  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw otlpConfigError('endpoint', `not a valid URL: ${JSON.stringify(shown)}`);
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  let tls: boolean;
  if (scheme === 'grpc') {
    implied = 'grpc';
    tls = options.tlsEnabled === true;
  } else if (scheme === 'grpcs') {
    implied = 'grpc';
    tls = true;
  } else if (scheme === 'http' || scheme === 'https') {
    tls = scheme === 'https';
  } else {
    throw otlpConfigError('endpoint', `unsupported scheme ${JSON.stringify(scheme)} in ${JSON.stringify(shown)} (use http, https, grpc or grpcs)`);
  }
  if (!url.hostname) throw otlpConfigError('endpoint', `no host in ${JSON.stringify(shown)}`);

  const fromQuery = url.searchParams.get('protocol');
  url.searchParams.delete('protocol');
  const protocol: OtlpProtocol =
    fromQuery !== null ? parseOtlpProtocol(fromQuery, 'endpoint') : implied ?? options.envProtocol ?? 'http/protobuf';

  let basicAuth: string | undefined;
  if (url.username || url.password) {
    basicAuth = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    url.username = '';
    url.password = '';
  }

  let out: string;
  if (protocol === 'grpc') {
    const port = url.port || String(DEFAULT_GRPC_PORT);
    out = `${tls ? 'https' : 'http'}://${url.hostname}:${port}`;
  } else {
    if (scheme === 'grpc' || scheme === 'grpcs') {
      // `grpc://host?protocol=http/json` — honour the parameter, keep the TLS choice.
      out = `${tls ? 'https' : 'http'}://${url.host}`;
    } else {
      out = `${url.protocol}//${url.host}`;
    }
    const path = url.pathname === '' || url.pathname === '/' ? TRACES_PATH : url.pathname;
    out += path + url.search;
  }
  return { protocol, url: out, tls, basicAuth, display: out.replace(/\?.*$/, '') };
}
