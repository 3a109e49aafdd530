/**
 * Type test for adapters/zipkin/zipkinTypes.ts.
 *
 * Compile time (`npm run typecheck`): the declarations below compile only when the
 * `zipkin` package's `.d.ts` plus our augmentation declare the members with these exact
 * shapes. Run time (jest): each of those members really exists on the package's objects and
 * behaves as declared.
 */
import { Annotation, BatchRecorder, Instrumentation, ExplicitContext, jsonEncoder, model, option, Tracer, TraceId } from 'zipkin';
import '../../../adapters/zipkin/zipkinTypes';

/** Exact type equality: compiles only when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

// The members we rely on, with the shapes we declared.
assertType<Equal<Tracer['join'], (traceId: TraceId) => TraceId>>();
assertType<Equal<Tracer['setTags'], (tags: { [key: string]: string | number | boolean }) => void>>();
assertType<Equal<Tracer['localEndpoint'], model.Endpoint>>();
assertType<Equal<model.Endpoint['serviceName'], string | undefined>>();
assertType<Equal<model.Endpoint['ipv4'], string | undefined>>();
assertType<Equal<model.Endpoint['port'], number | undefined>>();
// Members the package's own .d.ts already had, which the adapter uses.
assertType<Equal<ReturnType<typeof jsonEncoder.JSON_V2.encode>, string>>();
assertType<Equal<model.Span['shared'], boolean>>();

describe('zipkin declarations match the package at run time', () => {
  const spans: model.Span[] = [];
  const tracer = new Tracer({
    ctxImpl: new ExplicitContext(),
    recorder: new BatchRecorder({ logger: { logSpan: (s) => spans.push(s) } }),
    localServiceName: 'Peer-Service',
    supportsJoin: true,
  });

  test('Tracer.join, Tracer.setTags and Tracer.localEndpoint exist and behave as declared', () => {
    expect(typeof tracer.join).toBe('function');
    expect(typeof tracer.setTags).toBe('function');
    const ep = tracer.localEndpoint;
    expect(ep).toBeInstanceOf(model.Endpoint);
    expect(ep.serviceName).toBe('peer-service');

    const incoming = new TraceId({ traceId: 'a2fb4a1d1a96d312', spanId: '0020000000000001', sampled: new option.Some(true) });
    const joined = tracer.join(incoming);
    expect(joined.spanId).toBe('0020000000000001');
    expect(joined.isShared()).toBe(true);

    tracer.scoped(() => {
      tracer.setId(joined);
      tracer.setTags({ a: 'x', b: 2 });
      tracer.recordAnnotation(new Annotation.ServerRecv());
      tracer.recordAnnotation(new Annotation.ServerSend());
    });
    expect(spans).toHaveLength(1);
    expect(spans[0].tags).toEqual({ a: 'x', b: '2' });
  });

  test('Instrumentation.HttpServer.recordRequest takes a plain string header reader', () => {
    const headers: Record<string, string> = { 'x-b3-traceid': 'a2fb4a1d1a96d312', 'x-b3-spanid': '0020000000000002', 'x-b3-sampled': '1' };
    // Compiles only with our overload: the package declares the reader as <T>(h) => IOption<T>.
    const read = (name: string): option.IOption<string> => {
      const v = headers[name.toLowerCase()];
      return v === undefined ? option.None : new option.Some(v);
    };
    const server = new Instrumentation.HttpServer({ tracer, port: 8080 });
    const id: TraceId = tracer.scoped(() => server.recordRequest('GET', '/x', read));
    expect([id.traceId, id.spanId]).toEqual(['a2fb4a1d1a96d312', '0020000000000002']);
  });

  test('model.Endpoint has the serviceName/ipv4/port fields its setters write', () => {
    const ep = new model.Endpoint({ serviceName: 'Orders', ipv4: '10.0.0.1', port: 8080 });
    expect(Object.keys(ep).sort()).toEqual(['ipv4', 'port', 'serviceName']);
    expect([ep.serviceName, ep.ipv4, ep.port]).toEqual(['orders', '10.0.0.1', 8080]);
  });
});
