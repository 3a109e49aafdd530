/**
 * The backends under the reliability suite — every transport of every adapter — with their
 * real stand-ins (the conformance harnesses, which decode the true wire format) and helpers
 * to point a tracer at a fault instead.
 *
 * @packageDocumentation
 */
import type { TracerConfig } from '../../src';
import '../../adapters';
import type { BackendHarness } from '../conformance/harness';
import { jaegerHttpHarness, jaegerUdpHarness } from '../adapters/jaeger/standins';
import { otlpGrpcHarness, otlpHarness } from '../adapters/otlp/standin';
import { skywalkingHarness } from '../adapters/skywalking/standin';
import { zipkinHarness } from '../adapters/zipkin/standin';

/** How a backend reaches its collector. */
export type Transport = 'http' | 'udp' | 'grpc';

/** One backend transport under test. */
export interface BackendUnderTest {
  /** Row label in the results table, e.g. `jaeger-http`. */
  label: string;
  /** What faults apply: HTTP statuses for `http`, gRPC statuses for `grpc`, TCP faults for both. */
  transport: Transport;
  /** The real stand-in. */
  harness: BackendHarness;
}

/** Every backend transport: jaeger over HTTP and UDP, zipkin, skywalking, otlp over HTTP and gRPC. */
export const BACKENDS: readonly BackendUnderTest[] = [
  { label: 'jaeger-http', transport: 'http', harness: jaegerHttpHarness },
  { label: 'jaeger-udp', transport: 'udp', harness: jaegerUdpHarness },
  { label: 'zipkin', transport: 'http', harness: zipkinHarness },
  { label: 'skywalking', transport: 'grpc', harness: skywalkingHarness },
  { label: 'otlp-http', transport: 'http', harness: otlpHarness },
  { label: 'otlp-grpc', transport: 'grpc', harness: otlpGrpcHarness },
];

/** The backend with this label. @throws when there is none */
export function backend(label: string): BackendUnderTest {
  const b = BACKENDS.find((x) => x.label === label);
  if (!b) throw new Error(`no backend ${label}`);
  return b;
}

/**
 * The stand-in's config fragment with its endpoint moved to `127.0.0.1:<port>` (scheme and
 * path kept), to aim the same backend at a fault stand-in or a proxy.
 *
 * @example
 * ```ts
 * pointAt({ backend: 'zipkin', endpoint: 'http://127.0.0.1:5000/api/v2/spans' }, 6000).endpoint; // 'http://127.0.0.1:6000/api/v2/spans'
 * ```
 */
export function pointAt(config: Partial<TracerConfig>, port: number): Partial<TracerConfig> {
  const endpoint = String(config.endpoint ?? '');
  if (!/127\.0\.0\.1:\d+/.test(endpoint)) throw new Error(`cannot re-point endpoint ${endpoint}`);
  return { ...config, endpoint: endpoint.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${port}`) };
}

/**
 * The endpoint of a backend for a collector at `127.0.0.1:<port>` without starting its stand-in
 * (what the stand-in's harness would produce).
 */
export function endpointFor(label: string, port: number, secure = false): string {
  switch (label) {
    case 'jaeger-http':
      return `${secure ? 'https' : 'http'}://127.0.0.1:${port}/api/traces`;
    case 'jaeger-udp':
      return `udp://127.0.0.1:${port}`;
    case 'zipkin':
      return `${secure ? 'https' : 'http'}://127.0.0.1:${port}/api/v2/spans`;
    case 'skywalking':
      return `${secure ? 'grpcs://' : ''}127.0.0.1:${port}`;
    case 'otlp-http':
      return `${secure ? 'https' : 'http'}://127.0.0.1:${port}`;
    case 'otlp-grpc':
      return `${secure ? 'grpcs' : 'grpc'}://127.0.0.1:${port}`;
    default:
      throw new Error(`no backend ${label}`);
  }
}

/** The registry name of a backend label (`otlp-grpc` → `otlp`). */
export function backendName(label: string): string {
  return label.split('-')[0] as string;
}
