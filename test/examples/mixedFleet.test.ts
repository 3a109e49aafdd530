/**
 * Mixed fleets (issue 6): the four demo services each report to a different backend and
 * speak a different propagation format, as during a one-service-at-a-time migration:
 *
 *   gateway  (jaeger,  injects uber-trace-id)
 *     → orders    (zipkin,     extracts jaeger, injects B3 multi)
 *       → inventory (skywalking, extracts B3,     injects sw8)
 *         → pricing   (otlp,       extracts sw8,    injects W3C)
 *
 * Every request must still yield one connected trace id across the four backends' stand-ins.
 */
import '../../adapters';
import { startDemoChain, type DemoChain } from '../../examples/http-to-grpc/chain';
import type { PropagationFormat, TracerConfig } from '../../src';
import type { RunningStandIn } from '../conformance/harness';
import { waitFor } from '../conformance/suite';
import { jaegerHttpHarness } from '../adapters/jaeger/standins';
import { otlpHarness } from '../adapters/otlp/standin';
import { skywalkingHarness } from '../adapters/skywalking/standin';
import { zipkinHarness } from '../adapters/zipkin/standin';

const plan: Record<string, { harness: typeof jaegerHttpHarness; inject: PropagationFormat[]; extract: PropagationFormat[] }> = {
  gateway: { harness: jaegerHttpHarness, inject: ['jaeger'], extract: ['jaeger'] },
  orders: { harness: zipkinHarness, inject: ['b3multi'], extract: ['jaeger'] },
  inventory: { harness: skywalkingHarness, inject: ['sw8'], extract: ['b3multi'] },
  pricing: { harness: otlpHarness, inject: ['w3c'], extract: ['sw8'] },
};

describe('mixed fleet: four services, four backends, four propagation formats', () => {
  const standIns: Record<string, RunningStandIn> = {};
  let chain: DemoChain;

  beforeAll(async () => {
    for (const [service, p] of Object.entries(plan)) standIns[service] = await p.harness.start();
    chain = await startDemoChain((service): Partial<TracerConfig> => {
      const p = plan[service];
      const base = standIns[service].config;
      return { ...base, propagation: { inject: p.inject, extract: p.extract }, reporter: { ...base.reporter, flushInterval: 100 } };
    });
  });

  afterAll(async () => {
    await chain?.stop();
    for (const s of Object.values(standIns)) await s.stop();
  });

  it('each request is one connected trace id across jaeger, zipkin, skywalking and otlp', async () => {
    const traceIds: string[] = [];
    for (const item of ['book', 'cursed', 'pen']) {
      const res = await fetch(`${chain.gatewayUrl}/checkout?item=${item}`);
      traceIds.push(((await res.json()) as { traceId: string }).traceId);
    }
    await chain.flush();
    const expected: Record<string, number> = { gateway: 2, orders: 2, inventory: 3, pricing: 1 };
    for (const traceId of traceIds) {
      for (const [service, count] of Object.entries(expected)) {
        await waitFor(() => standIns[service].received().filter((s) => s.traceId === traceId).length >= count);
        const spans = standIns[service].received().filter((s) => s.traceId === traceId);
        expect({ service, spans: spans.length }).toEqual({ service, spans: count });
        for (const s of spans) expect(s.service).toBe(service);
      }
      // Exact parent links where the format carries the caller's span id (uber-trace-id, B3).
      const gatewayClient = standIns.gateway.received().find((s) => s.traceId === traceId && s.kind === 'client')!;
      const ordersServer = standIns.orders.received().find((s) => s.traceId === traceId && s.kind === 'server')!;
      expect(ordersServer.parentSpanId).toBe(gatewayClient.spanId);
    }
    // The failing request is marked in every backend it crossed.
    const failed = traceIds[1];
    for (const service of Object.keys(expected)) {
      expect(standIns[service].received().some((s) => s.traceId === failed && s.error)).toBe(true);
    }
  });
});
