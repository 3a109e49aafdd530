/**
 * The demo chain (gateway →HTTP→ orders →gRPC→ inventory →custom RPC→ pricing) reporting to a
 * stand-in OAP through the `skywalking` backend, asserted on the decoded SegmentObjects:
 * one segment per service per request, CrossProcess refs linking each to its caller's exit
 * span, one trace id, span types, layers, components, peers, tags, logs and error flags.
 */
import { RefType, SpanLayer, SpanType, type SegmentObject } from 'skywalking-backend-js/lib/proto/language-agent/Tracing_pb';
import { startDemoChain, type DemoChain } from '../../../examples/http-to-grpc/chain';
import { startOapStandIn, type OapStandIn } from './standin';
import '../../../adapters/skywalking';

type Seg = SegmentObject.AsObject;
type SwSpan = Seg['spansList'][number];

const tagsOf = (s: SwSpan): Record<string, string> => Object.fromEntries(s.tagsList.map((t) => [t.key, t.value]));

describe('demo chain → SkyWalking segments', () => {
  let oap: OapStandIn;
  let chain: DemoChain;

  beforeAll(async () => {
    oap = await startOapStandIn();
    chain = await startDemoChain(() => ({ backend: 'skywalking', endpoint: oap.address, reporter: { flushInterval: 50 } }));
  });
  afterAll(async () => {
    await chain?.stop();
    await oap?.stop();
  });

  async function checkout(item: string): Promise<{ status: number; segments: Map<string, Seg> }> {
    const res = await fetch(`${chain.gatewayUrl}/checkout?item=${item}`);
    const { traceId } = (await res.json()) as { traceId: string };
    await chain.flush();
    const mine = (): Seg[] => oap.segments.filter((s) => s.traceid === traceId);
    await oap.waitFor(() => new Set(mine().map((s) => s.service)).size === 4);
    await chain.flush(); // late spans, if any, arrive as continuation segments
    const segments = new Map<string, Seg>();
    for (const s of mine()) {
      const prev = segments.get(s.service);
      if (prev === undefined) segments.set(s.service, { ...s, spansList: [...s.spansList] });
      else prev.spansList.push(...s.spansList); // merge a continuation for the shape checks
    }
    return { status: res.status, segments };
  }

  function only(seg: Seg, type: SpanType): SwSpan[] {
    return seg.spansList.filter((s) => s.spantype === type);
  }

  it('links gateway → orders → inventory → pricing into one trace with the right spans', async () => {
    const { status, segments } = await checkout('book');
    expect(status).toBe(200);
    expect([...segments.keys()].sort()).toEqual(['gateway', 'inventory', 'orders', 'pricing']);
    const gw = segments.get('gateway')!;
    const orders = segments.get('orders')!;
    const inv = segments.get('inventory')!;
    const pricing = segments.get('pricing')!;

    // gateway: HTTP entry (root of the trace) + HTTP exit to orders
    const [gwEntry] = only(gw, SpanType.ENTRY);
    expect(gwEntry).toMatchObject({ spanid: 0, parentspanid: -1, spanlayer: SpanLayer.HTTP, componentid: 49, iserror: false, refsList: [] });
    expect(tagsOf(gwEntry!)).toMatchObject({ 'http.method': 'GET', status_code: '200', 'http.status_code': '200' });
    const [gwExit] = only(gw, SpanType.EXIT);
    expect(gwExit).toMatchObject({ parentspanid: 0, spanlayer: SpanLayer.HTTP, componentid: 2 });
    expect(gwExit!.peer).toMatch(/^127\.0\.0\.1:\d+$/);

    // each callee's entry refs its caller's exit span
    const expectRef = (callee: Seg, caller: Seg, exit: SwSpan): void => {
      const [entry] = only(callee, SpanType.ENTRY);
      expect(entry!.spanid).toBe(0);
      expect(entry!.refsList).toHaveLength(1);
      expect(entry!.refsList[0]).toMatchObject({
        reftype: RefType.CROSSPROCESS,
        traceid: gw.traceid,
        parenttracesegmentid: caller.tracesegmentid,
        parentspanid: exit.spanid,
        parentservice: caller.service,
        parentserviceinstance: caller.serviceinstance,
        parentendpoint: caller.spansList.find((s) => s.spanid === 0)!.operationname,
        networkaddressusedatpeer: exit.peer,
      });
    };
    expectRef(orders, gw, gwExit!);

    const [ordersEntry] = only(orders, SpanType.ENTRY);
    expect(ordersEntry).toMatchObject({ spanlayer: SpanLayer.HTTP, componentid: 49 });
    const [ordersExit] = only(orders, SpanType.EXIT);
    expect(ordersExit).toMatchObject({ spanlayer: SpanLayer.RPCFRAMEWORK, componentid: 23 });
    expect(ordersExit!.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(tagsOf(ordersExit!)).toMatchObject({ 'rpc.system': 'grpc' });
    expectRef(inv, orders, ordersExit!);

    const [invEntry] = only(inv, SpanType.ENTRY);
    expect(invEntry).toMatchObject({ spanlayer: SpanLayer.RPCFRAMEWORK, componentid: 23 });
    const [reserve] = only(inv, SpanType.LOCAL);
    expect(reserve).toMatchObject({ operationname: 'reserve-stock', parentspanid: invEntry!.spanid });
    const [invExit] = only(inv, SpanType.EXIT);
    expect(invExit).toMatchObject({ operationname: 'pricing.quote', spanlayer: SpanLayer.RPCFRAMEWORK, componentid: 50 });
    expect(tagsOf(invExit!)).toMatchObject({ 'rpc.system': 'custom-json', 'rpc.method': 'quote' });
    expectRef(pricing, inv, invExit!);

    const [priceEntry] = only(pricing, SpanType.ENTRY);
    expect(priceEntry).toMatchObject({ spanlayer: SpanLayer.RPCFRAMEWORK, componentid: 50, iserror: false });
    expect(pricing.spansList).toHaveLength(1);

    for (const seg of segments.values()) {
      for (const s of seg.spansList) {
        expect(s.starttime).toBeGreaterThan(1.6e12); // ms since epoch
        expect(s.endtime).toBeGreaterThanOrEqual(s.starttime);
      }
    }
  });

  it('marks the error path with isError and an error log in pricing', async () => {
    const { status, segments } = await checkout('cursed');
    expect(status).toBe(500);
    const priceEntry = segments.get('pricing')!.spansList[0]!;
    expect(priceEntry.iserror).toBe(true);
    const log = priceEntry.logsList.map((l) => Object.fromEntries(l.dataList.map((d) => [d.key, d.value]))).find((d) => d.event === 'error');
    expect(log).toMatchObject({ 'error.kind': 'Error', message: expect.stringContaining('cursed') });
    expect(log!.stack).toContain('Error:');
    const [invExit] = segments.get('inventory')!.spansList.filter((s) => s.spantype === SpanType.EXIT);
    expect(invExit!.iserror).toBe(true);
    const [gwEntry] = segments.get('gateway')!.spansList.filter((s) => s.spantype === SpanType.ENTRY);
    expect(gwEntry!.iserror).toBe(true);
    expect(tagsOf(gwEntry!).status_code).toBe('500');
  });
});
