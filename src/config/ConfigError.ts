/**
 * The one error type configuration problems are reported with.
 *
 * Thrown at configuration time only (by `resolveConfig`, `configFromEnv`, `configFromYaml`,
 * `createSampler` and backend factories) — never from a span's hot path.
 *
 * @packageDocumentation
 */

/** Key names whose values are secrets: they are never shown in an error message. */
const SECRET_KEY = /(^|[._\-\s])(user|username|password|passwd|pass|token|secret|headers?|authorization|auth|cookie|otlpheaders)$/i;

/**
 * True when the value of `key` (a config path such as `reporter.password`, an environment
 * variable such as `TRACE_TOKEN` or a YAML key such as `Telemetry.OtlpHeaders`) is a secret
 * whose value must never appear in a message.
 *
 * @example
 * ```ts
 * isSecretKey('reporter.password'); // true
 * isSecretKey('TRACE_SAMPLER_PARAM'); // false
 * ```
 */
export function isSecretKey(key: string): boolean {
  const k = key.replace(/\[\d+\]$/, '');
  return SECRET_KEY.test(k) || /headers\./i.test(k) || /_HEADERS$/i.test(k);
}

/**
 * A configuration key holds a wrong key, type or value.
 *
 * `key` names the culprit exactly as the user wrote it: a config path (`sampler.param`,
 * `reporter.queueSize`), an environment variable (`TRACE_SAMPLER_PARAM`) or a YAML key
 * (`Telemetry.Sampler`). The message says which key and why, e.g.
 * `sampler.param: must be a number in [0, 1] for type "probabilistic", got 1.5`.
 *
 * Secret values (users, passwords, tokens, headers) are never part of the message: they
 * are shown as `<redacted>`.
 *
 * @example
 * ```ts
 * try { resolveConfig({ serviceName: 'a', reporter: { queueSize: -1 } }); }
 * catch (e) { if (e instanceof ConfigError) console.error(e.key, e.message); }
 * ```
 */
export class ConfigError extends Error {
  /** The config key, environment variable or YAML key at fault. */
  readonly key: string;
  /** Where the value came from (`env`, a YAML file name with `:line`), when known. */
  readonly source: string | undefined;

  /**
   * @param key - the key at fault (see {@link ConfigError.key})
   * @param reason - why, without the value when the key is secret (use {@link describeValue})
   * @param source - optional origin, e.g. `config.yaml:12`
   */
  constructor(key: string, reason: string, source?: string) {
    super(`${source ? `${source}: ` : ''}${key}: ${reason}`);
    this.name = 'ConfigError';
    this.key = key;
    this.source = source;
  }
}

/**
 * Shows a value for an error message: JSON-ish and shortened, or `<redacted>` when `key`
 * is a secret key (see {@link isSecretKey}).
 *
 * @example
 * ```ts
 * describeValue('reporter.queueSize', 'abc'); // '"abc"'
 * describeValue('TRACE_PASSWORD', 'hunter2'); // '<redacted>'
 * ```
 */
export function describeValue(key: string, value: unknown): string {
  if (isSecretKey(key)) return '<redacted>';
  let s: string;
  if (typeof value === 'string') s = JSON.stringify(redactUrlCredentials(value));
  else if (typeof value === 'function') s = 'a function';
  else if (value instanceof RegExp) s = String(value);
  else if (typeof value === 'bigint' || typeof value === 'symbol') s = String(value);
  else {
    try {
      s = JSON.stringify(value) ?? String(value);
    } catch {
      s = Object.prototype.toString.call(value);
    }
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * Removes `user:password@` from anything URL-like in `text` (for messages and logs).
 *
 * @example
 * ```ts
 * redactUrlCredentials('http://bob:secret@host:14268/api/traces'); // 'http://<redacted>@host:14268/api/traces'
 * ```
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1<redacted>@');
}
