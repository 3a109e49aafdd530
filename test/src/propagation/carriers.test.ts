import * as http from 'node:http';
import { Metadata } from '@grpc/grpc-js';
import {
  functionGetter,
  functionSetter,
  headerGetter,
  headerSetter,
  incomingHeadersGetter,
  metadataGetter,
  metadataSetter,
  objectGetter,
  objectSetter,
  outgoingMessageSetter,
} from '../../../src/propagation/carriers';
import { createPropagator } from '../../../src/propagation/createPropagator';
import type { SpanContext } from '../../../src/api/types';
import { listen } from '../../support/http';
import { exampleContext } from './helpers';

const ctx: SpanContext = exampleContext({ user: 'ann lee', tenant: 'acme' });
const all = createPropagator(['w3c', 'b3', 'b3multi', 'jaeger', 'sw8']);

describe('headerGetter / headerSetter', () => {
  test('case-insensitive get, arrays → first value, numbers stringified', () => {
    const h = { 'X-B3-TraceId': ['a', 'b'], 'Content-Length': 12, Other: undefined };
    expect(headerGetter(h, 'x-b3-traceid')).toBe('a');
    expect(headerGetter(h, 'X-B3-TRACEID')).toBe('a');
    expect(headerGetter(h, 'content-length')).toBe('12');
    expect(headerGetter(h, 'other')).toBeUndefined();
    expect(headerGetter(h, 'missing')).toBeUndefined();
    expect(headerGetter.keys!(h)).toEqual(['X-B3-TraceId', 'Content-Length', 'Other']);
  });

  test('list headers (baggage, tracestate, sw8-correlation) are joined with ","', () => {
    const h = { baggage: ['a=1', 'b=2'], TraceState: ['x=1', 'y=2'], 'sw8-correlation': ['p', 'q'] };
    expect(headerGetter(h, 'baggage')).toBe('a=1,b=2');
    expect(headerGetter(h, 'tracestate')).toBe('x=1,y=2');
    expect(headerGetter(h, 'sw8-correlation')).toBe('p,q');
  });

  test('does not read inherited properties and survives garbage carriers', () => {
    expect(headerGetter({} as never, 'constructor')).toBeUndefined();
    expect(headerGetter(null as never, 'x')).toBeUndefined();
    expect(headerGetter('str' as never, 'length')).toBeUndefined();
  });

  test('setter replaces an existing spelling in another case', () => {
    const h: Record<string, string> = { 'X-B3-TraceId': 'old', keep: '1' };
    headerSetter(h, 'x-b3-traceid', 'new');
    expect(h).toEqual({ keep: '1', 'x-b3-traceid': 'new' });
    expect(() => headerSetter(Object.freeze({}) as never, 'a', 'b')).not.toThrow();
    // several other spellings, and a key given in upper case: all replaced by the one written
    const many: Record<string, string> = { TRACEPARENT: 'a', TraceParent: 'b', traceparentx: 'keep' };
    headerSetter(many, 'Traceparent', 'new');
    expect(many).toEqual({ traceparentx: 'keep', Traceparent: 'new' });
    // an inherited member of the same name is not an own header: left alone
    const proto = Object.create({ traceparent: 'inherited' }) as Record<string, string>;
    headerSetter(proto, 'TRACEPARENT', 'own');
    expect(Object.keys(proto)).toEqual(['TRACEPARENT']);
  });

  test('objectGetter/objectSetter round trip every format, any key case', () => {
    const out: Record<string, string> = {};
    all.inject(ctx, out, objectSetter);
    const upper = Object.fromEntries(Object.entries(out).map(([k, v]) => [k.toUpperCase(), v]));
    const back = all.extract(upper, objectGetter);
    expect(back).toMatchObject({ traceId: ctx.traceId, spanId: ctx.spanId, sampled: true });
    expect(back?.baggage).toEqual(ctx.baggage);
  });
});

describe('gRPC Metadata carriers (real @grpc/grpc-js Metadata)', () => {
  test('inject → extract through Metadata, including uberctx-* enumeration', () => {
    const md = new Metadata();
    all.inject(ctx, md, metadataSetter);
    expect(md.get('traceparent')).toEqual([`00-${ctx.traceId}-${ctx.spanId}-01`]);
    expect(md.get('uberctx-user')).toEqual(['ann%20lee']);
    const jaegerOnly = createPropagator(['jaeger']);
    const back = jaegerOnly.extract(md, metadataGetter);
    expect(back).toMatchObject({ traceId: ctx.traceId, baggage: ctx.baggage });
    expect(all.extract(md, metadataGetter)?.baggage).toEqual(ctx.baggage);
  });

  test('binary values are ignored, repeated list values joined, illegal values dropped without throwing', () => {
    const md = new Metadata();
    md.add('baggage', 'a=1');
    md.add('baggage', 'b=2');
    md.set('x-bin', Buffer.from('x'));
    expect(metadataGetter(md, 'baggage')).toBe('a=1,b=2');
    expect(metadataGetter(md, 'x-bin')).toBeUndefined();
    // names in any case; absent keys; a real Metadata's entries read without its get(), which
    // copies the key and makes an empty array for every absent one
    const get = jest.spyOn(md, 'get');
    expect(metadataGetter(md, 'BAGGAGE')).toBe('a=1,b=2');
    expect(metadataGetter(md, 'traceparent')).toBeUndefined();
    expect(get).not.toHaveBeenCalled();
    get.mockRestore();
    expect(() => metadataSetter(md, 'ok', 'bad\nvalue')).not.toThrow();
    expect(md.get('ok')).toEqual([]);
    expect(() => metadataSetter(md, 'Bad Key!', 'v')).not.toThrow();
    metadataSetter(md, 'X-B3-TraceId', 'abc');
    expect(md.get('x-b3-traceid')).toEqual(['abc']);
  });

  test('keys: every entry of a real Metadata (binary ones too, values untouched); a getMap-only stand-in still works', () => {
    const md = new Metadata();
    md.set('uberctx-user', 'ann');
    md.set('trace-bin', Buffer.from([1, 2, 3]));
    md.add('baggage', 'a=1');
    expect(metadataGetter.keys!(md).sort()).toEqual(['baggage', 'trace-bin', 'uberctx-user']);
    expect(md.get('trace-bin')).toEqual([Buffer.from([1, 2, 3])]);
    const standIn = { get: (k: string) => (k === 'uberctx-user' ? ['bob'] : []), set: () => undefined, getMap: () => ({ 'uberctx-user': 'bob' }) };
    expect(metadataGetter.keys!(standIn as never)).toEqual(['uberctx-user']);
    expect(createPropagator(['w3c', 'jaeger']).extract(Object.assign(standIn, { get: (k: string) => (k === 'uberctx-user' ? ['bob'] : k === 'traceparent' ? [`00-${ctx.traceId}-${ctx.spanId}-01`] : []) }) as never, metadataGetter)?.baggage).toEqual({ user: 'bob' });
    // a single value is read as is; a lone non-string value is absent
    expect(metadataGetter({ get: () => ['only'], set: () => undefined } as never, 'x')).toBe('only');
    expect(metadataGetter({ get: () => [Buffer.from('b')], set: () => undefined } as never, 'x')).toBeUndefined();
  });
});

describe('function carriers (go2sky-style get/set pairs)', () => {
  test('a custom RPC header string carried through get/set functions', () => {
    const written: Record<string, string> = {};
    all.inject(ctx, undefined, functionSetter((k, v) => { written[k] = v; }));
    const header = JSON.stringify(written);
    const parsed = JSON.parse(header) as Record<string, string>;
    const back = all.extract(undefined, functionGetter((k) => parsed[k], () => Object.keys(parsed)));
    expect(back).toMatchObject({ traceId: ctx.traceId, spanId: ctx.spanId, baggage: ctx.baggage });
  });

  test('throwing or non-string functions are contained', () => {
    const g = functionGetter(() => {
      throw new Error('x');
    });
    expect(g(undefined, 'traceparent')).toBeUndefined();
    expect(functionGetter(() => 42 as unknown as string)(undefined, 'a')).toBeUndefined();
    expect(() => functionSetter(() => { throw new Error('x'); })(undefined, 'a', 'b')).not.toThrow();
    expect(all.extract(undefined, g)).toBeUndefined();
  });
});

describe('node:http over a real loopback socket', () => {
  test('inject into an http.ClientRequest, extract from req.headers on the server', async () => {
    let seen: SpanContext | undefined;
    let seenDirect: SpanContext | undefined;
    let rawHeaders: http.IncomingHttpHeaders = {};
    const server = http.createServer((req, res) => {
      rawHeaders = req.headers;
      seen = all.extract(req.headers, headerGetter);
      seenDirect = all.extract(req.headers, incomingHeadersGetter);
      res.end('ok');
    });
    const port = await listen(server);
    try {
      await new Promise<void>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, path: '/', method: 'GET' }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        all.inject({ ...ctx, baggage: { ...ctx.baggage, crlf: 'a\r\nX-Evil: 1' } }, req, outgoingMessageSetter);
        req.end();
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(seen).toMatchObject({ traceId: ctx.traceId, spanId: ctx.spanId, sampled: true });
    expect(seen?.baggage).toEqual({ ...ctx.baggage, crlf: 'a\r\nX-Evil: 1' });
    // Node lower-cases incoming names: the direct getter finds exactly what the scanning one does
    expect(seenDirect).toEqual(seen);
    expect(rawHeaders['x-evil']).toBeUndefined();
    expect(rawHeaders['x-b3-traceid']).toBe(ctx.traceId);
    expect(rawHeaders.b3).toBe(`${ctx.traceId}-${ctx.spanId}-1-${ctx.parentSpanId}`);
  });

  test('incomingHeadersGetter: lower-cased names by property read; lists joined; inherited members and non-objects are absent', () => {
    const headers: http.IncomingHttpHeaders = { traceparent: ' 00-x ', baggage: 'a=1', 'set-cookie': ['c=1', 'd=2'], 'uberctx-k': 'v' };
    (headers as Record<string, unknown>).tracestate = ['a=1', 'b=2'];
    expect(incomingHeadersGetter(headers, 'traceparent')).toBe(' 00-x ');
    expect(incomingHeadersGetter(headers, 'TraceParent')).toBe(' 00-x '); // a propagator asking in another case
    expect(incomingHeadersGetter(headers, 'tracestate')).toBe('a=1,b=2');
    expect(incomingHeadersGetter(headers, 'set-cookie')).toBe('c=1');
    expect(incomingHeadersGetter(headers, 'b3')).toBeUndefined();
    expect(incomingHeadersGetter(headers, 'constructor')).toBeUndefined();
    expect(incomingHeadersGetter(headers, '__proto__')).toBeUndefined();
    expect(incomingHeadersGetter(null as unknown as http.IncomingHttpHeaders, 'b3')).toBeUndefined();
    expect(incomingHeadersGetter.keys!(headers)).toEqual(['traceparent', 'baggage', 'set-cookie', 'uberctx-k', 'tracestate']);
  });

  test('propagators read incomingHeadersGetter carriers directly: the same contexts and baggage as through the getter itself', () => {
    // A wrapper is not the getter itself, so the propagators go through it call by call.
    const viaGetter = (c: http.IncomingHttpHeaders, k: string): string | undefined => incomingHeadersGetter(c, k);
    const throwing: http.IncomingHttpHeaders = {};
    Object.defineProperty(throwing, 'traceparent', { enumerable: true, get: () => { throw new Error('hostile'); } });
    const carriers: http.IncomingHttpHeaders[] = [
      { traceparent: ` 00-${ctx.traceId}-${ctx.spanId}-01\t`, tracestate: 'a=1', baggage: 'user=ann' },
      { traceparent: [`00-${ctx.traceId}-${ctx.spanId}-00`, 'x'] as unknown as string, baggage: ['a=1', 'b=2'] as unknown as string },
      { b3: `${ctx.traceId}-${ctx.spanId}-1`, 'uberctx-user': 'ann', 'jaeger-baggage': 'k=v', 'sw8-correlation': 'dGVuYW50=YWNtZQ==' },
      { 'x-b3-traceid': ctx.traceId, 'x-b3-spanid': ctx.spanId, 'x-b3-sampled': 1 as unknown as string, 'x-b3-flags': '1' },
      { 'uber-trace-id': `${ctx.traceId}:${ctx.spanId}:0:1`, 'Uberctx-Mixed': 'case', 'jaeger-debug-id': 'dbg' },
      { sw8: 'not-valid', traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' },
      { constructor: 'x', toString: 'y' } as unknown as http.IncomingHttpHeaders,
      throwing,
      {},
    ];
    for (const h of carriers) expect(all.extract(h, incomingHeadersGetter)).toEqual(all.extract(h, viaGetter));
    // and the direct read does find what it should
    expect(all.extract(carriers[0]!, incomingHeadersGetter)).toMatchObject({ traceId: ctx.traceId, traceState: 'a=1', baggage: { user: 'ann' } });
    expect(all.extract(carriers[2]!, incomingHeadersGetter)?.baggage).toMatchObject({ user: 'ann', k: 'v' });
  });

  test('outgoingMessageSetter swallows errors after headers are sent', () => {
    const fake = {
      setHeader: () => {
        throw new Error('ERR_HTTP_HEADERS_SENT');
      },
    };
    expect(() => all.inject(ctx, fake, outgoingMessageSetter)).not.toThrow();
  });
});
