import type { PropagationFormat } from '../api/types';
import type { ReporterConfig, SamplerConfig, TracerConfig } from './TracerConfig';
import { ConfigError, describeValue } from './ConfigError';
import { mergeConfig } from './mergeConfig';
import { checkBackend, checkConfigFields, PROPAGATION_FORMATS, SAMPLER_TYPES, suggest, type KeyOf, type KeyOrigin } from './validate';
import { loadYamlConfigFile } from './yaml';

/**
 * An environment: variable name → value (as `process.env`).
 *
 * @example
 * ```ts
 * configFromEnv({ TRACE_TYPE: 'zipkin' } satisfies Env);
 * ```
 */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Options of {@link configFromEnv}.
 *
 * @example
 * ```ts
 * configFromEnv(process.env, { backend: 'jaeger' }); // JAEGER_ENDPOINT applies
 * ```
 */
export interface ConfigFromEnvOptions {
  /**
   * The backend the caller's explicit config selects, when the environment does not
   * (`TRACE_TYPE`): decides which vendor endpoint variables apply (see {@link configFromEnv}).
   */
  backend?: string;
}

type SamplerLayer = { type?: SamplerConfig['type']; param?: number; samplingEndpoint?: string; refreshInterval?: number };

/**
 * Reads tracer configuration from environment variables. Every variable is parsed
 * strictly: a value that does not parse is a {@link ConfigError} naming the variable
 * (never silently ignored). Empty values count as unset. Secret values never appear in
 * errors.
 *
 * **Precedence** (highest first): explicit config object (merged over this result by the
 * caller, `mergeConfig(configFromEnv(), config)`) > `TRACE_*` > `JAEGER_*` / `OTEL_*` >
 * the YAML file named by `TRACE_CONFIG` > defaults. Between `JAEGER_*` and `OTEL_*`, the
 * family of the selected backend wins (`otlp` → `OTEL_*` first, otherwise `JAEGER_*` first).
 * Vendor endpoint variables (`JAEGER_ENDPOINT`, `JAEGER_AGENT_*`, `JAEGER_SAMPLER_MANAGER_HOST_PORT`
 * vs `OTEL_EXPORTER_OTLP_*ENDPOINT`) apply only when the backend is theirs or not yet known.
 *
 * | variable | config | format |
 * |---|---|---|
 * | `TRACE_TYPE` | backend | memory, console, noop, jaeger, zipkin, skywalking, otlp (any case) |
 * | `TRACE_ENDPOINT` | endpoint | URL, `host:port`, `udp://host:port`, `grpc://host:port` |
 * | `TRACE_AGENT_HOST` | agentHost | host |
 * | `TRACE_SAMPLER_TYPE` / `TRACE_SAMPLER_PARAM` | sampler.type / .param | const, probabilistic, ratelimiting, parentbased, remote / number |
 * | `TRACE_REPORTER_LOG_SPANS` | reporter.logSpans | true, false, 1, 0 |
 * | `TRACE_SERVICE_NAME` | serviceName | string |
 * | `TRACE_PROPAGATION` | propagation | comma list of w3c, b3, b3multi, jaeger, sw8 |
 * | `TRACE_USER` / `TRACE_PASSWORD` / `TRACE_TOKEN` | reporter.user / .password / .token | string |
 * | `TRACE_CONFIG` | (YAML file, see `configFromYaml`) | path |
 * | `TRACE_DISABLED` | disabled | true, false, 1, 0 |
 * | `JAEGER_SERVICE_NAME`, `JAEGER_ENDPOINT`, `JAEGER_AGENT_HOST`, `JAEGER_AGENT_PORT` (→ `udp://host:port`), `JAEGER_USER`, `JAEGER_PASSWORD`, `JAEGER_SAMPLER_TYPE`, `JAEGER_SAMPLER_PARAM`, `JAEGER_SAMPLER_MANAGER_HOST_PORT` (→ `http://host:port/sampling`), `JAEGER_SAMPLING_ENDPOINT`, `JAEGER_SAMPLER_REFRESH_INTERVAL` (ms), `JAEGER_REPORTER_LOG_SPANS`, `JAEGER_REPORTER_FLUSH_INTERVAL` (ms), `JAEGER_REPORTER_MAX_QUEUE_SIZE`, `JAEGER_REPORTER_TIMEOUT` (ms), `JAEGER_TAGS` (`k=v,k2=${ENV_VAR:default}`), `JAEGER_DISABLED` | as jaeger-client's `initTracerFromEnv`, but booleans strict | |
 * | `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES` (`k=v,…` percent-decoded; service.name, service.instance.id, rest → tags), `OTEL_TRACES_EXPORTER` (backend), `OTEL_EXPORTER_OTLP_ENDPOINT` (+ `/v1/traces` for HTTP), `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (as is), `OTEL_EXPORTER_OTLP[_TRACES]_PROTOCOL` (grpc → `grpc://`, http/json → `?protocol=http/json`), `OTEL_EXPORTER_OTLP[_TRACES]_HEADERS`, `OTEL_EXPORTER_OTLP[_TRACES]_TIMEOUT` (ms), `OTEL_TRACES_SAMPLER` + `OTEL_TRACES_SAMPLER_ARG`, `OTEL_PROPAGATORS`, `OTEL_SDK_DISABLED` | as the OpenTelemetry SDK environment spec | |
 *
 * Notes: `TRACE_SAMPLER_PARAM` alone (no type anywhere) means `probabilistic`; a sampling
 * endpoint alone means `remote`. jaeger-client treats `JAEGER_REPORTER_LOG_SPANS=false` as
 * true and OTel treats anything but `true` as false; here both are strict. OTel's
 * `always_on`/`always_off`/`traceidratio` map to const/probabilistic, which (as every
 * built-in sampler here) honour a remote parent's decision.
 *
 * @param env - the environment (default `process.env`); not modified
 * @param options - see {@link ConfigFromEnvOptions}
 * @returns the partial config the environment sets, validated and normalised
 * @throws ConfigError naming the variable (e.g. `TRACE_SAMPLER_PARAM`), or the YAML key for
 *   an error inside the `TRACE_CONFIG` file
 * @see https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
 * @example
 * ```ts
 * configFromEnv({ TRACE_TYPE: 'Jaeger', TRACE_SAMPLER_TYPE: 'probabilistic', TRACE_SAMPLER_PARAM: '0.1' });
 * // → { backend: 'jaeger', sampler: { type: 'probabilistic', param: 0.1 } }
 * ```
 */
export function configFromEnv(env: Env = process.env, options: ConfigFromEnvOptions = {}): Partial<TracerConfig> {
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };

  const yamlPath = get('TRACE_CONFIG');
  const fromYaml: Partial<TracerConfig> = yamlPath ? loadYamlConfigFile(yamlPath, 'TRACE_CONFIG') : {};

  // Which backend? It decides the order of the JAEGER_* / OTEL_* families.
  const origins = new Map<string, KeyOrigin>();
  const keyOf: KeyOf = (path) => {
    let p = path;
    for (;;) {
      const o = origins.get(p);
      if (o) return o;
      const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      if (cut <= 0) return { key: path };
      p = p.slice(0, cut);
    }
  };
  let backend: string | undefined;
  const traceType = get('TRACE_TYPE');
  const otelExporter = get('OTEL_TRACES_EXPORTER');
  if (traceType !== undefined) {
    backend = checkBackend(traceType, 'backend', () => ({ key: 'TRACE_TYPE' }), false);
    origins.set('backend', { key: 'TRACE_TYPE' });
  } else if (otelExporter !== undefined) {
    backend = parseOtelExporter(otelExporter);
    origins.set('backend', { key: 'OTEL_TRACES_EXPORTER' });
  }
  const effectiveBackend = backend ?? fromYaml.backend ?? options.backend?.toLowerCase();
  const otelFirst = effectiveBackend === 'otlp';
  const jaegerEndpoints = effectiveBackend === undefined || effectiveBackend === 'jaeger';
  const otelEndpoints = effectiveBackend === undefined || effectiveBackend === 'otlp';

  const jaeger = jaegerLayer(get, jaegerEndpoints);
  const otel = otelLayer(get, otelEndpoints);
  const trace = traceLayer(get);
  if (backend !== undefined) trace.config.backend = backend;

  const layers = otelFirst ? [fromYaml, jaeger.config, otel.config, trace.config] : [fromYaml, otel.config, jaeger.config, trace.config];
  const originLayers = otelFirst ? [jaeger.origins, otel.origins, trace.origins] : [otel.origins, jaeger.origins, trace.origins];
  for (const layer of originLayers) for (const [k, v] of layer) if (!k.startsWith('sampler')) origins.set(k, v);

  const merged = mergeConfig(...layers.map((l) => ({ ...l, sampler: undefined })));
  // Sampler: combined field by field from the layers (highest first) that agree on the type.
  const samplerLayers: Array<{ s: SamplerLayer; o: Map<string, KeyOrigin> }> = [
    { s: trace.sampler, o: trace.origins },
    ...(otelFirst
      ? [{ s: otel.sampler, o: otel.origins }, { s: jaeger.sampler, o: jaeger.origins }]
      : [{ s: jaeger.sampler, o: jaeger.origins }, { s: otel.sampler, o: otel.origins }]),
  ];
  const yamlSampler = fromYaml.sampler;
  const sampler = combineSamplers(samplerLayers.map((l) => l.s), yamlSampler, origins, samplerLayers.map((l) => l.o));
  if (sampler !== undefined) merged.sampler = sampler;

  return checkConfigFields(merged, keyOf, false);
}

/** Strict boolean: true/false/1/0 (case-insensitive). */
function parseBool(name: string, v: string): boolean {
  const l = v.toLowerCase();
  if (l === 'true' || l === '1') return true;
  if (l === 'false' || l === '0') return false;
  throw new ConfigError(name, `must be true, false, 1 or 0, got ${describeValue(name, v)}`);
}

/** Strict decimal number. */
function parseNumber(name: string, v: string): number {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) throw new ConfigError(name, `must be a number, got ${describeValue(name, v)}`);
  return Number(v);
}

/** Strict non-negative integer (ms or counts). */
function parseInteger(name: string, v: string, what: string): number {
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new ConfigError(name, `must be ${what}, got ${describeValue(name, v)}`);
  return Number(v);
}

function parseSamplerType(name: string, v: string): SamplerConfig['type'] {
  const t = v.toLowerCase();
  if (!(SAMPLER_TYPES as readonly string[]).includes(t)) {
    throw new ConfigError(name, `unknown sampler type ${describeValue(name, v)}${suggest(t, SAMPLER_TYPES)}; known: ${SAMPLER_TYPES.join(', ')}`);
  }
  return t as SamplerConfig['type'];
}

function parseOtelExporter(v: string): string {
  const name = 'OTEL_TRACES_EXPORTER';
  const list = v.split(',').map((s) => s.trim().toLowerCase());
  if (list.length !== 1) throw new ConfigError(name, `only one exporter is supported, got ${describeValue(name, v)}`);
  const e = list[0];
  if (e === 'none') return 'noop';
  if (['otlp', 'jaeger', 'zipkin', 'console'].includes(e)) return e;
  return checkBackend(e, 'backend', () => ({ key: name }), false);
}

/**
 * Parses a `k=v,k2=v2` list. `decode`: percent-decode keys and values (W3C baggage
 * octets, as OTEL_* lists); `secret`: never show values in errors.
 */
function parseKeyValues(name: string, v: string, decode: boolean, env?: (n: string) => string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of v.split(',')) {
    if (item.trim() === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) throw new ConfigError(name, `must be a comma list of key=value, got an item without "=" (${describeValue(name, item.trim())})`);
    let k = item.slice(0, eq).trim();
    let val = item.slice(eq + 1).trim();
    if (decode) {
      try {
        k = decodeURIComponent(k);
        val = decodeURIComponent(val);
      } catch {
        throw new ConfigError(name, `has an invalid percent-encoding in the entry for ${describeValue('key', k)}`);
      }
    }
    if (env && val.startsWith('${') && val.endsWith('}')) {
      // jaeger-client's JAEGER_TAGS form: ${ENV_VAR:default}
      const inner = val.slice(2, -1);
      const colon = inner.indexOf(':');
      const ref = colon < 0 ? inner : inner.slice(0, colon);
      val = env(ref) ?? (colon < 0 ? '' : inner.slice(colon + 1));
    }
    if (k === '') throw new ConfigError(name, 'has an empty key');
    out[k] = val;
  }
  return out;
}

interface Layer {
  config: Partial<TracerConfig>;
  sampler: SamplerLayer;
  origins: Map<string, KeyOrigin>;
}

function newLayer(): Layer {
  return { config: {}, sampler: {}, origins: new Map() };
}

function reporterOf(l: Layer): ReporterConfig {
  l.config.reporter ??= {};
  return l.config.reporter;
}

function traceLayer(get: (n: string) => string | undefined): Layer {
  const l = newLayer();
  const c = l.config;
  const at = (path: string, key: string): void => void l.origins.set(path, { key });
  let v: string | undefined;
  if ((v = get('TRACE_SERVICE_NAME')) !== undefined) (c.serviceName = v), at('serviceName', 'TRACE_SERVICE_NAME');
  if ((v = get('TRACE_ENDPOINT')) !== undefined) (c.endpoint = v), at('endpoint', 'TRACE_ENDPOINT');
  if ((v = get('TRACE_AGENT_HOST')) !== undefined) (c.agentHost = v), at('agentHost', 'TRACE_AGENT_HOST');
  if ((v = get('TRACE_SAMPLER_TYPE')) !== undefined) (l.sampler.type = parseSamplerType('TRACE_SAMPLER_TYPE', v)), at('sampler.type', 'TRACE_SAMPLER_TYPE');
  if ((v = get('TRACE_SAMPLER_PARAM')) !== undefined) (l.sampler.param = parseNumber('TRACE_SAMPLER_PARAM', v)), at('sampler.param', 'TRACE_SAMPLER_PARAM');
  if ((v = get('TRACE_REPORTER_LOG_SPANS')) !== undefined) (reporterOf(l).logSpans = parseBool('TRACE_REPORTER_LOG_SPANS', v)), at('reporter.logSpans', 'TRACE_REPORTER_LOG_SPANS');
  if ((v = get('TRACE_PROPAGATION')) !== undefined) {
    c.propagation = parseFormatList('TRACE_PROPAGATION', v);
    at('propagation', 'TRACE_PROPAGATION');
  }
  if ((v = get('TRACE_USER')) !== undefined) (reporterOf(l).user = v), at('reporter.user', 'TRACE_USER');
  if ((v = get('TRACE_PASSWORD')) !== undefined) (reporterOf(l).password = v), at('reporter.password', 'TRACE_PASSWORD');
  if ((v = get('TRACE_TOKEN')) !== undefined) (reporterOf(l).token = v), at('reporter.token', 'TRACE_TOKEN');
  if ((v = get('TRACE_DISABLED')) !== undefined) (c.disabled = parseBool('TRACE_DISABLED', v)), at('disabled', 'TRACE_DISABLED');
  return l;
}

function parseFormatList(name: string, v: string): PropagationFormat[] {
  const out: PropagationFormat[] = [];
  for (const raw of v.split(',')) {
    const f = raw.trim().toLowerCase();
    if (!(PROPAGATION_FORMATS as readonly string[]).includes(f)) {
      throw new ConfigError(name, `unknown propagation format ${describeValue(name, raw.trim())}${suggest(f, PROPAGATION_FORMATS)}; known: ${PROPAGATION_FORMATS.join(', ')}`);
    }
    if (!out.includes(f as PropagationFormat)) out.push(f as PropagationFormat);
  }
  return out;
}

function jaegerLayer(get: (n: string) => string | undefined, endpoints: boolean): Layer {
  const l = newLayer();
  const c = l.config;
  const at = (path: string, key: string): void => void l.origins.set(path, { key });
  let v: string | undefined;
  if ((v = get('JAEGER_SERVICE_NAME')) !== undefined) (c.serviceName = v), at('serviceName', 'JAEGER_SERVICE_NAME');
  if ((v = get('JAEGER_AGENT_HOST')) !== undefined) (c.agentHost = v), at('agentHost', 'JAEGER_AGENT_HOST');
  if (endpoints) {
    const port = get('JAEGER_AGENT_PORT');
    if (port !== undefined) {
      const p = parseInteger('JAEGER_AGENT_PORT', port, 'a port number 1..65535');
      if (p < 1 || p > 65535) throw new ConfigError('JAEGER_AGENT_PORT', `must be a port number 1..65535, got ${p}`);
      const host = get('JAEGER_AGENT_HOST') ?? get('TRACE_AGENT_HOST') ?? '127.0.0.1';
      c.endpoint = `udp://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${p}`;
      at('endpoint', get('JAEGER_AGENT_HOST') ? 'JAEGER_AGENT_HOST' : 'JAEGER_AGENT_PORT');
    }
    // the collector endpoint takes precedence over the agent, as in jaeger-client
    if ((v = get('JAEGER_ENDPOINT')) !== undefined) (c.endpoint = v), at('endpoint', 'JAEGER_ENDPOINT');
    if ((v = get('JAEGER_SAMPLER_MANAGER_HOST_PORT')) !== undefined) {
      l.sampler.samplingEndpoint = /^https?:\/\//i.test(v) ? (/^https?:\/\/[^/]+\/?$/i.test(v) ? `${v.replace(/\/$/, '')}/sampling` : v) : `http://${v}/sampling`;
      at('sampler.samplingEndpoint', 'JAEGER_SAMPLER_MANAGER_HOST_PORT');
    }
    if ((v = get('JAEGER_SAMPLING_ENDPOINT')) !== undefined) (l.sampler.samplingEndpoint = v), at('sampler.samplingEndpoint', 'JAEGER_SAMPLING_ENDPOINT');
  }
  if ((v = get('JAEGER_USER')) !== undefined) (reporterOf(l).user = v), at('reporter.user', 'JAEGER_USER');
  if ((v = get('JAEGER_PASSWORD')) !== undefined) (reporterOf(l).password = v), at('reporter.password', 'JAEGER_PASSWORD');
  if ((v = get('JAEGER_SAMPLER_TYPE')) !== undefined) (l.sampler.type = parseSamplerType('JAEGER_SAMPLER_TYPE', v)), at('sampler.type', 'JAEGER_SAMPLER_TYPE');
  if ((v = get('JAEGER_SAMPLER_PARAM')) !== undefined) (l.sampler.param = parseNumber('JAEGER_SAMPLER_PARAM', v)), at('sampler.param', 'JAEGER_SAMPLER_PARAM');
  if ((v = get('JAEGER_SAMPLER_REFRESH_INTERVAL')) !== undefined) {
    l.sampler.refreshInterval = parseInteger('JAEGER_SAMPLER_REFRESH_INTERVAL', v, 'a whole number of milliseconds');
    at('sampler.refreshInterval', 'JAEGER_SAMPLER_REFRESH_INTERVAL');
  }
  if ((v = get('JAEGER_REPORTER_LOG_SPANS')) !== undefined) (reporterOf(l).logSpans = parseBool('JAEGER_REPORTER_LOG_SPANS', v)), at('reporter.logSpans', 'JAEGER_REPORTER_LOG_SPANS');
  if ((v = get('JAEGER_REPORTER_FLUSH_INTERVAL')) !== undefined) {
    reporterOf(l).flushInterval = parseInteger('JAEGER_REPORTER_FLUSH_INTERVAL', v, 'a whole number of milliseconds');
    at('reporter.flushInterval', 'JAEGER_REPORTER_FLUSH_INTERVAL');
  }
  if ((v = get('JAEGER_REPORTER_MAX_QUEUE_SIZE')) !== undefined) {
    reporterOf(l).queueSize = parseInteger('JAEGER_REPORTER_MAX_QUEUE_SIZE', v, 'a positive integer');
    at('reporter.queueSize', 'JAEGER_REPORTER_MAX_QUEUE_SIZE');
  }
  if ((v = get('JAEGER_REPORTER_TIMEOUT')) !== undefined) {
    reporterOf(l).timeout = parseInteger('JAEGER_REPORTER_TIMEOUT', v, 'a whole number of milliseconds');
    at('reporter.timeout', 'JAEGER_REPORTER_TIMEOUT');
  }
  if ((v = get('JAEGER_TAGS')) !== undefined) (c.tags = parseKeyValues('JAEGER_TAGS', v, false, get)), at('tags', 'JAEGER_TAGS');
  if ((v = get('JAEGER_DISABLED')) !== undefined) (c.disabled = parseBool('JAEGER_DISABLED', v)), at('disabled', 'JAEGER_DISABLED');
  return l;
}

const OTEL_PROPAGATORS: Record<string, PropagationFormat | null> = {
  tracecontext: 'w3c',
  baggage: null, // carried by our w3c propagator
  b3: 'b3',
  b3multi: 'b3multi',
  jaeger: 'jaeger',
  none: null,
};

function otelLayer(get: (n: string) => string | undefined, endpoints: boolean): Layer {
  const l = newLayer();
  const c = l.config;
  const at = (path: string, key: string): void => void l.origins.set(path, { key });
  let v: string | undefined;
  if ((v = get('OTEL_RESOURCE_ATTRIBUTES')) !== undefined) {
    const attrs = parseKeyValues('OTEL_RESOURCE_ATTRIBUTES', v, true);
    const { 'service.name': svc, 'service.instance.id': inst, ...rest } = attrs;
    if (svc !== undefined) (c.serviceName = svc), at('serviceName', 'OTEL_RESOURCE_ATTRIBUTES');
    if (inst !== undefined) (c.serviceInstance = inst), at('serviceInstance', 'OTEL_RESOURCE_ATTRIBUTES');
    if (Object.keys(rest).length) (c.tags = rest), at('tags', 'OTEL_RESOURCE_ATTRIBUTES');
  }
  if ((v = get('OTEL_SERVICE_NAME')) !== undefined) (c.serviceName = v), at('serviceName', 'OTEL_SERVICE_NAME');

  if (endpoints) {
    const protoName = get('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') !== undefined ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
    const proto = get(protoName)?.toLowerCase();
    if (proto !== undefined && !['grpc', 'http/protobuf', 'http/json'].includes(proto)) {
      throw new ConfigError(protoName, `must be grpc, http/protobuf or http/json, got ${describeValue(protoName, proto)}`);
    }
    const toGrpc = (url: string): string => url.replace(/^http:\/\//i, 'grpc://').replace(/^https:\/\//i, 'grpcs://');
    const checkUrl = (name: string, url: string): URL => {
      try {
        const u = new URL(url);
        if (u.protocol === 'http:' || u.protocol === 'https:') return u;
      } catch {
        /* reported below */
      }
      throw new ConfigError(name, `must be an http:// or https:// URL, got ${describeValue(name, url)}`);
    };
    // http/json is passed to the otlp backend as `?protocol=http/json` (its endpoint syntax)
    const json = (url: string): string => (proto === 'http/json' ? `${url}${url.includes('?') ? '&' : '?'}protocol=http/json` : url);
    if ((v = get('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')) !== undefined) {
      checkUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', v);
      c.endpoint = proto === 'grpc' ? toGrpc(v) : json(v);
      at('endpoint', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
    } else if ((v = get('OTEL_EXPORTER_OTLP_ENDPOINT')) !== undefined) {
      const u = checkUrl('OTEL_EXPORTER_OTLP_ENDPOINT', v);
      const auth = u.username ? `${u.username}${u.password ? `:${u.password}` : ''}@` : ''; // kept: the backend turns it into basic auth
      if (proto === 'grpc') c.endpoint = toGrpc(`${u.protocol}//${auth}${u.host}`);
      else c.endpoint = json(`${u.protocol}//${auth}${u.host}${u.pathname.replace(/\/+$/, '')}/v1/traces`); // the spec: base URL + signal path
      at('endpoint', 'OTEL_EXPORTER_OTLP_ENDPOINT');
    }
  }
  let headers: Record<string, string> | undefined;
  for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']) {
    if ((v = get(name)) !== undefined) {
      headers = { ...headers, ...parseKeyValues(name, v, true) };
      at('reporter.headers', name);
    }
  }
  if (headers) reporterOf(l).headers = headers;
  for (const name of ['OTEL_EXPORTER_OTLP_TIMEOUT', 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT']) {
    if ((v = get(name)) !== undefined) {
      reporterOf(l).timeout = parseInteger(name, v, 'a whole number of milliseconds');
      at('reporter.timeout', name);
    }
  }
  const samplerVar = get('OTEL_TRACES_SAMPLER');
  const arg = get('OTEL_TRACES_SAMPLER_ARG');
  if (samplerVar !== undefined) {
    const s = samplerVar.toLowerCase();
    const name = 'OTEL_TRACES_SAMPLER';
    at('sampler.type', name);
    const base = s.startsWith('parentbased_') ? s.slice('parentbased_'.length) : s;
    if (base === 'always_on') (l.sampler.type = 'const'), (l.sampler.param = 1);
    else if (base === 'always_off') (l.sampler.type = 'const'), (l.sampler.param = 0);
    else if (base === 'traceidratio') {
      l.sampler.type = 'probabilistic';
      l.sampler.param = arg === undefined ? 1 : parseNumber('OTEL_TRACES_SAMPLER_ARG', arg);
      if (arg !== undefined) at('sampler.param', 'OTEL_TRACES_SAMPLER_ARG');
    } else if (base === 'jaeger_remote') {
      l.sampler.type = 'remote';
      if (arg !== undefined) {
        const kv = parseKeyValues('OTEL_TRACES_SAMPLER_ARG', arg, false);
        for (const [k, val] of Object.entries(kv)) {
          if (k === 'endpoint') (l.sampler.samplingEndpoint = val), at('sampler.samplingEndpoint', 'OTEL_TRACES_SAMPLER_ARG');
          else if (k === 'pollingIntervalMs') (l.sampler.refreshInterval = parseInteger('OTEL_TRACES_SAMPLER_ARG', val, 'pollingIntervalMs=<ms>')), at('sampler.refreshInterval', 'OTEL_TRACES_SAMPLER_ARG');
          else if (k === 'initialSamplingRate') (l.sampler.param = parseNumber('OTEL_TRACES_SAMPLER_ARG', val)), at('sampler.param', 'OTEL_TRACES_SAMPLER_ARG');
          else throw new ConfigError('OTEL_TRACES_SAMPLER_ARG', `unknown jaeger_remote argument ${describeValue('arg', k)}; known: endpoint, pollingIntervalMs, initialSamplingRate`);
        }
      }
    } else {
      throw new ConfigError(
        name,
        `unknown sampler ${describeValue(name, samplerVar)}; known: always_on, always_off, traceidratio, jaeger_remote and their parentbased_ forms`,
      );
    }
  }
  if ((v = get('OTEL_PROPAGATORS')) !== undefined) {
    const out: PropagationFormat[] = [];
    for (const raw of v.split(',')) {
      const p = raw.trim().toLowerCase();
      if (!(p in OTEL_PROPAGATORS)) {
        throw new ConfigError('OTEL_PROPAGATORS', `unsupported propagator ${describeValue('p', raw.trim())}; supported: ${Object.keys(OTEL_PROPAGATORS).join(', ')}`);
      }
      const f = OTEL_PROPAGATORS[p];
      if (f && !out.includes(f)) out.push(f);
    }
    c.propagation = out;
    at('propagation', 'OTEL_PROPAGATORS');
  }
  if ((v = get('OTEL_SDK_DISABLED')) !== undefined) (c.disabled = parseBool('OTEL_SDK_DISABLED', v)), at('disabled', 'OTEL_SDK_DISABLED');
  return l;
}

const PARAM_VAR: Record<string, string> = {
  TRACE_SAMPLER_TYPE: 'TRACE_SAMPLER_PARAM',
  JAEGER_SAMPLER_TYPE: 'JAEGER_SAMPLER_PARAM',
  OTEL_TRACES_SAMPLER: 'OTEL_TRACES_SAMPLER_ARG',
};

/**
 * Combines the sampler settings of the env layers (highest first) over the YAML sampler:
 * the type comes from the highest layer that sets one; other fields from the highest layer
 * that either sets no type or sets that same type.
 */
function combineSamplers(
  layers: SamplerLayer[],
  yamlSampler: TracerConfig['sampler'],
  origins: Map<string, KeyOrigin>,
  layerOrigins: Array<Map<string, KeyOrigin>>,
): TracerConfig['sampler'] {
  const anyEnv = layers.some((s) => Object.keys(s).length > 0);
  if (!anyEnv) return yamlSampler;
  const yamlObj = typeof yamlSampler === 'object' && yamlSampler !== null && !('shouldSample' in yamlSampler) ? (yamlSampler as SamplerConfig) : undefined;
  const all: Array<{ s: SamplerLayer & { root?: SamplerConfig }; o?: Map<string, KeyOrigin> }> = layers.map((s, i) => ({ s, o: layerOrigins[i] }));
  if (yamlObj) all.push({ s: { ...yamlObj } });
  const typed = all.find((l) => l.s.type !== undefined);
  let type = typed?.s.type;
  const out: Record<string, unknown> = {};
  for (const field of ['param', 'samplingEndpoint', 'refreshInterval', 'root'] as const) {
    const from = all.find((l) => l.s[field] !== undefined && (l.s.type === undefined || l.s.type === type));
    if (from) {
      out[field] = from.s[field];
      const o = from.o?.get(`sampler.${field}`);
      if (o) origins.set(`sampler.${field}`, o);
    }
  }
  if (type === undefined) {
    type = out.samplingEndpoint !== undefined || out.refreshInterval !== undefined ? 'remote' : 'probabilistic';
    if (!origins.has('sampler.type')) {
      const o = origins.get('sampler.param') ?? origins.get('sampler.samplingEndpoint') ?? origins.get('sampler.refreshInterval');
      if (o) origins.set('sampler.type', o);
    }
  } else if (typed?.o) {
    const o = typed.o.get('sampler.type');
    if (o) {
      origins.set('sampler.type', o);
      // a missing or unfitting param is reported under the param variable of the same family
      if (out.param === undefined || !origins.has('sampler.param')) origins.set('sampler.param', { key: PARAM_VAR[o.key] ?? o.key });
      for (const f of ['root', 'samplingEndpoint', 'refreshInterval']) if (!origins.has(`sampler.${f}`)) origins.set(`sampler.${f}`, o);
    }
  }
  return { type, ...out } as SamplerConfig;
}
