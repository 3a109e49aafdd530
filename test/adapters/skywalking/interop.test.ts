/**
 * Interop with the SkyWalking Node agent (`skywalking-backend-js`) used directly through its
 * `ContextManager` and sw8 `ContextCarrier`, over real HTTP on 127.0.0.1, both reporting to
 * the same stand-in OAP: the agent through its own `TraceReportClient`, we through our
 * `skywalking` backend. The segments must link (CrossProcess ref to the caller's exit span,
 * one trace id) both ways.
 */
import * as http from 'node:http';
import { RefType, SpanType } from 'skywalking-backend-js/lib/proto/language-agent/Tracing_pb';
import { createTracer, type Tracer } from '../../../src';
import '../../../adapters/skywalking';
import { AGENT_SERVICE, Component, ContextCarrier, ContextManager, SpanLayer, startAgentReporter, type AgentReporter } from './agentPeer';
import { httpGet as get, listen } from '../../support/http';
import { startOapStandIn, type OapStandIn } from './standin';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('interop with the SkyWalking Node agent over sw8', () => {
  let oap: OapStandIn;
  let agent: AgentReporter;
  let tracer: Tracer;
  const servers: http.Server[] = [];

  beforeEach(async () => {
    oap = await startOapStandIn();
    agent = startAgentReporter(oap.address);
    tracer = createTracer({ serviceName: 'orders', serviceInstance: 'orders-1', backend: 'skywalking', endpoint: oap.address, reporter: { flushInterval: 50 } });
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
    await tracer?.shutdown(5000);
    agent?.close();
    await oap?.stop();
  });

  it('agent → ours: our entry segment refs the agent exit span, same trace id; awaited local spans are siblings', async () => {
    const server = http.createServer((req, res) => {
      const entry = tracer.createEntrySpan(`GET ${req.url}`, (key) => {
        const v = req.headers[key];
        return Array.isArray(v) ? v[0] : v;
      }, { layer: 'http', component: 'http' });
      void tracer.withSpan(entry, async () => {
        await tracer.startActiveSpan('step-1', async () => {
          await sleep(2);
          await tracer.startActiveSpan('step-1.1', async () => sleep(1));
        });
        await tracer.startActiveSpan('step-2', async () => sleep(2));
        res.end('ok');
        entry.end();
      });
    });
    servers.push(server);
    const port = await listen(server);

    // The agent peer: entry span, exit span injecting sw8, a real HTTP call to us.
    ContextManager.clearAll();
    const entry = ContextManager.current.newEntrySpan('agent-job');
    entry.start();
    const exit = ContextManager.current.newExitSpan('GET /ours', Component.HTTP);
    exit.component = Component.HTTP;
    exit.layer = SpanLayer.HTTP;
    exit.peer = `127.0.0.1:${port}`;
    exit.start();
    const headers: Record<string, string> = {};
    for (const item of exit.inject().items) headers[item.key] = item.value;
    expect(headers.sw8).toMatch(/^1-/);
    expect(await get(`http://127.0.0.1:${port}/ours`, headers)).toBe('ok');
    exit.stop();
    entry.stop();

    await agent.flushUntil(() => oap.segments.some((s) => s.service === AGENT_SERVICE));
    await tracer.flush();
    await oap.waitFor(() => oap.segments.some((s) => s.service === 'orders'));

    const agentSeg = oap.segments.find((s) => s.service === AGENT_SERVICE)!;
    const agentExit = agentSeg.spansList.find((s) => s.operationname === 'GET /ours')!;
    expect(agentExit.spantype).toBe(SpanType.EXIT);
    const ours = oap.segments.filter((s) => s.service === 'orders');
    expect(ours).toHaveLength(1);
    const seg = ours[0]!;
    expect(seg.traceid).toBe(agentSeg.traceid);
    expect(seg.serviceinstance).toBe('orders-1');
    const byName = new Map(seg.spansList.map((s) => [s.operationname, s]));
    const root = byName.get('GET /ours')!;
    expect(root.spanid).toBe(0);
    expect(root.spantype).toBe(SpanType.ENTRY);
    expect(root.refsList).toHaveLength(1);
    expect(root.refsList[0]).toMatchObject({
      reftype: RefType.CROSSPROCESS,
      traceid: agentSeg.traceid,
      parenttracesegmentid: agentSeg.tracesegmentid,
      parentspanid: agentExit.spanid,
      parentservice: AGENT_SERVICE,
      parentserviceinstance: `${AGENT_SERVICE}-1`,
      networkaddressusedatpeer: `127.0.0.1:${port}`,
    });
    // sibling/child shape across await (our core keeps context with run(), not enterWith())
    expect(byName.get('step-1')!.parentspanid).toBe(0);
    expect(byName.get('step-2')!.parentspanid).toBe(0);
    expect(byName.get('step-1.1')!.parentspanid).toBe(byName.get('step-1')!.spanid);
    expect(seg.spansList).toHaveLength(4);
  });

  it('ours → agent: the agent entry segment refs our exit span, with our trace id', async () => {
    const server = http.createServer((req, res) => {
      // The agent keeps its span stack with enterWith(): spans of an earlier test leak into this
      // handler's async context and would become a bogus parent; start from an empty stack.
      ContextManager.clearAll();
      const carrier = ContextCarrier.from(req.headers as Record<string, string>);
      const entry = ContextManager.current.newEntrySpan('GET /agent', carrier);
      entry.start();
      res.end('ok');
      entry.stop();
    });
    servers.push(server);
    const port = await listen(server);

    let ourSegment = '';
    let ourTrace = '';
    let exitIndex = -1;
    await tracer.startActiveSpan('job', { kind: 'local' }, async (job) => {
      const headers: Record<string, string> = {};
      const exit = tracer.createExitSpan('GET /agent', `127.0.0.1:${port}`, (k, v) => (headers[k] = v), { layer: 'http', component: 'http' });
      ourSegment = exit.segmentId;
      ourTrace = job.traceId;
      exitIndex = exit.segmentSpanIndex;
      expect(await get(`http://127.0.0.1:${port}/agent`, headers)).toBe('ok');
      exit.end();
    });

    await agent.flushUntil(() => oap.segments.some((s) => s.service === AGENT_SERVICE));
    await tracer.flush();
    await oap.waitFor(() => oap.segments.some((s) => s.service === 'orders'));

    const agentSeg = oap.segments.find((s) => s.service === AGENT_SERVICE)!;
    const seg = oap.segments.find((s) => s.service === 'orders')!;
    expect(seg.tracesegmentid).toBe(ourSegment);
    expect(seg.traceid).toBe(ourTrace);
    const ourExit = seg.spansList.find((s) => s.operationname === 'GET /agent')!;
    expect(ourExit).toMatchObject({ spanid: exitIndex, spantype: SpanType.EXIT, peer: `127.0.0.1:${port}`, componentid: 2 });
    expect(agentSeg.traceid).toBe(ourTrace);
    const agentEntry = agentSeg.spansList.find((s) => s.operationname === 'GET /agent')!;
    expect(agentEntry.refsList).toHaveLength(1);
    expect(agentEntry.refsList[0]).toMatchObject({
      reftype: RefType.CROSSPROCESS,
      traceid: ourTrace,
      parenttracesegmentid: ourSegment,
      parentspanid: exitIndex,
      parentservice: 'orders',
      parentserviceinstance: 'orders-1',
      networkaddressusedatpeer: `127.0.0.1:${port}`,
    });
  });
});
