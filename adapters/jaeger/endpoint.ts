/**
 * Endpoint parsing for the Jaeger backend: picks the transport from `endpoint` / `agentHost`.
 *
 * | endpoint                                   | transport                                   |
 * |--------------------------------------------|---------------------------------------------|
 * | `http(s)://host:14268/api/traces`          | HTTP collector (path `/api/traces` when empty) |
 * | `udp://host:6832`                          | UDP agent, Thrift binary `emitBatch`        |
 * | `host:14268`                               | HTTP collector `http://host:14268/api/traces` |
 * | `host:port` (any other port)               | UDP agent                                   |
 * | none                                       | UDP agent `agentHost` (default `localhost`):6832 |
 *
 * @packageDocumentation
 */
import { ConfigError } from '../../src';

/**
 * Default Jaeger agent UDP port for Thrift binary (`emitBatch` as jaeger-client's Node sender speaks it).
 *
 * @example
 * ```ts
 * `udp://agent:${DEFAULT_AGENT_PORT}`; // 'udp://agent:6832'
 * ```
 */
export const DEFAULT_AGENT_PORT = 6832;
/**
 * Default Jaeger collector HTTP port (Thrift over HTTP at `/api/traces`).
 *
 * @example
 * ```ts
 * `http://collector:${DEFAULT_COLLECTOR_PORT}/api/traces`;
 * ```
 */
export const DEFAULT_COLLECTOR_PORT = 14268;

/**
 * Where and how the exporter sends: an HTTP(S) collector URL, or a UDP agent host and port.
 *
 * @example
 * ```ts
 * const t: JaegerTarget = { protocol: 'udp', host: '127.0.0.1', port: 6832 };
 * ```
 */
export type JaegerTarget =
  | { protocol: 'http'; url: URL }
  | { protocol: 'udp'; host: string; port: number };

function configError(key: string, reason: string): ConfigError {
  return new ConfigError(key, reason);
}

function redact(text: string): string {
  // `scheme://user:pw@…`, and a bare `user:pw@host:port` (no scheme) too.
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1<redacted>@').replace(/^[^/@\s]*@/, '<redacted>@');
}

function parsePort(raw: string, key: string, shown: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) throw configError(key, `bad port in ${JSON.stringify(shown)}`);
  return port;
}

/**
 * Decide the transport from the tracer config.
 *
 * @param endpoint - `config.endpoint` (see the table above), optional
 * @param agentHost - `config.agentHost`, used when `endpoint` is absent
 * @returns the target
 * @throws ConfigError (`key` = `endpoint` or `agentHost`) for an unparsable
 *   endpoint or an unsupported scheme; credentials in the URL are never part of the message.
 * @example
 * ```ts
 * parseJaegerEndpoint('udp://127.0.0.1:6832'); // { protocol: 'udp', host: '127.0.0.1', port: 6832 }
 * parseJaegerEndpoint('http://jaeger:14268');  // { protocol: 'http', url: URL('http://jaeger:14268/api/traces') }
 * ```
 */
export function parseJaegerEndpoint(endpoint?: string, agentHost?: string): JaegerTarget {
  const raw = endpoint?.trim();
  if (!raw) {
    const host = agentHost?.trim() || 'localhost';
    if (/[\s/]/.test(host)) throw configError('agentHost', `not a host name: ${JSON.stringify(host)}`);
    return { protocol: 'udp', host: host.replace(/^\[|\]$/g, ''), port: DEFAULT_AGENT_PORT };
  }
  const shown = redact(raw);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    // host:port (or [v6]:port)
    const m = /^(\[[^\]]+\]|[^:/\s]+):(\d+)$/.exec(raw);
    if (!m) throw configError('endpoint', `expected a URL (http://host:14268/api/traces, udp://host:6832) or host:port, got ${JSON.stringify(shown)}`);
    const host = m[1].replace(/^\[|\]$/g, '');
    const port = parsePort(m[2], 'endpoint', shown);
    if (port === DEFAULT_COLLECTOR_PORT) return { protocol: 'http', url: new URL(`http://${m[1]}:${port}/api/traces`) };
    return { protocol: 'udp', host, port };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw configError('endpoint', `not a valid URL: ${JSON.stringify(shown)}`);
  }
  if (scheme === 'http' || scheme === 'https') {
    if (url.pathname === '' || url.pathname === '/') url.pathname = '/api/traces';
    return { protocol: 'http', url };
  }
  if (scheme === 'udp') {
    if (!url.hostname) throw configError('endpoint', `missing host in ${JSON.stringify(shown)}`);
    const port = url.port ? parsePort(url.port, 'endpoint', shown) : DEFAULT_AGENT_PORT;
    return { protocol: 'udp', host: url.hostname.replace(/^\[|\]$/g, ''), port };
  }
  throw configError('endpoint', `scheme ${JSON.stringify(scheme)} is not supported by the jaeger backend (use http, https or udp)`);
}
