/**
 * `npm run demo` with `TRACE_TYPE` set to each vendor backend: the four demo processes export
 * to that backend's stand-in (decoding the real wire format) with no code change, and every
 * request arrives as one trace spanning the four services.
 */
import * as path from 'node:path';
import type { BackendHarness } from '../conformance/harness';
import { byTrace, SPANS_PER_CHECKOUT, waitFor } from '../conformance/suite';
import { jaegerHttpHarness, jaegerUdpHarness } from '../adapters/jaeger/standins';
import { otlpGrpcHarness, otlpHarness } from '../adapters/otlp/standin';
import { skywalkingHarness } from '../adapters/skywalking/standin';
import { zipkinHarness } from '../adapters/zipkin/standin';
import { runNode, type ChildRun } from '../support/childProcess';

const root = path.resolve(__dirname, '..', '..');

function runDemo(env: Record<string, string>): Promise<ChildRun> {
  return runNode([path.join(root, 'dist', 'examples', 'http-to-grpc', 'demo.js')], { cwd: root, env: { DEMO_REQUESTS: '2', ...env }, killAfterMs: 60_000 });
}

const cases: Array<[string, BackendHarness]> = [
  ['jaeger (HTTP collector)', jaegerHttpHarness],
  ['jaeger (UDP agent)', jaegerUdpHarness],
  ['zipkin', zipkinHarness],
  ['skywalking', skywalkingHarness],
  ['otlp (HTTP/protobuf)', otlpHarness],
  ['otlp (gRPC)', otlpGrpcHarness],
];

describe.each(cases)('TRACE_TYPE demo → %s', (_label, harness) => {
  it('exports every request of the four-process demo as one four-service trace', async () => {
    const standIn = await harness.start();
    try {
      const { backend, endpoint } = standIn.config;
      const run = await runDemo({ TRACE_TYPE: String(backend), TRACE_ENDPOINT: String(endpoint ?? '') });
      expect(run.stderr).not.toMatch(/demo failed/);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/dropped 0/);
      await waitFor(() => standIn.received().length >= 2 * SPANS_PER_CHECKOUT, 10_000);
      const traces = [...byTrace(standIn.received()).values()];
      expect(traces).toHaveLength(2);
      for (const t of traces) {
        expect(t).toHaveLength(SPANS_PER_CHECKOUT);
        expect(new Set(t.map((s) => s.service))).toEqual(new Set(['gateway', 'orders', 'inventory', 'pricing']));
      }
      const ids = [...run.stdout.matchAll(/→ \d{3}  trace ([0-9a-f]{32})/g)].map((m) => m[1]).sort();
      expect(traces.map((t) => t[0].traceId).sort()).toEqual(ids);
    } finally {
      await standIn.stop();
    }
  }, 90_000);
});
