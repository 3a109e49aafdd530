import { jsonEncoder, model, option, TraceId } from 'zipkin';
import '../../../adapters/zipkin/zipkinTypes';
import { ZipkinV2Span } from '../../../adapters/zipkin/ZipkinV2Span';

describe('ZipkinV2Span', () => {
  const ep = new model.Endpoint({ serviceName: 'orders', ipv4: '10.0.0.1' });

  it('is a model.Span: JSON_V2 encodes its fields as it encodes one made by the setters', () => {
    const ours = new ZipkinV2Span('463ac35c9f6413ad48485a3953bb6124', 'a2fb4a1d1a96d312', '00f067aa0ba902b7', 'get /orders', 'SERVER', 1_700_000_000_000_000, 1500, ep, undefined, false);
    ours.tags['http.request.method'] = 'GET';
    ours.annotations.push({ timestamp: 1_700_000_000_000_100, value: 'ws' });

    // the same span through zipkin-js's own constructor and setters
    const z = new model.Span(new TraceId({ traceId: '463ac35c9f6413ad48485a3953bb6124', parentId: new option.Some('a2fb4a1d1a96d312'), spanId: '00f067aa0ba902b7', sampled: new option.Some(true) }));
    z.setName('GET /orders');
    z.setKind('SERVER');
    z.setTimestamp(1_700_000_000_000_000);
    z.setDuration(1500);
    z.setLocalEndpoint(ep);
    z.putTag('http.request.method', 'GET');
    z.addAnnotation(1_700_000_000_000_100, 'ws');

    expect(ours).toBeInstanceOf(model.Span);
    expect(jsonEncoder.JSON_V2.encode(ours.asModelSpan())).toBe(jsonEncoder.JSON_V2.encode(z));
  });

  it('leaves out what is undefined: no parentId, kind or remote endpoint; never "shared"', () => {
    const s = new ZipkinV2Span('a2fb4a1d1a96d312', undefined, '00f067aa0ba902b7', undefined, undefined, 1_700_000_000_000_000, 1, undefined, undefined, true);
    const json = JSON.parse(jsonEncoder.JSON_V2.encode(s.asModelSpan())) as Record<string, unknown>;
    expect(json).toEqual({ traceId: 'a2fb4a1d1a96d312', id: '00f067aa0ba902b7', timestamp: 1_700_000_000_000_000, duration: 1, debug: true });
  });
});
