/**
 * The stand-in must reject what Zipkin rejects (else the adapter tests prove nothing) and
 * accept what real Zipkin tracers send (zipkin-js's own JSON v2 output).
 */
import { gzipSync } from 'node:zlib';
import { BatchRecorder, ExplicitContext, jsonEncoder, model, Tracer, Annotation } from 'zipkin';
import { decodeSpans, startZipkinStandIn, toReceivedSpan, validateZipkinSpan, type ZipkinStandIn } from './standin';

const ok = {
  traceId: '463ac35c9f6413ad48485a3953bb6124',
  id: '00f067aa0ba902b7',
  name: 'get',
  kind: 'SERVER',
  timestamp: 1_700_000_000_123_456,
  duration: 12,
  localEndpoint: { serviceName: 'orders', ipv4: '10.0.0.1', port: 80 },
  tags: { 'http.path': '/x' },
  annotations: [{ timestamp: 1_700_000_000_123_460, value: 'ws' }],
};

describe('Zipkin stand-in validation', () => {
  test('accepts a well-formed span', () => {
    expect(validateZipkinSpan(ok)).toBeUndefined();
    expect(validateZipkinSpan({ ...ok, traceId: 'a2fb4a1d1a96d312', remoteEndpoint: { ipv6: '::1' }, shared: true, debug: true })).toBeUndefined();
  });

  test.each([
    ['uppercase trace id', { traceId: '463AC35C9F6413AD48485A3953BB6124' }, /traceId/],
    ['20-hex trace id', { traceId: '463ac35c9f6413ad4848' }, /traceId/],
    ['all-zero trace id', { traceId: '0000000000000000' }, /traceId/],
    ['short span id', { id: 'abc' }, /^id/],
    ['32-hex span id', { id: '463ac35c9f6413ad48485a3953bb6124' }, /^id/],
    ['bad parent id', { parentId: 'xyz' }, /parentId/],
    ['unknown kind', { kind: 'INTERNAL' }, /kind/],
    ['ms timestamp', { timestamp: 1_700_000_000_123 }, /timestamp/],
    ['fractional timestamp', { timestamp: 1_700_000_000_123_456.5 }, /timestamp/],
    ['zero duration', { duration: 0 }, /duration/],
    ['string duration', { duration: '12' }, /duration/],
    ['numeric tag value', { tags: { 'http.status_code': 200 } }, /tags\.http\.status_code/],
    ['uppercase service name', { localEndpoint: { serviceName: 'Orders' } }, /serviceName/],
    ['bad ipv4', { remoteEndpoint: { ipv4: '10.0.0' } }, /ipv4/],
    ['unknown endpoint field', { remoteEndpoint: { hostname: 'a' } }, /hostname/],
    ['port out of range', { localEndpoint: { port: 70000 } }, /port/],
    ['annotation without value', { annotations: [{ timestamp: 1_700_000_000_123_460 }] }, /annotations\[0\]\.value/],
    ['annotation ms timestamp', { annotations: [{ timestamp: 1_700_000_000_123, value: 'x' }] }, /annotations\[0\]\.timestamp/],
    ['unknown field', { binaryAnnotations: [] }, /binaryAnnotations/],
    ['non-boolean shared', { shared: 'false' }, /shared/],
  ])('rejects %s', (_what, patch, reason) => {
    expect(validateZipkinSpan({ ...ok, ...patch })).toMatch(reason);
  });

  test('a body must be a JSON array; one bad span rejects the request', () => {
    expect(decodeSpans('{}')).toEqual({ error: 'body must be a JSON array of spans' });
    expect(decodeSpans('[')).toMatchObject({ error: expect.stringMatching(/malformed JSON/) });
    expect(decodeSpans(JSON.stringify([ok, { ...ok, id: 'x' }]))).toMatchObject({ error: expect.stringMatching(/^span\[1\]: id/) });
    expect(decodeSpans('[]')).toEqual([]);
  });

  test('toReceivedSpan normalises kind, error and annotation names', () => {
    const r = toReceivedSpan({ ...ok, kind: undefined, tags: { error: 'boom' }, annotations: [{ timestamp: 1, value: 'exception {"a":1}' }] } as never);
    expect(r).toMatchObject({ kind: 'internal', error: true, service: 'orders', events: ['exception'], startUs: ok.timestamp, durationUs: 12 });
  });
});

describe('Zipkin stand-in over HTTP', () => {
  let z: ZipkinStandIn;
  beforeEach(async () => {
    z = await startZipkinStandIn();
  });
  afterEach(() => z.stop());

  const post = (body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> =>
    fetch(z.url, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } }).then(async (r) => ({
      status: r.status,
      text: await r.text(),
    }));

  test('202 for valid JSON and gzip; 400 with the reason otherwise', async () => {
    expect(await post(JSON.stringify([ok]))).toEqual({ status: 202, text: '' });
    expect(await post(gzipSync(JSON.stringify([ok])), { 'Content-Encoding': 'gzip' })).toEqual({ status: 202, text: '' });
    const bad = await post(JSON.stringify([{ ...ok, tags: { n: 1 } }]));
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/tags\.n must be a string/);
    expect((await post('not gzip', { 'Content-Encoding': 'gzip' })).status).toBe(400);
    expect(z.spans).toHaveLength(2);
    expect(z.requests.map((r) => r.gzip)).toEqual([false, true, false, false]);
  });

  test('failure modes answer 500/503/429', async () => {
    for (const mode of ['500', '503', '429'] as const) {
      z.setMode(mode);
      expect((await post(JSON.stringify([ok]))).status).toBe(Number(mode));
    }
    expect(z.spans).toHaveLength(0);
  });

  test('accepts zipkin-js’s own JSON v2 output (client span with remote service, local span with error)', async () => {
    const recorded: model.Span[] = [];
    const tracer = new Tracer({
      ctxImpl: new ExplicitContext(),
      recorder: new BatchRecorder({ logger: { logSpan: (s) => recorded.push(s) } }),
      localServiceName: 'js-peer',
      traceId128Bit: true,
    });
    tracer.scoped(() => {
      tracer.setId(tracer.createRootId());
      tracer.recordServiceName('js-peer');
      tracer.recordRpc('GET');
      tracer.recordBinary('http.path', '/x');
      tracer.recordAnnotation(new Annotation.ClientSend());
      tracer.recordAnnotation(new Annotation.ServerAddr({ serviceName: 'Backend', port: 8080 }));
      tracer.recordAnnotation(new Annotation.ClientRecv());
    });
    expect(() => tracer.local('work', () => { throw new Error('boom'); })).toThrow('boom');
    expect(recorded).toHaveLength(2);
    const res = await post(`[${recorded.map((s) => jsonEncoder.JSON_V2.encode(s)).join(',')}]`);
    expect(res).toEqual({ status: 202, text: '' });
    expect(z.spans[0]).toMatchObject({ kind: 'CLIENT', remoteEndpoint: { serviceName: 'backend', port: 8080 } });
    expect(z.spans[0].traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(z.spans[1].tags).toMatchObject({ error: 'boom' });
  });
});
