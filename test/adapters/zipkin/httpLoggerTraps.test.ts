/**
 * Why ZipkinExporter does not use zipkin-transport-http's HttpLogger (0.22) — the traps the
 * issue reports, reproduced on this Node against the stand-in. If an upgrade fixes them,
 * this test fails and the choice can be revisited.
 */
import { HttpLogger } from 'zipkin-transport-http';
import { jsonEncoder, model, TraceId } from 'zipkin';
import { startZipkinStandIn, type ZipkinStandIn } from './standin';

describe('zipkin-transport-http HttpLogger traps on Node 20', () => {
  let z: ZipkinStandIn | undefined;
  afterEach(() => z?.stop());

  test('defaults to JSON v1', () => {
    const logger = new HttpLogger({ endpoint: 'http://127.0.0.1:9/api/v2/spans', httpInterval: 3_600_000 });
    expect((logger as unknown as { jsonEncoder: unknown }).jsonEncoder).toBe(jsonEncoder.JSON_V1);
  });

  test('ignores its timeout and piles requests up against a hanging collector, reporting nothing', async () => {
    const standIn = await startZipkinStandIn('hang');
    z = standIn;
    const errors: string[] = [];
    const logger = new HttpLogger({
      endpoint: standIn.url,
      httpInterval: 25,
      timeout: 50,
      jsonEncoder: jsonEncoder.JSON_V2,
      log: { error: (...args: unknown[]) => errors.push(args.map(String).join(' ')) },
    });
    const span = new model.Span(new TraceId({ traceId: 'a2fb4a1d1a96d312', spanId: 'a2fb4a1d1a96d312' }));
    span.setName('x');
    for (let i = 0; i < 6; i++) {
      logger.logSpan(span);
      await standIn.waitForRequests(i + 1); // one new POST per interval
    }
    await new Promise((r) => setTimeout(r, 150)); // three times its "timeout"
    expect(standIn.maxInFlight()).toBe(6); // every POST is still open: none timed out, none was bounded
    expect(standIn.inFlight()).toBe(6);
    expect(errors).toEqual([]); // and nothing tells the caller
  });
});
