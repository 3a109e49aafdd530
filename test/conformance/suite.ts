/**
 * The shared conformance suite, zipkin-js style: one set of scenarios — new trace, continue a
 * trace, 128-bit ids, errors, redirects, parallel children, sampled-out — run through the demo
 * chain (gateway →HTTP→ orders →gRPC→ inventory →custom RPC→ pricing) against every backend's
 * stand-in, asserting on what the stand-in decoded from the real wire format.
 */
import { newSpanId, newTraceId, type SpanContext } from '../../src';
import { startDemoChain, type DemoChain } from '../../examples/http-to-grpc/chain';
import type { BackendHarness, ReceivedSpan, RunningStandIn } from './harness';

/** Poll `check` until it returns true or `timeoutMs` passes. */
export async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Group spans by trace id. */
export function byTrace(spans: ReceivedSpan[]): Map<string, ReceivedSpan[]> {
  const m = new Map<string, ReceivedSpan[]>();
  for (const s of spans) {
    const list = m.get(s.traceId);
    if (list) list.push(s);
    else m.set(s.traceId, [s]);
  }
  return m;
}

/** Spans of one simple checkout: 8 spans across the 4 services. */
export const SPANS_PER_CHECKOUT = 8;

/**
 * Assert the shape of one checkout trace: the four services, every parent resolving inside
 * the trace (except the one root), each server span the child of a client span of another
 * service, and the expected kinds.
 */
export function expectCheckoutTrace(trace: ReceivedSpan[], options: { remoteRoot?: boolean } = {}): void {
  const byId = new Map(trace.map((s) => [s.spanId, s]));
  expect(new Set(trace.map((s) => s.service))).toEqual(new Set(['gateway', 'orders', 'inventory', 'pricing']));
  const roots = trace.filter((s) => s.parentSpanId === undefined || !byId.has(s.parentSpanId));
  expect(roots).toHaveLength(1);
  expect(roots[0].service).toBe('gateway');
  expect(roots[0].kind).toBe('server');
  if (!options.remoteRoot) expect(roots[0].parentSpanId).toBeUndefined();
  expect(new Set(trace.map((s) => s.spanId)).size).toBe(trace.length); // no shared span ids
  for (const s of trace) {
    if (s === roots[0]) continue;
    const parent = byId.get(s.parentSpanId!)!;
    if (s.kind === 'server') {
      expect(parent.kind).toBe('client');
      expect(parent.service).not.toBe(s.service);
    } else {
      expect(parent.service).toBe(s.service);
    }
  }
  const kinds = (service: string) => trace.filter((s) => s.service === service).map((s) => s.kind).sort();
  expect(kinds('gateway')).toEqual(['client', 'server']);
  expect(kinds('orders')).toEqual(['client', 'server']);
  expect(kinds('inventory')).toEqual(['client', 'internal', 'server']);
  expect(kinds('pricing')).toEqual(['server']);
  const reserve = trace.find((s) => s.name === 'reserve-stock');
  expect(reserve).toBeDefined();
  expect(reserve!.kind).toBe('internal');
  for (const s of trace) {
    expect(s.durationUs).toBeGreaterThanOrEqual(0);
    expect(s.startUs).toBeGreaterThan(1.6e15); // µs since epoch (after 2020)
  }
}

/**
 * Register the suite for one backend (call at the top level of a test file).
 *
 * Every backend carries our 128-bit hex trace id as is (SkyWalking too, for traces that start
 * with us), so spans are matched to requests by the trace id the gateway returns.
 *
 * @param harness - the backend's stand-in
 */
export function runConformanceSuite(harness: BackendHarness): void {
  describe(`conformance: ${harness.name}`, () => {
    let standIn: RunningStandIn;
    let chain: DemoChain;
    const received = (): ReceivedSpan[] => standIn.received();

    beforeAll(async () => {
      standIn = await harness.start();
      chain = await startDemoChain(() => ({ ...standIn.config, reporter: { flushInterval: 100, ...standIn.config.reporter } }));
    });

    afterAll(async () => {
      await chain?.stop();
      await standIn?.stop();
    });

    async function checkout(query: string, headers?: Record<string, string>): Promise<{ status: number; traceId: string }> {
      const res = await fetch(`${chain.gatewayUrl}/checkout?${query}`, { headers });
      const body = (await res.json()) as { traceId: string };
      return { status: res.status, traceId: body.traceId };
    }

    async function traceOf(traceId: string, expected: number): Promise<ReceivedSpan[]> {
      await chain.flush();
      const match = (): ReceivedSpan[] => received().filter((s) => s.traceId === traceId.toLowerCase());
      await waitFor(() => match().length >= expected);
      return match();
    }

    it('starts a new trace and links all four services', async () => {
      const { status, traceId } = await checkout('item=book');
      expect(status).toBe(200);
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      const trace = await traceOf(traceId, SPANS_PER_CHECKOUT);
      expect(trace).toHaveLength(SPANS_PER_CHECKOUT);
      expectCheckoutTrace(trace);
    });

    it('continues a trace from the caller’s headers, keeping the 128-bit trace id whole', async () => {
      const parent: SpanContext = { traceId: newTraceId(), spanId: newSpanId(), sampled: true, debug: false, baggage: {} };
      const headers: Record<string, string> = {};
      chain.tracers[0].inject(parent, headers);
      const { status, traceId } = await checkout('item=pen', headers);
      expect(status).toBe(200);
      expect(traceId).toBe(parent.traceId);
      const trace = await traceOf(parent.traceId, SPANS_PER_CHECKOUT);
      expect(trace).toHaveLength(SPANS_PER_CHECKOUT);
      expectCheckoutTrace(trace, { remoteRoot: true });
      expect(trace[0].traceId).toBe(parent.traceId);
    });

    it('marks the error path in every service it crosses', async () => {
      const { status, traceId } = await checkout('item=cursed');
      expect(status).toBe(500);
      const trace = await traceOf(traceId, SPANS_PER_CHECKOUT);
      expectCheckoutTrace(trace);
      const failed = trace.filter((s) => s.error).map((s) => `${s.service}:${s.kind}`).sort();
      expect(failed).toEqual(
        ['gateway:client', 'gateway:server', 'inventory:client', 'inventory:server', 'orders:client', 'orders:server', 'pricing:server'].sort(),
      );
      const pricing = trace.find((s) => s.service === 'pricing')!;
      expect(pricing.events.length).toBeGreaterThan(0);
    });

    it('follows a redirect inside one client span', async () => {
      const { status, traceId } = await checkout('item=lamp&redirect=1');
      expect(status).toBe(200);
      const trace = await traceOf(traceId, SPANS_PER_CHECKOUT + 1);
      const gatewayClient = trace.filter((s) => s.service === 'gateway' && s.kind === 'client');
      expect(gatewayClient).toHaveLength(1);
      const ordersServer = trace.filter((s) => s.service === 'orders' && s.kind === 'server');
      expect(ordersServer).toHaveLength(2); // the 302 and the followed request
      for (const s of ordersServer) expect(s.parentSpanId).toBe(gatewayClient[0].spanId);
    });

    it('keeps parallel children apart', async () => {
      const { status, traceId } = await checkout('item=book,pen,mug');
      expect(status).toBe(200);
      const trace = await traceOf(traceId, 1 + 3 * (SPANS_PER_CHECKOUT - 1));
      expect(trace).toHaveLength(1 + 3 * (SPANS_PER_CHECKOUT - 1));
      const root = trace.find((s) => s.service === 'gateway' && s.kind === 'server')!;
      const clients = trace.filter((s) => s.service === 'gateway' && s.kind === 'client');
      expect(clients).toHaveLength(3);
      for (const c of clients) expect(c.parentSpanId).toBe(root.spanId);
      const servers = trace.filter((s) => s.service === 'orders' && s.kind === 'server');
      expect(new Set(servers.map((s) => s.parentSpanId))).toEqual(new Set(clients.map((c) => c.spanId)));
      const pricing = trace.filter((s) => s.service === 'pricing');
      expect(pricing).toHaveLength(3);
    });

    it('exports nothing for a sampled-out trace, yet propagates the decision', async () => {
      const before = received().length;
      const parent: SpanContext = { traceId: newTraceId(), spanId: newSpanId(), sampled: false, debug: false, baggage: {} };
      const headers: Record<string, string> = {};
      chain.tracers[0].inject(parent, headers);
      const { status, traceId } = await checkout('item=mug', headers);
      expect(status).toBe(200);
      expect(traceId).toBe(parent.traceId);
      await chain.flush();
      await new Promise((r) => setTimeout(r, 100));
      expect(received().filter((s) => s.traceId === parent.traceId)).toHaveLength(0);
      expect(received().length).toBe(before);
      for (const t of chain.tracers) expect(t.stats().dropped).toBe(0);
    });
  });
}
