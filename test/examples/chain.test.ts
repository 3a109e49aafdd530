import { startDemoChain, type DemoChain } from '../../examples/http-to-grpc/chain';
import type { FinishedSpan } from '../../src';
import { registerBackend, type SpanExporter } from '../../src';

/** Render a trace as an indented tree of `service kind name` lines. */
function tree(spans: FinishedSpan[]): string[] {
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number): void => {
    for (const s of spans.filter((x) => x.parentSpanId === parent).sort((a, b) => a.startTimeUs - b.startTimeUs)) {
      lines.push(`${'  '.repeat(depth)}${s.resource.serviceName} ${s.kind} ${s.name}`);
      walk(s.spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines;
}

describe('demo chain (in process, memory backend)', () => {
  let chain: DemoChain;
  const spans: FinishedSpan[] = [];

  beforeAll(async () => {
    const exporter: SpanExporter = { export: async (b) => void spans.push(...b), forceFlush: async () => {}, shutdown: async () => {} };
    registerBackend('chain-test', () => ({ exporter }));
    chain = await startDemoChain(() => ({ backend: 'chain-test' }));
  });
  afterAll(async () => {
    await chain.stop();
  });

  it('one request is exactly one trace with the whole HTTP → gRPC → custom-RPC tree', async () => {
    const res = await fetch(`${chain.gatewayUrl}/checkout?item=book`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { traceId: string; order: { item: string; price: number } };
    expect(body.order).toEqual({ item: 'book', reserved: 1, price: 12.5 });
    await chain.flush();
    const trace = spans.filter((s) => s.traceId === body.traceId);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    expect(tree(trace)).toEqual([
      'gateway entry GET /checkout',
      '  gateway exit GET /orders',
      '    orders entry GET /orders',
      '      orders exit demo.inventory.Inventory/Reserve',
      '        inventory entry demo.inventory.Inventory/Reserve',
      '          inventory local reserve-stock',
      '          inventory exit pricing.quote',
      '            pricing entry pricing.quote',
    ]);
    const pricingExit = trace.find((s) => s.kind === 'exit' && s.name === 'pricing.quote')!;
    expect(pricingExit.peer?.host).toBe('127.0.0.1');
    expect(pricingExit.component).toBe('custom-rpc');
    // SkyWalking-style segments: one per service per request, indices in start order.
    const inventory = trace.filter((s) => s.resource.serviceName === 'inventory');
    expect(new Set(inventory.map((s) => s.segmentId)).size).toBe(1);
    expect(inventory.map((s) => s.segmentSpanIndex).sort()).toEqual([0, 1, 2]);
  });

  it('concurrent requests never mix traces', async () => {
    spans.length = 0;
    const bodies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => fetch(`${chain.gatewayUrl}/checkout?item=${i % 2 ? 'pen' : 'mug'}`).then((r) => r.json() as Promise<{ traceId: string }>)),
    );
    await chain.flush();
    const ids = new Set(bodies.map((b) => b.traceId));
    expect(ids.size).toBe(20);
    for (const id of ids) {
      const trace = spans.filter((s) => s.traceId === id);
      expect(trace).toHaveLength(8);
      const byId = new Set(trace.map((s) => s.spanId));
      expect(trace.filter((s) => s.parentSpanId && !byId.has(s.parentSpanId))).toHaveLength(0);
    }
  });
});
