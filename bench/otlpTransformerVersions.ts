/**
 * Which `@opentelemetry/otlp-transformer` each side of section 5's OTLP rows encodes with.
 * Those rows compare pipelines that share OpenTelemetry's serializer; when npm nests a second
 * copy under an exporter (as it did until 2026-12-06: 0.301.2 under exporter-trace-otlp-grpc,
 * 0.301.1 for ours and the HTTP exporter, whose string writer and size estimator differ), the
 * rows compare serializer versions too. The section prints these and says when they differ.
 *
 * @packageDocumentation
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const TRANSFORMER = '@opentelemetry/otlp-transformer';

/** The three places the OTLP rows encode from: our adapter and the two incumbent exporters. */
export interface OtlpTransformerVersions {
  /** Resolved from our OTLP adapter (`adapters/otlp`). */
  ours: string | undefined;
  /** Resolved from `@opentelemetry/exporter-trace-otlp-proto` (the HTTP incumbent). */
  http: string | undefined;
  /** Resolved from `@opentelemetry/exporter-trace-otlp-grpc` (the gRPC incumbent). */
  grpc: string | undefined;
}

/**
 * The `version` of the `@opentelemetry/otlp-transformer` that Node resolves from `dir`, or
 * `undefined` when it cannot be found. Reads the package's own package.json (its `exports`
 * do not list it) by walking up from the resolved entry file. Never throws.
 *
 * @param dir - a directory inside the package that requires the transformer
 * @example
 * ```ts
 * transformerVersionFrom(path.join(__dirname, '..', 'adapters', 'otlp')); // '0.301.2'
 * ```
 */
export function transformerVersionFrom(dir: string): string | undefined {
  try {
    let d = path.dirname(require.resolve(TRANSFORMER, { paths: [dir] }));
    for (;;) {
      const file = path.join(d, 'package.json');
      if (fs.existsSync(file)) {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
        if (pkg.name === TRANSFORMER) return typeof pkg.version === 'string' ? pkg.version : undefined;
      }
      const up = path.dirname(d);
      if (up === d) return undefined;
      d = up;
    }
  } catch {
    return undefined;
  }
}

/** The directory of an installed package's entry file (its `exports` may hide package.json), or `undefined`. */
function packageDir(name: string): string | undefined {
  try {
    return path.dirname(require.resolve(name));
  } catch {
    return undefined;
  }
}

/**
 * The transformer versions of our OTLP adapter and of both OTLP incumbents. Never throws
 * (a side that cannot be resolved is `undefined`).
 *
 * @param adapterDir - our compiled or source `adapters/otlp` directory
 * @example
 * ```ts
 * const v = otlpTransformerVersions(path.join(__dirname, '..', 'adapters', 'otlp'));
 * v.ours === v.grpc; // true when one copy is installed
 * ```
 */
export function otlpTransformerVersions(adapterDir: string): OtlpTransformerVersions {
  const from = (name: string): string | undefined => {
    const dir = packageDir(name);
    return dir === undefined ? undefined : transformerVersionFrom(dir);
  };
  return {
    ours: transformerVersionFrom(adapterDir),
    http: from('@opentelemetry/exporter-trace-otlp-proto'),
    grpc: from('@opentelemetry/exporter-trace-otlp-grpc'),
  };
}

/**
 * One line for the section's notes: the versions, and a warning when they are not all one.
 *
 * @example
 * ```ts
 * describeOtlpTransformerVersions({ ours: '0.301.2', http: '0.301.2', grpc: '0.301.2' });
 * // 'OTLP encoding: @opentelemetry/otlp-transformer 0.301.2 on every side (ours, both incumbents).'
 * ```
 */
export function describeOtlpTransformerVersions(v: OtlpTransformerVersions): string {
  if (v.ours !== undefined && v.ours === v.http && v.ours === v.grpc) {
    return `OTLP encoding: ${TRANSFORMER} ${v.ours} on every side (ours, both incumbents).`;
  }
  const s = (x: string | undefined): string => x ?? 'not found';
  return `OTLP encoding: ${TRANSFORMER} ${s(v.ours)} for ours, ${s(v.http)} for the HTTP incumbent, ${s(v.grpc)} for the gRPC one — NOT one version: the OTLP rows compare serializer versions too.`;
}
