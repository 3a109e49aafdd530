/**
 * The demo chain (gateway →HTTP→ orders →gRPC→ inventory →custom RPC→ pricing, four tracers
 * in this process) exporting through the zipkin backend to the stand-in: Zipkin-specific
 * checks on what arrives on the wire — endpoints, kinds, parent links, annotations, error
 * tags — beyond the shared conformance suite.
 */
import { startDemoChain, type DemoChain } from '../../../examples/http-to-grpc/chain';
import { startZipkinStandIn, type ZipkinStandIn, type ZipkinV2Span } from './standin';

describe('demo chain → zipkin stand-in', () => {
  let z: ZipkinStandIn;
  let chain: DemoChain;

  beforeAll(async () => {
    z = await startZipkinStandIn();
    chain = await startDemoChain(() => ({ backend: 'zipkin', endpoint: z.url, reporter: { flushInterval: 50 } }));
  });
  afterAll(async () => {
    await chain?.stop();
    await z?.stop();
  });

  async function checkout(item: string): Promise<{ status: number; trace: ZipkinV2Span[] }> {
    const res = await fetch(`${chain.gatewayUrl}/checkout?item=${item}`);
    const { traceId } = (await res.json()) as { traceId: string };
    await chain.flush();
    const trace = z.spans.filter((s) => s.traceId === traceId);
    return { status: res.status, trace };
  }

  const service = (s: ZipkinV2Span): string | undefined => s.localEndpoint?.serviceName;

  test('one trace per request: endpoints, kinds and parent links as Zipkin shows them', async () => {
    const { status, trace } = await checkout('book');
    expect(status).toBe(200);
    expect(trace).toHaveLength(8);
    expect(z.requests.every((r) => r.status === 202)).toBe(true);
    const byId = new Map(trace.map((s) => [s.id, s]));
    expect(byId.size).toBe(8); // no shared span ids
    const summary = trace.map((s) => `${service(s)}:${s.kind ?? 'local'}`).sort();
    expect(summary).toEqual(
      ['gateway:SERVER', 'gateway:CLIENT', 'orders:SERVER', 'orders:CLIENT', 'inventory:SERVER', 'inventory:local', 'inventory:CLIENT', 'pricing:SERVER'].sort(),
    );
    for (const s of trace) {
      expect(s.shared).toBeUndefined();
      expect(s.localEndpoint?.ipv4).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(Number.isInteger(s.timestamp) && Number.isInteger(s.duration)).toBe(true);
      if (s.kind === 'SERVER' && service(s) !== 'gateway') {
        const parent = byId.get(s.parentId!)!;
        expect(parent.kind).toBe('CLIENT');
        expect(service(parent)).not.toBe(service(s));
        // The caller's remoteEndpoint names the port this server listens on.
        expect(parent.remoteEndpoint?.port).toEqual(expect.any(Number));
        expect(parent.remoteEndpoint?.ipv4).toBe('127.0.0.1');
      }
      if (s.kind === 'CLIENT') expect(s.remoteEndpoint).toBeDefined();
    }
    const reserve = trace.find((s) => s.name === 'reserve-stock')!;
    expect(reserve.kind).toBeUndefined();
    expect(service(byId.get(reserve.parentId!)!)).toBe('inventory');
    const gatewayServer = trace.find((s) => service(s) === 'gateway' && s.kind === 'SERVER')!;
    expect(gatewayServer.parentId).toBeUndefined();
    expect(gatewayServer.tags).toMatchObject({ 'http.request.method': 'GET', 'http.response.status_code': '200' });
    for (const s of trace) for (const v of Object.values(s.tags ?? {})) expect(typeof v).toBe('string');
  });

  test('the failing request: error tags with the message, and the exception annotation in pricing', async () => {
    const { status, trace } = await checkout('cursed');
    expect(status).toBe(500);
    expect(trace).toHaveLength(8);
    const pricing = trace.find((s) => service(s) === 'pricing')!;
    expect(pricing.tags?.error).toMatch(/no price for item "cursed"/);
    const exception = pricing.annotations?.find((a) => a.value.startsWith('exception '));
    expect(exception).toBeDefined();
    expect(JSON.parse(exception!.value.slice('exception '.length))).toMatchObject({ 'exception.type': 'Error' });
    expect(exception!.timestamp).toBeGreaterThanOrEqual(pricing.timestamp!);
    expect(exception!.timestamp).toBeLessThanOrEqual(pricing.timestamp! + pricing.duration!);
    const failed = trace.filter((s) => s.tags?.error !== undefined).map((s) => `${service(s)}:${s.kind}`);
    expect(failed).toEqual(expect.arrayContaining(['gateway:SERVER', 'orders:CLIENT', 'inventory:SERVER', 'pricing:SERVER']));
  });
});
