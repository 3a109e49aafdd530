/**
 * Configuration: validation with defaults (`resolveConfig`), environment variables
 * (`configFromEnv`), go-zero-style YAML (`configFromYaml`), layering (`mergeConfig`) and the
 * {@link ConfigError} every problem is reported with.
 *
 * Precedence: explicit config object > `TRACE_*` > `JAEGER_*` / `OTEL_*` > YAML file
 * (`TRACE_CONFIG`) > defaults — `resolveConfig(mergeConfig(configFromEnv(), config))`.
 *
 * @packageDocumentation
 */
export type { TracerConfig, SamplerConfig, ReporterConfig, LimitsConfig } from './TracerConfig';
export { ConfigError, isSecretKey, redactUrlCredentials } from './ConfigError';
export { resolveConfig, DEFAULT_REPORTER, DEFAULT_LIMITS, type ResolvedConfig, type ResolvedReporterConfig } from './resolveConfig';
export { configFromEnv, type Env, type ConfigFromEnvOptions } from './env';
export { configFromYaml, loadYamlConfigFile } from './yaml';
export { mergeConfig } from './mergeConfig';
