import type { Logger, PropagationFormat, Resource, Sampler, SpanExporter } from '../api/types';
import type { TracerConfig } from '../config/TracerConfig';

/**
 * What a backend factory receives: the validated config, the process identity and the
 * library's logger.
 */
export interface BackendContext {
  /** The tracer's config, validated, with defaults filled in (`init()` has layered the environment in). */
  config: Readonly<TracerConfig>;
  /** Process identity: service name, instance, host and `tags`. */
  resource: Resource;
  /** The library's logger (rate-limit what you log through it; never log secrets). */
  logger: Logger;
}

/**
 * What a backend provides to a tracer.
 */
export interface Backend {
  /** Where finished spans go (behind the core's bounded batch pipeline). */
  exporter: SpanExporter;
  /** Propagation formats used when config gives none, e.g. `['jaeger', 'w3c', 'b3']`. The first ones are injected. */
  defaultPropagation?: { inject: PropagationFormat[]; extract: PropagationFormat[] };
  /** A sampler the backend builds itself (Jaeger's remote sampler), replacing the core's. */
  sampler?: Sampler;
}

/**
 * Builds a backend from config. Throws a `ConfigError` (naming the key) when the config
 * does not suit the backend, e.g. an endpoint it cannot parse.
 */
export type BackendFactory = (context: BackendContext) => Backend;

const factories = new Map<string, BackendFactory | (() => BackendFactory)>();
const lazy = new Set<string>();

/**
 * Register a backend under a name (case-insensitive). Adapters call this when imported;
 * `lazyLoader: true` registers a function that returns the factory on first use, so the
 * vendor client is only `require`d when a tracer actually selects that backend.
 * Registering a name again replaces the earlier factory. Never throws (a lazy loader runs,
 * and may throw, only in {@link getBackendFactory}).
 *
 * @example
 * ```ts
 * registerBackend('mine', ({ config }) => ({ exporter: new MyExporter(config.endpoint) }));
 * ```
 */
export function registerBackend(name: string, factory: BackendFactory): void;
export function registerBackend(name: string, loader: () => BackendFactory, lazyLoader: true): void;
export function registerBackend(name: string, f: BackendFactory | (() => BackendFactory), lazyLoader = false): void {
  const key = name.toLowerCase();
  factories.set(key, f);
  if (lazyLoader) lazy.add(key);
  else lazy.delete(key);
}

/**
 * Find a backend factory by name (case-insensitive), or `undefined` when none is registered.
 * A lazily registered backend is loaded (its module `require`d) on the first call.
 *
 * @throws whatever a lazy loader throws, e.g. when the vendor package is not installed
 * @example
 * ```ts
 * const factory = getBackendFactory('Zipkin'); // same as 'zipkin'
 * if (!factory) throw new Error('import traceandtrace/adapters first');
 * ```
 */
export function getBackendFactory(name: string): BackendFactory | undefined {
  const key = name.toLowerCase();
  const f = factories.get(key);
  if (!f) return undefined;
  if (lazy.has(key)) {
    const real = (f as () => BackendFactory)();
    factories.set(key, real);
    lazy.delete(key);
    return real;
  }
  return f as BackendFactory;
}

/**
 * Names of every registered backend (lower-case, lazy ones included), sorted. Never throws.
 *
 * @example
 * ```ts
 * listBackends(); // ['console', 'jaeger', 'memory', 'noop', 'otlp', 'skywalking', 'zipkin'] after importing the adapters
 * ```
 */
export function listBackends(): string[] {
  return [...factories.keys()].sort();
}
