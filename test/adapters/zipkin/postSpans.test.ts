import * as http from 'node:http';
import { postSpans, type PostRequest } from '../../../adapters/zipkin/postSpans';
import { closeServer, deadPort, listen } from '../../support/http';
import { startZipkinStandIn, type ZipkinStandIn } from './standin';

/** onBodyFree is what lets the exporter reuse its body buffer: it must come exactly once, whatever happens. */
describe('postSpans onBodyFree', () => {
  let z: ZipkinStandIn;
  const agent = new http.Agent({ keepAlive: true });
  beforeAll(async () => {
    z = await startZipkinStandIn();
  });
  afterAll(async () => {
    agent.destroy();
    await z.stop();
  });

  async function post(over: Partial<PostRequest>): Promise<{ result: unknown; frees: () => number }> {
    let frees = 0;
    const result = await postSpans({
      url: new URL(z.url),
      headers: { 'Content-Type': 'application/json' },
      body: Buffer.from('[]'),
      timeoutMs: 2000,
      agent,
      onBodyFree: () => void frees++,
      ...over,
    }).catch((e: unknown) => e);
    const until = Date.now() + 5000;
    while (frees === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 30)); // a second call would come now
    return { result, frees: () => frees };
  }

  it('after a 2xx answer', async () => {
    z.setMode('ok');
    const r = await post({});
    expect(r.result).toBe(202);
    expect(r.frees()).toBe(1);
  });

  it('after an error answer', async () => {
    z.setMode('503');
    const r = await post({});
    expect(r.result).toMatchObject({ retryable: true, statusCode: 503 });
    expect(r.frees()).toBe(1);
    z.setMode('ok');
  });

  it('after a refused connection and after the deadline', async () => {
    const refused = await post({ url: new URL(`http://127.0.0.1:${await deadPort()}/api/v2/spans`) });
    expect(refused.result).toMatchObject({ retryable: true, code: 'ECONNREFUSED' });
    expect(refused.frees()).toBe(1);
    const silent = http.createServer(() => undefined);
    const port = await listen(silent);
    try {
      const late = await post({ url: new URL(`http://127.0.0.1:${port}/api/v2/spans`), timeoutMs: 100 });
      expect(late.result).toMatchObject({ code: 'ETIMEDOUT' });
      expect(late.frees()).toBe(1);
    } finally {
      silent.closeAllConnections();
      await closeServer(silent);
    }
  });

  it('when the request is never sent: aborted before, or a header Node refuses', async () => {
    const abort = new AbortController();
    abort.abort();
    const aborted = await post({ signal: abort.signal });
    expect(aborted.result).toMatchObject({ code: 'ABORT_ERR' });
    expect(aborted.frees()).toBe(1);
    const invalid = await post({ headers: { 'X-Bad': 'line\nbreak' } });
    expect(invalid.result).toMatchObject({ retryable: false });
    expect(invalid.frees()).toBe(1);
  });
});
