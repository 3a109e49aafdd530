/**
 * Field validators shared by `resolveConfig`, `configFromEnv`, `configFromYaml` and
 * `createSampler`. Each throws a {@link ConfigError} naming the key the user wrote — the
 * config path, the environment variable or the YAML key — through a `keyOf` mapping.
 *
 * @packageDocumentation
 */
import type { PropagationFormat, Sampler } from '../api/types';
import type { LimitsConfig, ReporterConfig, SamplerConfig, TracerConfig } from './TracerConfig';
import { ConfigError, describeValue } from './ConfigError';
import { listBackends } from '../export/BackendRegistry';

/**
 * Where a config path came from: the key to name in errors and an optional source (`file.yaml:3`).
 *
 * @example
 * ```ts
 * const o: KeyOrigin = { key: 'Telemetry.Sampler', source: 'app.yaml:4' };
 * ```
 */
export interface KeyOrigin {
  key: string;
  source?: string;
}

/**
 * Maps a config path (`sampler.param`, `reporter.queueSize`) to the key the user wrote.
 *
 * @example
 * ```ts
 * const fromEnv: KeyOf = (path) => ({ key: path === 'sampler.param' ? 'TRACE_SAMPLER_PARAM' : path });
 * ```
 */
export type KeyOf = (path: string) => KeyOrigin;

/**
 * The identity mapping: errors name the config path itself.
 *
 * @example
 * ```ts
 * checkInt(0, 'reporter.queueSize', pathKey, 1); // throws ConfigError key 'reporter.queueSize'
 * ```
 */
export const pathKey: KeyOf = (path) => ({ key: path });

/**
 * Throws a ConfigError for `path` as mapped by `keyOf`.
 *
 * @throws ConfigError always
 * @example
 * ```ts
 * fail(pathKey, 'serviceName', 'is required'); // ConfigError 'serviceName: is required'
 * ```
 */
export function fail(keyOf: KeyOf, path: string, reason: string): never {
  const o = keyOf(path);
  throw new ConfigError(o.key, reason, o.source);
}

/**
 * Throws a ConfigError saying the value at `path` is wrong; the value is shown unless secret.
 *
 * @throws ConfigError always
 * @example
 * ```ts
 * badValue(pathKey, 'reporter.password', 'a string', 42); // '... got <redacted>'
 * ```
 */
export function badValue(keyOf: KeyOf, path: string, expected: string, value: unknown): never {
  const o = keyOf(path);
  throw new ConfigError(o.key, `must be ${expected}, got ${describeValue(o.key, value)}`, o.source);
}

/**
 * Every top-level key of {@link TracerConfig}.
 *
 * @example
 * ```ts
 * TOP_LEVEL_KEYS.includes('x'); // false
 * ```
 */
export const TOP_LEVEL_KEYS = [
  'serviceName', 'serviceInstance', 'backend', 'endpoint', 'agentHost', 'sampler', 'propagation',
  'reporter', 'tags', 'recordCaller', 'ignorePaths', 'redact', 'limits', 'disabled', 'logger',
] as const satisfies ReadonlyArray<keyof TracerConfig>;

/**
 * Every key of {@link ReporterConfig}.
 *
 * @example
 * ```ts
 * REPORTER_KEYS.includes('x'); // false
 * ```
 */
export const REPORTER_KEYS = [
  'queueSize', 'flushInterval', 'maxBatchSize', 'timeout', 'logSpans', 'headers', 'user', 'password',
  'token', 'maxRetries', 'tls',
] as const satisfies ReadonlyArray<keyof ReporterConfig>;

/**
 * Every key of {@link LimitsConfig}.
 *
 * @example
 * ```ts
 * LIMITS_KEYS.includes('x'); // false
 * ```
 */
export const LIMITS_KEYS = [
  'maxAttributes', 'maxAttributeValueLength', 'maxEvents', 'maxBaggageItems', 'maxBaggageBytes',
] as const satisfies ReadonlyArray<keyof LimitsConfig>;

/**
 * Every key of {@link SamplerConfig}.
 *
 * @example
 * ```ts
 * SAMPLER_KEYS.includes('x'); // false
 * ```
 */
export const SAMPLER_KEYS = ['type', 'param', 'root', 'samplingEndpoint', 'refreshInterval'] as const satisfies ReadonlyArray<
  keyof SamplerConfig
>;

/**
 * The sampler types of {@link SamplerConfig}.
 *
 * @example
 * ```ts
 * SAMPLER_TYPES.includes('x'); // false
 * ```
 */
export const SAMPLER_TYPES: ReadonlyArray<SamplerConfig['type']> = ['const', 'probabilistic', 'ratelimiting', 'parentbased', 'remote'];

/**
 * The propagation format names.
 *
 * @example
 * ```ts
 * PROPAGATION_FORMATS.includes('x'); // false
 * ```
 */
export const PROPAGATION_FORMATS: readonly PropagationFormat[] = ['w3c', 'b3', 'b3multi', 'jaeger', 'sw8'];

/**
 * Backend names the project ships (the core's built-ins and the adapters), registered or not yet.
 *
 * @example
 * ```ts
 * KNOWN_BACKENDS.includes('x'); // false
 * ```
 */
export const KNOWN_BACKENDS: readonly string[] = ['console', 'jaeger', 'memory', 'noop', 'otlp', 'skywalking', 'zipkin'];

/**
 * Endpoint URL schemes accepted in `endpoint`.
 *
 * @example
 * ```ts
 * ENDPOINT_SCHEMES.includes('x'); // false
 * ```
 */
export const ENDPOINT_SCHEMES: readonly string[] = ['http:', 'https:', 'udp:', 'grpc:', 'grpcs:'];

/**
 * Compile-time guard: every key of the config interfaces is listed above, so a key added
 * to TracerConfig.ts without updating these lists fails `tsc` instead of being rejected
 * as "unknown" at run time.
 */
type AllListed<T, L extends readonly PropertyKey[]> = [Exclude<keyof T, L[number]>] extends [never] ? true : false;
const allKeysListed: [
  AllListed<TracerConfig, typeof TOP_LEVEL_KEYS>,
  AllListed<ReporterConfig, typeof REPORTER_KEYS>,
  AllListed<LimitsConfig, typeof LIMITS_KEYS>,
  AllListed<SamplerConfig, typeof SAMPLER_KEYS>,
] = [true, true, true, true];
void allKeysListed;

/** Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[n];
}

/**
 * A ` (did you mean "x"?)` hint for a misspelt key (Levenshtein distance ≤ max(2, len/3)), or an empty string.
 *
 * @example
 * ```ts
 * suggest('servceName', TOP_LEVEL_KEYS); // ' (did you mean "serviceName"?)'
 * ```
 */
export function suggest(key: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

/**
 * True for a non-null, non-array object whose prototype is Object.prototype or null.
 *
 * @example
 * ```ts
 * isPlainObject({}); // true
 * isPlainObject(new Date()); // false
 * ```
 */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const p: unknown = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

/**
 * Throws for the first own key of `obj` not in `known`, naming `prefix + key` (catches typos).
 *
 * @throws ConfigError with a "did you mean" hint
 * @example
 * ```ts
 * checkKnownKeys({ queueSzie: 1 }, REPORTER_KEYS, 'reporter.', pathKey); // key 'reporter.queueSzie'
 * ```
 */
export function checkKnownKeys(obj: Record<string, unknown>, known: readonly string[], prefix: string, keyOf: KeyOf): void {
  for (const k of Object.keys(obj)) {
    if (!known.includes(k)) {
      fail(keyOf, prefix + k, `unknown key${suggest(k, known)}; known keys: ${known.join(', ')}`);
    }
  }
}

/**
 * A string with at least one non-space character and no control characters.
 *
 * @throws ConfigError otherwise
 * @example
 * ```ts
 * checkNonEmptyString('orders', 'serviceName', pathKey); // 'orders'
 * ```
 */
export function checkNonEmptyString(v: unknown, path: string, keyOf: KeyOf): string {
  if (typeof v !== 'string' || v.trim() === '') badValue(keyOf, path, 'a non-empty string', v);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(v)) fail(keyOf, path, 'must not contain control characters (CR, LF, NUL...)');
  return v;
}

/**
 * A boolean (strings such as "false" are rejected).
 *
 * @throws ConfigError otherwise
 * @example
 * ```ts
 * checkBoolean(true, 'disabled', pathKey); // true
 * ```
 */
export function checkBoolean(v: unknown, path: string, keyOf: KeyOf): boolean {
  if (typeof v !== 'boolean') badValue(keyOf, path, 'true or false', v);
  return v;
}

/**
 * A safe integer ≥ `min`.
 *
 * @throws ConfigError otherwise
 * @example
 * ```ts
 * checkInt(2048, 'reporter.queueSize', pathKey, 1); // 2048
 * ```
 */
export function checkInt(v: unknown, path: string, keyOf: KeyOf, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    badValue(keyOf, path, min === 1 ? 'a positive integer' : `an integer >= ${min}`, v);
  }
  return v;
}

/**
 * A duration in ms: a finite number > 0 and ≤ 2^31-1 (the largest Node timer delay).
 *
 * @throws ConfigError otherwise
 * @example
 * ```ts
 * checkMs(1000, 'reporter.flushInterval', pathKey); // 1000
 * ```
 */
export function checkMs(v: unknown, path: string, keyOf: KeyOf): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 2147483647) {
    badValue(keyOf, path, 'a positive number of milliseconds (at most 2147483647)', v);
  }
  return v;
}

/**
 * A finite number in [min, max]; `what` describes the expectation in the message.
 *
 * @throws ConfigError otherwise
 * @example
 * ```ts
 * checkNumber(0.5, 'sampler.param', pathKey, 0, 1, 'a number in [0, 1]'); // 0.5
 * ```
 */
export function checkNumber(v: unknown, path: string, keyOf: KeyOf, min: number, max: number, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) badValue(keyOf, path, what, v);
  return v;
}

/**
 * A record of strings (tags, headers). Header names must be HTTP tokens; values must not contain CR/LF/NUL.
 *
 * @throws ConfigError otherwise (header values never shown)
 * @example
 * ```ts
 * checkStringRecord({ 'x-api-key': 'k' }, 'reporter.headers', pathKey, true);
 * ```
 */
export function checkStringRecord(v: unknown, path: string, keyOf: KeyOf, headers: boolean): Record<string, string> {
  if (!isPlainObject(v)) badValue(keyOf, path, 'an object of string values', Array.isArray(v) ? 'an array' : v);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (k.trim() === '') fail(keyOf, path, 'keys must be non-empty');
    if (headers && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) fail(keyOf, `${path}.${k}`, 'is not a valid header name');
    if (typeof val !== 'string') badValue(keyOf, `${path}.${k}`, 'a string', val);
    // eslint-disable-next-line no-control-regex
    if (/[\r\n\u0000]/.test(val)) fail(keyOf, `${path}.${k}`, 'must not contain CR, LF or NUL');
    out[k] = val;
  }
  return out;
}

/**
 * Validates a collector endpoint: an `http(s)://`, `udp://`, `grpc(s)://` URL or `host:port`.
 * Credentials inside a URL are never echoed in the error.
 *
 * @example
 * ```ts
 * checkEndpoint('udp://127.0.0.1:6832', 'endpoint', pathKey); // returned unchanged
 * ```
 */
export function checkEndpoint(v: unknown, path: string, keyOf: KeyOf): string {
  const s = checkNonEmptyString(v, path, keyOf).trim();
  const expected = 'an http(s)://, udp://, grpc:// URL or host:port';
  if (s.includes('://')) {
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      return badValue(keyOf, path, expected, s);
    }
    if (!ENDPOINT_SCHEMES.includes(u.protocol)) {
      fail(keyOf, path, `unsupported scheme "${u.protocol.replace(/:$/, '')}"; use http, https, udp, grpc or grpcs`);
    }
    if (u.hostname === '') badValue(keyOf, path, `${expected} with a host`, s);
    return s;
  }
  // `user:password@host:port` without a scheme: never quote it (the password would be in the message).
  if (s.includes('@')) fail(keyOf, path, `must be ${expected} without credentials (value not shown; put them in reporter.user / reporter.password)`);
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/.exec(s);
  if (!m) badValue(keyOf, path, expected, s);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) fail(keyOf, path, `port must be 1..65535, got ${port}`);
  return s;
}

/**
 * An `http(s)://` URL (sampling endpoint).
 *
 * @throws ConfigError otherwise
 * @example
 * ```ts
 * checkHttpUrl('http://agent:5778/sampling', 'sampler.samplingEndpoint', pathKey);
 * ```
 */
export function checkHttpUrl(v: unknown, path: string, keyOf: KeyOf): string {
  const s = checkNonEmptyString(v, path, keyOf).trim();
  let u: URL | undefined;
  try {
    u = new URL(s);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.hostname === '') {
    badValue(keyOf, path, 'an http:// or https:// URL', s);
  }
  return s;
}

/**
 * A host name or IP literal without scheme or port.
 *
 * @throws ConfigError otherwise
 * @example
 * ```ts
 * checkHost('jaeger-agent', 'agentHost', pathKey); // 'jaeger-agent'
 * ```
 */
export function checkHost(v: unknown, path: string, keyOf: KeyOf): string {
  const s = checkNonEmptyString(v, path, keyOf).trim();
  if (!/^([A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f.]*:[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*)$/.test(s)) badValue(keyOf, path, 'a host name or IP address (no scheme, no port)', s);
  return s;
}

/**
 * Validates a backend name (case-insensitive) and returns it lower-cased.
 *
 * @param registeredOnly - true: must be in the registry now (`resolveConfig`); false: may
 *   also be one of {@link KNOWN_BACKENDS} whose adapter is registered later (env/YAML parsing).
 *
 * @example
 * ```ts
 * checkBackend('Jaeger', 'backend', pathKey, false); // 'jaeger'
 * ```
 */
export function checkBackend(v: unknown, path: string, keyOf: KeyOf, registeredOnly: boolean): string {
  const name = checkNonEmptyString(v, path, keyOf).trim().toLowerCase();
  const registered = listBackends();
  if (registered.includes(name)) return name;
  if (!registeredOnly && KNOWN_BACKENDS.includes(name)) return name;
  const names = registeredOnly ? registered : [...new Set([...registered, ...KNOWN_BACKENDS])].sort();
  const adapters = KNOWN_BACKENDS.filter((b) => !registered.includes(b));
  const hint = registeredOnly && KNOWN_BACKENDS.includes(name)
    ? ` (its adapter is not loaded: import 'traceandtrace/adapters' first)`
    : suggest(name, [...new Set([...names, ...KNOWN_BACKENDS])]) ||
      (adapters.length && registeredOnly ? ` (adapters ${adapters.join(', ')} register when 'traceandtrace/adapters' is imported)` : '');
  return fail(
    keyOf,
    path,
    `${describeValue('backend', String(v))} is not a registered backend${hint}; registered: ${names.length ? names.join(', ') : '(none)'}`,
  );
}

/**
 * Validates one propagation format list, returning lower-cased, de-duplicated names.
 *
 * @throws ConfigError naming the bad item, e.g. `propagation[1]`
 * @example
 * ```ts
 * checkFormats(['W3C', 'b3'], 'propagation', pathKey); // ['w3c', 'b3']
 * ```
 */
export function checkFormats(v: unknown, path: string, keyOf: KeyOf): PropagationFormat[] {
  if (!Array.isArray(v)) badValue(keyOf, path, `a list of ${PROPAGATION_FORMATS.join(', ')}`, v);
  const out: PropagationFormat[] = [];
  v.forEach((f: unknown, i: number) => {
    const name = typeof f === 'string' ? f.trim().toLowerCase() : f;
    if (typeof name !== 'string' || !(PROPAGATION_FORMATS as readonly string[]).includes(name)) {
      fail(keyOf, `${path}[${i}]`, `unknown propagation format ${describeValue('format', f)}${typeof f === 'string' ? suggest(f, PROPAGATION_FORMATS) : ''}; known: ${PROPAGATION_FORMATS.join(', ')}`);
    }
    if (!out.includes(name as PropagationFormat)) out.push(name as PropagationFormat);
  });
  return out;
}

/**
 * Validates `propagation` (list or {inject, extract}) and returns the object form.
 *
 * @throws ConfigError naming the bad key
 * @example
 * ```ts
 * checkPropagation(['w3c'], 'propagation', pathKey); // { inject: ['w3c'], extract: ['w3c'] }
 * ```
 */
export function checkPropagation(v: unknown, path: string, keyOf: KeyOf): { inject: PropagationFormat[]; extract: PropagationFormat[] } {
  if (Array.isArray(v)) {
    const list = checkFormats(v, path, keyOf);
    return { inject: list, extract: [...list] };
  }
  if (!isPlainObject(v)) badValue(keyOf, path, 'a list of formats or { inject, extract }', v);
  checkKnownKeys(v, ['inject', 'extract'], `${path}.`, keyOf);
  if (v.inject === undefined) fail(keyOf, `${path}.inject`, 'is required in the object form');
  if (v.extract === undefined) fail(keyOf, `${path}.extract`, 'is required in the object form');
  return { inject: checkFormats(v.inject, `${path}.inject`, keyOf), extract: checkFormats(v.extract, `${path}.extract`, keyOf) };
}

/**
 * True for a {@link Sampler} instance (has a `shouldSample` function).
 *
 * @example
 * ```ts
 * isSamplerInstance(new ConstSampler(true)); // true
 * isSamplerInstance({ type: 'const' }); // false
 * ```
 */
export function isSamplerInstance(v: unknown): v is Sampler {
  return typeof v === 'object' && v !== null && typeof (v as { shouldSample?: unknown }).shouldSample === 'function';
}

/**
 * Validates a sampler setting: a {@link Sampler}, a function, or a {@link SamplerConfig}
 * (see its table). Returns the SamplerConfig with `type` lower-cased, or the value itself.
 *
 * Rules: `const` param is 0 or 1 (default 1); `probabilistic` param is required, in [0, 1];
 * `ratelimiting` param is required, ≥ 0 traces/s; `remote` param (initial probability) is in
 * [0, 1] (default 0.001); `parentbased` takes no param but an optional `root`;
 * `samplingEndpoint` (http(s) URL) and `refreshInterval` (ms) belong to `remote` only.
 *
 * @example
 * ```ts
 * checkSampler({ type: 'PROBABILISTIC', param: 0.1 }, 'sampler', pathKey); // { type: 'probabilistic', param: 0.1 }
 * ```
 */
export function checkSampler(v: unknown, path: string, keyOf: KeyOf): TracerConfig['sampler'] {
  if (typeof v === 'function') return v as TracerConfig['sampler'];
  if (isSamplerInstance(v)) return v;
  if (!isPlainObject(v)) badValue(keyOf, path, 'a sampler config { type, param }, a Sampler or a function', v);
  checkKnownKeys(v, SAMPLER_KEYS, `${path}.`, keyOf);
  const rawType = v.type;
  const type = typeof rawType === 'string' ? rawType.trim().toLowerCase() : rawType;
  if (type === undefined) fail(keyOf, `${path}.type`, `is required; one of ${SAMPLER_TYPES.join(', ')}`);
  if (typeof type !== 'string' || !(SAMPLER_TYPES as readonly string[]).includes(type)) {
    fail(keyOf, `${path}.type`, `unknown sampler type ${describeValue('type', rawType)}${typeof rawType === 'string' ? suggest(rawType, SAMPLER_TYPES) : ''}; known: ${SAMPLER_TYPES.join(', ')}`);
  }
  const t = type as SamplerConfig['type'];
  const out: SamplerConfig = { type: t };
  const p = v.param;
  const pp = `${path}.param`;
  switch (t) {
    case 'const':
      if (p !== undefined && p !== 0 && p !== 1) badValue(keyOf, pp, '0 or 1 for type "const"', p);
      if (p !== undefined) out.param = p as number;
      break;
    case 'probabilistic':
      if (p === undefined) fail(keyOf, pp, 'is required for type "probabilistic" (a probability in [0, 1])');
      out.param = checkNumber(p, pp, keyOf, 0, 1, 'a number in [0, 1] for type "probabilistic"');
      break;
    case 'ratelimiting':
      if (p === undefined) fail(keyOf, pp, 'is required for type "ratelimiting" (traces per second, >= 0)');
      out.param = checkNumber(p, pp, keyOf, 0, Number.MAX_SAFE_INTEGER, 'a number >= 0 (traces per second) for type "ratelimiting"');
      break;
    case 'remote':
      if (p !== undefined) out.param = checkNumber(p, pp, keyOf, 0, 1, 'a number in [0, 1] (initial probability) for type "remote"');
      break;
    case 'parentbased':
      if (p !== undefined) fail(keyOf, pp, `is not used by type "parentbased"; put the root sampler in ${path}.root`);
      break;
  }
  if (v.root !== undefined) {
    if (t !== 'parentbased') fail(keyOf, `${path}.root`, 'is only used by type "parentbased"');
    const root = checkSampler(v.root, `${path}.root`, keyOf);
    if (typeof root === 'function' || isSamplerInstance(root)) badValue(keyOf, `${path}.root`, 'a sampler config { type, param }', 'a function or Sampler');
    out.root = root as SamplerConfig;
  }
  if (v.samplingEndpoint !== undefined) {
    if (t !== 'remote') fail(keyOf, `${path}.samplingEndpoint`, 'is only used by type "remote"');
    out.samplingEndpoint = checkHttpUrl(v.samplingEndpoint, `${path}.samplingEndpoint`, keyOf);
  }
  if (v.refreshInterval !== undefined) {
    if (t !== 'remote') fail(keyOf, `${path}.refreshInterval`, 'is only used by type "remote"');
    out.refreshInterval = checkMs(v.refreshInterval, `${path}.refreshInterval`, keyOf);
  }
  return out;
}

/**
 * Validates `reporter` (see ReporterConfig), returning a copy.
 *
 * @throws ConfigError naming e.g. `reporter.queueSize`; secrets are never shown
 * @example
 * ```ts
 * checkReporter({ queueSize: 100 }, 'reporter', pathKey); // { queueSize: 100 }
 * ```
 */
export function checkReporter(v: unknown, path: string, keyOf: KeyOf): ReporterConfig {
  if (!isPlainObject(v)) badValue(keyOf, path, 'an object', v);
  checkKnownKeys(v, REPORTER_KEYS, `${path}.`, keyOf);
  const out: ReporterConfig = {};
  const k = (n: string): string => `${path}.${n}`;
  if (v.queueSize !== undefined) out.queueSize = checkInt(v.queueSize, k('queueSize'), keyOf, 1);
  if (v.flushInterval !== undefined) out.flushInterval = checkMs(v.flushInterval, k('flushInterval'), keyOf);
  if (v.maxBatchSize !== undefined) out.maxBatchSize = checkInt(v.maxBatchSize, k('maxBatchSize'), keyOf, 1);
  if (v.timeout !== undefined) out.timeout = checkMs(v.timeout, k('timeout'), keyOf);
  if (v.maxRetries !== undefined) out.maxRetries = checkInt(v.maxRetries, k('maxRetries'), keyOf, 0);
  if (v.logSpans !== undefined) out.logSpans = checkBoolean(v.logSpans, k('logSpans'), keyOf);
  if (v.headers !== undefined) out.headers = checkStringRecord(v.headers, k('headers'), keyOf, true);
  for (const s of ['user', 'password', 'token'] as const) {
    const val = v[s];
    if (val === undefined) continue;
    if (typeof val !== 'string') badValue(keyOf, k(s), 'a string', val);
    // eslint-disable-next-line no-control-regex
    if (/[\r\n\u0000]/.test(val)) fail(keyOf, k(s), 'must not contain CR, LF or NUL');
    out[s] = val;
  }
  if (v.tls !== undefined) {
    const tls = v.tls;
    if (!isPlainObject(tls)) badValue(keyOf, k('tls'), 'an object { ca?, rejectUnauthorized?, enabled? }', tls);
    checkKnownKeys(tls, ['ca', 'rejectUnauthorized', 'enabled'], `${k('tls')}.`, keyOf);
    const t: NonNullable<ReporterConfig['tls']> = {};
    if (tls.ca !== undefined) {
      if (typeof tls.ca !== 'string' && !Buffer.isBuffer(tls.ca)) badValue(keyOf, `${k('tls')}.ca`, 'a PEM string or Buffer', typeof tls.ca);
      t.ca = tls.ca;
    }
    if (tls.rejectUnauthorized !== undefined) t.rejectUnauthorized = checkBoolean(tls.rejectUnauthorized, `${k('tls')}.rejectUnauthorized`, keyOf);
    if (tls.enabled !== undefined) t.enabled = checkBoolean(tls.enabled, `${k('tls')}.enabled`, keyOf);
    out.tls = t;
  }
  return out;
}

/**
 * Validates `limits`, returning a copy. Every limit is an integer ≥ 0.
 *
 * @throws ConfigError naming e.g. `limits.maxEvents`
 * @example
 * ```ts
 * checkLimits({ maxEvents: 10 }, 'limits', pathKey); // { maxEvents: 10 }
 * ```
 */
export function checkLimits(v: unknown, path: string, keyOf: KeyOf): LimitsConfig {
  if (!isPlainObject(v)) badValue(keyOf, path, 'an object', v);
  checkKnownKeys(v, LIMITS_KEYS, `${path}.`, keyOf);
  const out: LimitsConfig = {};
  for (const name of LIMITS_KEYS) {
    if (v[name] !== undefined) out[name] = checkInt(v[name], `${path}.${name}`, keyOf, 0);
  }
  return out;
}

/**
 * Validates every present key of a (partial) config and returns a normalised copy:
 * backend lower-cased, propagation in object form, sampler type lower-cased.
 *
 * @param registeredOnly - passed to {@link checkBackend}
 * @throws ConfigError naming the first bad key (through `keyOf`)
 *
 * @example
 * ```ts
 * checkConfigFields({ backend: 'Memory' }, pathKey, false); // { backend: 'memory' }
 * ```
 */
export function checkConfigFields(input: unknown, keyOf: KeyOf, registeredOnly: boolean): Partial<TracerConfig> {
  if (!isPlainObject(input)) badValue(keyOf, 'config', 'a config object', input);
  checkKnownKeys(input, TOP_LEVEL_KEYS, '', keyOf);
  const v = input;
  const out: Partial<TracerConfig> = {};
  if (v.serviceName !== undefined) out.serviceName = checkNonEmptyString(v.serviceName, 'serviceName', keyOf).trim();
  if (v.serviceInstance !== undefined) out.serviceInstance = checkNonEmptyString(v.serviceInstance, 'serviceInstance', keyOf).trim();
  if (v.backend !== undefined) out.backend = checkBackend(v.backend, 'backend', keyOf, registeredOnly);
  if (v.endpoint !== undefined) out.endpoint = checkEndpoint(v.endpoint, 'endpoint', keyOf);
  if (v.agentHost !== undefined) out.agentHost = checkHost(v.agentHost, 'agentHost', keyOf);
  if (v.sampler !== undefined) out.sampler = checkSampler(v.sampler, 'sampler', keyOf);
  if (v.propagation !== undefined) out.propagation = checkPropagation(v.propagation, 'propagation', keyOf);
  if (v.reporter !== undefined) out.reporter = checkReporter(v.reporter, 'reporter', keyOf);
  if (v.tags !== undefined) out.tags = checkStringRecord(v.tags, 'tags', keyOf, false);
  if (v.recordCaller !== undefined) out.recordCaller = checkBoolean(v.recordCaller, 'recordCaller', keyOf);
  if (v.disabled !== undefined) out.disabled = checkBoolean(v.disabled, 'disabled', keyOf);
  if (v.limits !== undefined) out.limits = checkLimits(v.limits, 'limits', keyOf);
  if (v.ignorePaths !== undefined) {
    if (!Array.isArray(v.ignorePaths)) badValue(keyOf, 'ignorePaths', 'a list of strings or RegExps', v.ignorePaths);
    out.ignorePaths = v.ignorePaths.map((p: unknown, i: number) => {
      if (p instanceof RegExp) return p;
      return checkNonEmptyString(p, `ignorePaths[${i}]`, keyOf);
    });
  }
  if (v.redact !== undefined) {
    if (!Array.isArray(v.redact)) badValue(keyOf, 'redact', 'a list of header / query-parameter names', v.redact);
    out.redact = v.redact.map((p: unknown, i: number) => checkNonEmptyString(p, `redact[${i}]`, keyOf).trim().toLowerCase());
  }
  if (v.logger !== undefined) {
    const l = v.logger as Record<string, unknown> | null;
    if (typeof l !== 'object' || l === null || !['debug', 'info', 'warn', 'error'].every((m) => typeof l[m] === 'function')) {
      fail(keyOf, 'logger', 'must have debug, info, warn and error methods');
    }
    out.logger = v.logger as TracerConfig['logger'];
  }
  return out;
}
