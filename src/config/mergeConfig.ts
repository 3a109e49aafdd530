import type { SamplerConfig, TracerConfig } from './TracerConfig';
import { isPlainObject, isSamplerInstance } from './validate';

/**
 * Merges configuration layers, later layers winning, without mutating any of them.
 *
 * - Top-level keys: a later layer's value replaces an earlier one when it is not `undefined`.
 * - `reporter`, `limits`, `tags` and `reporter.headers` merge key by key.
 * - `sampler`: a later sampler of the same `type` merges field by field (so a layer may
 *   change only `param`); one of another type, a {@link Sampler} or a function replaces it.
 *
 * Use it to lay an explicit config object over the environment, as `init()` does:
 * `mergeConfig(configFromEnv(), userConfig)` — precedence object > env > YAML > defaults.
 *
 * @returns a new partial config (validate it with `resolveConfig`)
 * @example
 * ```ts
 * mergeConfig({ reporter: { queueSize: 10, flushInterval: 5 } }, { reporter: { queueSize: 20 } });
 * // → { reporter: { queueSize: 20, flushInterval: 5 } }
 * ```
 */
export function mergeConfig(...layers: ReadonlyArray<Partial<TracerConfig> | undefined>): Partial<TracerConfig> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      const prev = out[k];
      if ((k === 'reporter' || k === 'limits' || k === 'tags') && isPlainObject(prev) && isPlainObject(v)) {
        const merged: Record<string, unknown> = { ...prev };
        for (const [rk, rv] of Object.entries(v)) {
          if (rv === undefined) continue;
          merged[rk] = rk === 'headers' && isPlainObject(merged[rk]) && isPlainObject(rv) ? { ...merged[rk], ...rv } : rv;
        }
        out[k] = merged;
      } else if (k === 'sampler' && isSamplerConfigObject(prev) && isSamplerConfigObject(v) && prev.type === v.type) {
        const merged: Record<string, unknown> = { ...prev };
        for (const [sk, sv] of Object.entries(v)) if (sv !== undefined) merged[sk] = sv;
        out[k] = merged;
      } else {
        out[k] = isPlainObject(v) ? { ...v } : v;
      }
    }
  }
  return out as Partial<TracerConfig>;
}

function isSamplerConfigObject(v: unknown): v is SamplerConfig {
  return isPlainObject(v) && !isSamplerInstance(v);
}
