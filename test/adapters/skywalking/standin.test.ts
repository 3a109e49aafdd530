import { RefType, SpanType } from 'skywalking-backend-js/lib/proto/language-agent/Tracing_pb';
import { AGENT_SERVICE, Component, ContextCarrier, ContextManager, SpanLayer, startAgentReporter } from './agentPeer';
import { startOapStandIn, toReceivedSpans } from './standin';

describe('stand-in OAP', () => {
  it('decodes what the SkyWalking Node agent itself reports (its TraceReportClient and SegmentObjectAdapter)', async () => {
    const oap = await startOapStandIn();
    const reporter = startAgentReporter(oap.address);
    try {
      const incoming = new ContextCarrier();
      incoming.value = [
        '1',
        Buffer.from('trace-from-caller').toString('base64'),
        Buffer.from('caller-segment').toString('base64'),
        '4',
        Buffer.from('caller').toString('base64'),
        Buffer.from('caller-1').toString('base64'),
        Buffer.from('GET /caller').toString('base64'),
        Buffer.from('10.0.0.1:80').toString('base64'),
      ].join('-');
      const entry = ContextManager.current.newEntrySpan('GET /agent', incoming);
      entry.start();
      const exit = ContextManager.current.newExitSpan('GET /downstream', Component.HTTP);
      exit.peer = '127.0.0.1:9';
      exit.layer = SpanLayer.HTTP;
      exit.component = Component.HTTP;
      exit.start();
      exit.stop();
      entry.stop();

      await reporter.flushUntil(() => oap.segments.length === 1);
      const seg = oap.segments[0]!;
      expect(seg.service).toBe(AGENT_SERVICE);
      expect(seg.traceid).toBe('trace-from-caller');
      const byId = new Map(seg.spansList.map((s) => [s.spanid, s]));
      expect(byId.get(0)).toMatchObject({ operationname: 'GET /agent', spantype: SpanType.ENTRY, parentspanid: -1 });
      expect(byId.get(0)!.refsList[0]).toMatchObject({
        reftype: RefType.CROSSPROCESS,
        parenttracesegmentid: 'caller-segment',
        parentspanid: 4,
        parentservice: 'caller',
      });
      expect(byId.get(1)).toMatchObject({ operationname: 'GET /downstream', spantype: SpanType.EXIT, parentspanid: 0, peer: '127.0.0.1:9', componentid: 2 });
      const received = toReceivedSpans(oap.segments);
      expect(received.find((s) => s.name === 'GET /agent')!.parentSpanId).toBe('caller-segment:4');
      expect(received.find((s) => s.name === 'GET /downstream')!.parentSpanId).toBe(`${seg.tracesegmentid}:0`);
    } finally {
      reporter.close();
      await oap.stop();
    }
  });
});
