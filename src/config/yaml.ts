import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Pair, type YAMLMap } from 'yaml';
import type { TracerConfig } from './TracerConfig';
import { ConfigError, describeValue } from './ConfigError';
import { checkBackend, checkConfigFields, fail, suggest, type KeyOf, type KeyOrigin } from './validate';

/** Keys of the `Telemetry:` block (PascalCase as go-zero writes them; matched case-insensitively). */
const TELEMETRY_KEYS = [
  'Name', 'Endpoint', 'Sampler', 'Batcher', 'Disabled', 'OtlpHeaders', 'OtlpHttpPath', 'OtlpHttpSecure',
  'ServiceInstance', 'AgentHost', 'Propagation', 'Reporter', 'Tags', 'RecordCaller', 'IgnorePaths', 'Redact', 'Limits',
] as const;
type TelemetryKey = (typeof TELEMETRY_KEYS)[number];

const REPORTER_YAML_KEYS = ['QueueSize', 'FlushInterval', 'MaxBatchSize', 'Timeout', 'LogSpans', 'Headers', 'User', 'Password', 'Token', 'MaxRetries', 'Tls'];
const TLS_YAML_KEYS = ['Ca', 'RejectUnauthorized', 'Enabled'];
const LIMITS_YAML_KEYS = ['MaxAttributes', 'MaxAttributeValueLength', 'MaxEvents', 'MaxBaggageItems', 'MaxBaggageBytes'];
const SAMPLER_YAML_KEYS = ['Type', 'Param', 'Root', 'SamplingEndpoint', 'RefreshInterval'];

/** go-zero `Batcher` names → our backend names. */
const BATCHERS: Record<string, string> = { jaeger: 'jaeger', zipkin: 'zipkin', otlpgrpc: 'otlp', otlphttp: 'otlp' };

const lcFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/**
 * Parses tracer configuration from YAML in go-zero's shape, with the `yaml` package.
 *
 * ```yaml
 * Telemetry:
 *   Name: orders                 # → serviceName
 *   Endpoint: http://127.0.0.1:14268/api/traces
 *   Sampler: 0.5                 # a number 0..1 → { type: probabilistic, param: 0.5 } (go-zero);
 *                                # or a map { Type, Param, Root, SamplingEndpoint, RefreshInterval }
 *   Batcher: jaeger              # jaeger | zipkin | otlpgrpc | otlphttp, or ours: otlp, skywalking, console, memory, noop
 *   Disabled: false
 *   OtlpHeaders: { x-api-key: k } # → reporter.headers
 *   OtlpHttpPath: /v1/traces     # otlphttp: path appended to a host:port Endpoint
 *   OtlpHttpSecure: false        # otlphttp: https instead of http
 *   # ours, in the same block:
 *   ServiceInstance: orders-1
 *   AgentHost: 127.0.0.1
 *   Propagation: [w3c, jaeger]   # or "w3c,jaeger"
 *   Reporter: { QueueSize: 2048, FlushInterval: 1000, LogSpans: false, Headers: {}, User: u, Password: p, Token: t }
 *   Tags: { region: eu-1 }
 *   RecordCaller: true
 *   IgnorePaths: [/healthz]
 *   Limits: { MaxAttributes: 128 }
 * ```
 *
 * Keys are matched case-insensitively, so go-zero's PascalCase and camelCase both work.
 * Other top-level keys of a go-zero service file (Name, Host, Port, …) are ignored; the
 * `Telemetry` block itself is required. Mapping: `otlpgrpc` → backend `otlp` with a
 * `grpc://host:port` endpoint; `otlphttp` → `otlp` with `http(s)://host:port` + `OtlpHttpPath`
 * (default `/v1/traces`); without `Batcher` but with an `Endpoint`, the backend is `jaeger`
 * (go-zero's default).
 *
 * @param text - the YAML document
 * @param source - file name shown in errors (with the line), e.g. `etc/orders.yaml`
 * @returns the partial config the file sets (validated; merge it under env and the object)
 * @throws ConfigError naming the key (e.g. `Telemetry.Sampler`) with `source:line`, for a
 *   YAML syntax error, an unknown key (typo) or a bad value. Secret values are never shown.
 * @example
 * ```ts
 * configFromYaml('Telemetry:\n  Name: orders\n  Batcher: zipkin\n  Endpoint: http://127.0.0.1:9411/api/v2/spans\n');
 * // → { serviceName: 'orders', backend: 'zipkin', endpoint: 'http://127.0.0.1:9411/api/v2/spans' }
 * ```
 */
export function configFromYaml(text: string, source = '<yaml>'): Partial<TracerConfig> {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const where = (offset: number | undefined): string => (offset === undefined ? source : `${source}:${lc.linePos(offset).line}`);
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const offset = e.pos[0];
    const line = lc.linePos(offset).line;
    const lineText = text.split(/\r?\n/)[line - 1] ?? '';
    const key = /^\s*-?\s*["']?([^"':#]+?)["']?\s*:/.exec(lineText)?.[1]?.trim() ?? 'Telemetry';
    const msg = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(key, `YAML syntax error: ${msg}`, `${source}:${line}`);
  }

  const root = doc.contents;
  if (!isMap(root)) throw new ConfigError('Telemetry', 'the file must be a YAML mapping with a Telemetry block', source);
  const tPair = root.items.find((p) => isScalar(p.key) && String(p.key.value).toLowerCase() === 'telemetry');
  if (!tPair) throw new ConfigError('Telemetry', 'no Telemetry block in the file', source);
  const block = tPair.value as YamlNode | null;
  if (!isMap(block)) {
    throw new ConfigError('Telemetry', 'must be a mapping of Name, Endpoint, Sampler, Batcher, ...', where(rangeStart(block ?? (tPair.key as YamlNode))));
  }

  const origins = new Map<string, KeyOrigin>();
  const keyOf: KeyOf = (path) => {
    let p = path;
    for (;;) {
      const o = origins.get(p);
      if (o) return o;
      const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      if (cut <= 0) return { key: `Telemetry.${path}`, source };
      p = p.slice(0, cut);
    }
  };
  const note = (path: string, yamlKey: string, node: YamlNode | null | undefined): void => {
    origins.set(path, { key: yamlKey, source: where(rangeStart(node)) });
  };
  const err = (yamlKey: string, node: YamlNode | null | undefined, reason: string): never => {
    throw new ConfigError(yamlKey, reason, where(rangeStart(node)));
  };

  /** Reads a map's pairs, resolving each key against `known` case-insensitively. */
  const entries = (map: YAMLMap, known: readonly string[], prefix: string): Array<[string, YamlNode | null, string]> => {
    const out: Array<[string, YamlNode | null, string]> = [];
    for (const pair of map.items as Array<Pair<unknown, unknown>>) {
      const k = isScalar(pair.key) ? String(pair.key.value) : '';
      const name = known.find((n) => n.toLowerCase() === k.toLowerCase());
      if (!name) err(`${prefix}.${k}`, pair.key as YamlNode, `unknown key${suggest(k, known)}; known keys: ${known.join(', ')}`);
      out.push([name as string, (pair.value as YamlNode | null) ?? null, `${prefix}.${k}`]);
    }
    return out;
  };
  const value = (node: YamlNode | null): unknown => (node === null ? null : (node.toJSON() as unknown));
  const needMap = (node: YamlNode | null, yamlKey: string): YAMLMap => {
    if (!isMap(node)) err(yamlKey, node, `must be a mapping, got ${describeValue(yamlKey, value(node))}`);
    return node as YAMLMap;
  };
  const stringMap = (node: YamlNode | null, yamlKey: string, path: string): Record<string, string> => {
    const m = needMap(node, yamlKey);
    const out: Record<string, string> = {};
    note(path, yamlKey, node);
    for (const pair of m.items as Array<Pair<unknown, unknown>>) {
      const k = isScalar(pair.key) ? String(pair.key.value) : '';
      const v = pair.value as YamlNode | null;
      const jv = value(v);
      if (typeof jv !== 'string' && typeof jv !== 'number' && typeof jv !== 'boolean') {
        err(`${yamlKey}.${k}`, v ?? (pair.key as YamlNode), `must be a string, got ${describeValue(`${yamlKey}.${k}`, jv)}`);
      }
      out[k] = String(jv);
      note(`${path}.${k}`, `${yamlKey}.${k}`, v ?? (pair.key as YamlNode));
    }
    return out;
  };
  const samplerFrom = (node: YamlNode | null, yamlKey: string, path: string): unknown => {
    note(path, yamlKey, node);
    const jv = value(node);
    if (typeof jv === 'number') {
      if (!Number.isFinite(jv) || jv < 0 || jv > 1) err(yamlKey, node, `must be a number in [0, 1] (the sampling probability, as go-zero), got ${jv}`);
      return { type: 'probabilistic', param: jv };
    }
    if (!isMap(node)) err(yamlKey, node, `must be a number in [0, 1] or a mapping { Type, Param }, got ${describeValue(yamlKey, jv)}`);
    const out: Record<string, unknown> = {};
    for (const [name, v, yk] of entries(node as YAMLMap, SAMPLER_YAML_KEYS, yamlKey)) {
      const field = lcFirst(name);
      note(`${path}.${field}`, yk, v);
      out[field] = name === 'Root' ? samplerFrom(v, yk, `${path}.root`) : value(v);
    }
    return out;
  };

  const raw: Record<string, unknown> = {};
  const seen = new Map<TelemetryKey, [YamlNode | null, string]>();
  for (const [name, node, yk] of entries(block, TELEMETRY_KEYS, 'Telemetry')) seen.set(name as TelemetryKey, [node, yk]);

  for (const [name, [node, yk]] of seen) {
    switch (name) {
      case 'Name':
        note('serviceName', yk, node);
        raw.serviceName = value(node);
        break;
      case 'ServiceInstance':
      case 'AgentHost':
      case 'Disabled':
      case 'RecordCaller':
      case 'IgnorePaths':
      case 'Redact':
      case 'Endpoint': {
        const field = lcFirst(name);
        note(field, yk, node);
        if (isSeq(node)) node.items.forEach((it, i) => note(`${field}[${i}]`, `${yk}[${i}]`, it as YamlNode));
        raw[field] = value(node);
        break;
      }
      case 'Sampler':
        raw.sampler = samplerFrom(node, yk, 'sampler');
        break;
      case 'Propagation': {
        note('propagation', yk, node);
        const jv = value(node);
        if (isSeq(node)) node.items.forEach((it, i) => note(`propagation[${i}]`, `${yk}[${i}]`, it as YamlNode));
        raw.propagation = typeof jv === 'string' ? jv.split(',').map((s) => s.trim()) : jv;
        break;
      }
      case 'Tags':
        raw.tags = stringMap(node, yk, 'tags');
        break;
      case 'Reporter': {
        note('reporter', yk, node);
        const rep: Record<string, unknown> = (raw.reporter as Record<string, unknown> | undefined) ?? {};
        for (const [rn, rv, ryk] of entries(needMap(node, yk), REPORTER_YAML_KEYS, yk)) {
          const field = lcFirst(rn);
          note(`reporter.${field}`, ryk, rv);
          if (rn === 'Headers') rep.headers = { ...(rep.headers as object | undefined), ...stringMap(rv, ryk, 'reporter.headers') };
          else if (rn === 'Tls') {
            const tls: Record<string, unknown> = {};
            for (const [tn, tv, tyk] of entries(needMap(rv, ryk), TLS_YAML_KEYS, ryk)) {
              note(`reporter.tls.${lcFirst(tn)}`, tyk, tv);
              tls[lcFirst(tn)] = value(tv);
            }
            rep.tls = tls;
          } else rep[field] = value(rv);
        }
        raw.reporter = rep;
        break;
      }
      case 'OtlpHeaders': {
        const rep: Record<string, unknown> = (raw.reporter as Record<string, unknown> | undefined) ?? {};
        rep.headers = { ...stringMap(node, yk, 'reporter.headers'), ...(rep.headers as object | undefined) };
        raw.reporter = rep;
        break;
      }
      case 'Limits': {
        note('limits', yk, node);
        const lim: Record<string, unknown> = {};
        for (const [ln, lv, lyk] of entries(needMap(node, yk), LIMITS_YAML_KEYS, yk)) {
          note(`limits.${lcFirst(ln)}`, lyk, lv);
          lim[lcFirst(ln)] = value(lv);
        }
        raw.limits = lim;
        break;
      }
      case 'Batcher':
      case 'OtlpHttpPath':
      case 'OtlpHttpSecure':
        break; // handled below, together with Endpoint
    }
  }

  // Batcher → backend, and the endpoint shape go-zero's OTLP batchers imply.
  const batcher = seen.get('Batcher');
  let backend: string | undefined;
  if (batcher) {
    const [node, yk] = batcher;
    note('backend', yk, node);
    const b = value(node);
    if (typeof b !== 'string') return err(yk, node, `must be a string, got ${describeValue(yk, b)}`);
    const lower = b.trim().toLowerCase();
    if (lower === 'file') err(yk, node, 'go-zero\'s "file" batcher is not supported; use console (prints spans) or memory');
    backend = BATCHERS[lower] ?? checkBackend(b, 'backend', keyOf, false);
    raw.backend = backend;
  } else if (raw.endpoint !== undefined) {
    raw.backend = 'jaeger'; // go-zero's default Batcher
  }
  const secureNode = seen.get('OtlpHttpSecure');
  const pathNode = seen.get('OtlpHttpPath');
  let secure = false;
  if (secureNode) {
    const s = value(secureNode[0]);
    if (typeof s !== 'boolean') err(secureNode[1], secureNode[0], `must be true or false, got ${describeValue(secureNode[1], s)}`);
    secure = s as boolean;
  }
  let httpPath: string | undefined;
  if (pathNode) {
    const p = value(pathNode[0]);
    if (typeof p !== 'string' || !p.startsWith('/') || /[\s?#]/.test(p)) {
      err(pathNode[1], pathNode[0], `must be a URL path starting with "/", got ${describeValue(pathNode[1], p)}`);
    }
    httpPath = p as string;
  }
  const lowerBatcher = batcher ? String(value(batcher[0])).trim().toLowerCase() : '';
  if (typeof raw.endpoint === 'string' && (lowerBatcher === 'otlpgrpc' || lowerBatcher === 'otlphttp')) {
    const ep = raw.endpoint.trim();
    const hostPort = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):\d{1,5}$/.test(ep);
    if (lowerBatcher === 'otlpgrpc') {
      if (hostPort) raw.endpoint = `grpc://${ep}`;
      else raw.endpoint = ep.replace(/^http:\/\//i, 'grpc://').replace(/^https:\/\//i, 'grpcs://');
    } else if (hostPort) {
      raw.endpoint = `${secure ? 'https' : 'http'}://${ep}${httpPath ?? '/v1/traces'}`;
    } else if (httpPath && /^https?:\/\/[^/]+\/?$/i.test(ep)) {
      raw.endpoint = ep.replace(/\/$/, '') + httpPath;
    }
  }
  return checkConfigFields(raw, keyOf, false);
}

/**
 * Reads and parses a YAML config file (see {@link configFromYaml}).
 *
 * @param path - file path; errors name the file's base name and line
 * @throws ConfigError with key `TRACE_CONFIG` when the file cannot be read, or as
 *   {@link configFromYaml} for its content
 * @example
 * ```ts
 * const fromFile = loadYamlConfigFile('etc/orders.yaml');
 * ```
 */
export function loadYamlConfigFile(path: string, key = 'TRACE_CONFIG'): Partial<TracerConfig> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    return fail(() => ({ key }), key, `cannot read YAML config file ${JSON.stringify(path)} (${code})`);
  }
  return configFromYaml(text, basename(path));
}

function rangeStart(node: YamlNode | null | undefined): number | undefined {
  return node && node.range ? node.range[0] : undefined;
}
