import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  addHttpTracing,
  createTracer,
  currentSpan,
  httpServerTracing,
  MemoryExporter,
  sanitizeUrl,
  traceHttpHandler,
  tracedFetch,
  tracedRequest,
  traceLogFields,
  type FinishedSpan,
  type Tracer,
} from '../../../src';

function tracer(extra: Record<string, unknown> = {}): Tracer {
  return createTracer({ serviceName: 'web', backend: 'memory', recordCaller: false, ignorePaths: ['/healthz', /^\/metrics/], ...extra });
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function spansOf(t: Tracer): Promise<FinishedSpan[]> {
  await t.flush();
  return (t.exporter as MemoryExporter).getFinishedSpans();
}

describe('HTTP integration', () => {
  let t: Tracer;
  let server: http.Server;
  let base: string;
  let seenHeaders: http.IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    t = tracer();
    server = http.createServer(
      traceHttpHandler(
        async (req, res) => {
          seenHeaders.push(req.headers);
          const span = currentSpan();
          if (req.url?.startsWith('/boom')) throw new Error('handler blew up');
          if (req.url?.startsWith('/fail')) return void res.writeHead(503).end();
          if (req.url?.startsWith('/hang')) return void req.socket.destroy();
          await new Promise((r) => setTimeout(r, 5));
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ active: span?.spanId ?? null, ...traceLogFields() }));
        },
        { tracer: t },
      ),
    );
    base = await listen(server);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await t.shutdown();
  });
  beforeEach(() => {
    (t.exporter as MemoryExporter).reset();
    seenHeaders = [];
  });

  it('server span continues the caller, is active in the handler and lasts until the response finishes', async () => {
    const caller = tracer({ serviceName: 'caller' });
    const res = await caller.startActiveSpan('caller-root', () => tracedFetch(`${base}/orders?id=7&token=s3cret`, { headers: { authorization: 'Bearer xyz', 'x-keep': 'me' } }, { tracer: caller }));
    const body = (await res.json()) as { active: string; trace_id: string; span_id: string };
    expect(res.status).toBe(200);
    expect(seenHeaders[0]['x-keep']).toBe('me');
    const [serverSpan] = await spansOf(t);
    const clientSpans = await spansOf(caller);
    const client = clientSpans.find((s) => s.kind === 'exit')!;
    expect(serverSpan.kind).toBe('entry');
    expect(serverSpan.traceId).toBe(client.traceId);
    expect(serverSpan.parentSpanId).toBe(client.spanId);
    expect(body.active).toBe(serverSpan.spanId);
    expect(body.trace_id).toBe(serverSpan.traceId);
    expect(serverSpan.name).toBe('GET /orders');
    expect(serverSpan.attributes).toMatchObject({ 'http.request.method': 'GET', 'url.path': '/orders', 'http.response.status_code': 200 });
    expect(serverSpan.endTimeUs - serverSpan.startTimeUs).toBeGreaterThanOrEqual(4000);
    expect(client.attributes).toMatchObject({ 'http.request.method': 'GET', 'server.address': '127.0.0.1', 'http.response.status_code': 200 });
    expect(client.peer).toMatchObject({ host: '127.0.0.1' });
    const all = JSON.stringify([serverSpan, ...clientSpans]);
    expect(all).not.toContain('s3cret');
    expect(all).not.toContain('Bearer xyz');
    await caller.shutdown();
  });

  it('url.full: each tracer redacts with its own list, call after call to one target; server URLs with a query or an @ are sanitized', async () => {
    const plain = tracer({ serviceName: 'plain' });
    const strict = tracer({ serviceName: 'strict', redact: ['id'] });
    const agent = new http.Agent({ keepAlive: true });
    const target = `${base}/orders?id=7&token=s3cret`;
    const call = (caller: Tracer, url: string, headers?: http.OutgoingHttpHeaders): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        const req = tracedRequest(url, { agent, headers }, (res) => {
          res.resume();
          res.on('end', resolve);
        }, { tracer: caller });
        req.on('error', reject);
        req.end();
      });
    for (let i = 0; i < 2; i++) {
      await call(plain, target);
      await call(strict, target);
    }
    for (const s of await spansOf(plain)) expect(s.attributes['url.full']).toBe(`${base}/orders?id=7&token=%5BREDACTED%5D`);
    for (const s of await spansOf(strict)) expect(s.attributes['url.full']).toBe(`${base}/orders?id=%5BREDACTED%5D&token=%5BREDACTED%5D`);
    expect(await spansOf(plain)).toHaveLength(2);
    expect(await spansOf(strict)).toHaveLength(2);
    // the server side: a query, credentials-like text in the Host header, an '@' in the path
    await spansOf(t);
    (t.exporter as MemoryExporter).reset();
    await call(plain, `${base}/plain`);
    await call(plain, `${base}/q?password=p4ss&id=1`);
    await call(plain, `${base}/at`, { host: `u:p4ss@127.0.0.1:${new URL(base).port}` });
    await call(plain, `${base}/users/@me`);
    const full = (await spansOf(t)).map((s) => s.attributes['url.full']);
    expect(full).toEqual([`${base}/plain`, `${base}/q?password=%5BREDACTED%5D&id=1`, `${base}/at`, `${base}/users/@me`]);
    expect(JSON.stringify(await spansOf(t))).not.toContain('p4ss');
    expect((await spansOf(t)).map((s) => s.attributes['server.address'])).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.1']);
    agent.destroy();
    await plain.shutdown();
    await strict.shutdown();
  });

  it('client spans to an IPv6 literal: tracedFetch and tracedRequest both tag server.address and the peer without brackets', async () => {
    const v6 = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => v6.listen(0, '::1', r));
    const url = `http://[::1]:${(v6.address() as AddressInfo).port}/v6`;
    const caller = tracer({ serviceName: 'v6' });
    try {
      await (await tracedFetch(url, undefined, { tracer: caller })).text();
      await new Promise<void>((resolve, reject) => {
        const req = tracedRequest(url, undefined, (res) => {
          res.resume();
          res.on('end', resolve);
        }, { tracer: caller });
        req.on('error', reject);
        req.end();
      });
      const spans = await spansOf(caller);
      expect(spans).toHaveLength(2);
      for (const s of spans) {
        expect(s.attributes['server.address']).toBe('::1');
        expect(s.peer).toEqual({ host: '::1', port: (v6.address() as AddressInfo).port });
        expect(s.attributes['url.full']).toBe(url);
      }
    } finally {
      v6.closeAllConnections();
      await new Promise((r) => v6.close(r));
      await caller.shutdown();
    }
  });

  it('server span: server.address is the Host header without its port (IPv6 brackets kept)', async () => {
    const port = Number(new URL(base).port);
    const hosts: Array<[string, string]> = [
      ['shop.example:8443', 'shop.example'],
      ['[::1]:8080', '[::1]'],
      ['[::1]', '[::1]'],
      ['shop.example', 'shop.example'],
      ['shop.example:', 'shop.example:'],
    ];
    for (const [host] of hosts) {
      await new Promise<void>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, path: `/host?h=${encodeURIComponent(host)}`, headers: { host } }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.end();
      });
    }
    const spans = await spansOf(t);
    for (const [host, address] of hosts) {
      const span = spans.find((s) => s.attributes['url.query'] === `h=${encodeURIComponent(host)}`);
      expect(span?.attributes['server.address']).toBe(address);
      // consecutive requests with different Host headers: each span has its own url.full
      expect(span?.attributes['url.full']).toBe(new URL(`http://${host}/host?h=${encodeURIComponent(host)}`).href);
    }
  });


  it('server span peer and client.address are each connection\'s own, over keep-alive requests on several connections', async () => {
    const before = (await spansOf(t)).length;
    // Two keep-alive connections, three requests each, interleaved: the client port of each
    // server span must be the local port of the socket that carried that request.
    const agents = [new http.Agent({ keepAlive: true, maxSockets: 1 }), new http.Agent({ keepAlive: true, maxSockets: 1 })];
    const sent: Array<{ port: number; path: string }> = [];
    for (let round = 0; round < 3; round++) {
      for (const [i, agent] of agents.entries()) {
        const path = `/conn${i}-${round}`;
        await new Promise<void>((resolve, reject) => {
          const req = http.get(`${base}${path}`, { agent }, (res) => {
            res.resume();
            res.on('end', resolve);
          });
          req.on('socket', (s) => {
            const record = (): void => void sent.push({ port: s.localPort!, path });
            if (s.localPort) record();
            else s.once('connect', record);
          });
          req.on('error', reject);
        });
      }
    }
    for (const a of agents) a.destroy();
    const servers = (await spansOf(t)).slice(before).filter((s) => s.kind === 'entry');
    expect(servers).toHaveLength(6);
    const ports = new Set(sent.map((s) => s.port));
    expect(ports.size).toBe(2);
    for (const { port, path } of sent) {
      const span = servers.find((s) => s.attributes['url.path'] === path);
      expect(span?.peer).toEqual({ host: '127.0.0.1', port });
      expect(span?.attributes['client.address']).toBe('127.0.0.1');
      expect(span?.attributes['server.port']).toBe(Number(new URL(base).port));
    }
  });
  it('server span names follow each request (method and path), and a throwing operationName falls back to them', async () => {
    const named = tracer();
    let calls = 0;
    const srv = http.createServer(
      traceHttpHandler((_req, res) => void res.end('ok'), {
        tracer: named,
        operationName: (method, path) => {
          calls++;
          if (path === '/throws') throw new Error('bad namer');
          return path === '/empty' ? '' : `${method.toLowerCase()}:${path}`;
        },
      }),
    );
    const plain = tracer();
    const srv2 = http.createServer(traceHttpHandler((_req, res) => void res.end('ok'), { tracer: plain }));
    const [b1, b2] = [await listen(srv), await listen(srv2)];
    const seq: Array<[string, string]> = [['GET', '/a'], ['GET', '/a'], ['GET', '/b'], ['POST', '/a'], ['GET', '/a?x=1'], ['DELETE', '/a']];
    for (const [method, p] of seq) {
      await fetch(`${b2}${p}`, { method });
    }
    for (const p of ['/a', '/throws', '/empty']) await fetch(`${b1}${p}`);
    expect((await spansOf(plain)).map((s) => s.name)).toEqual(['GET /a', 'GET /a', 'GET /b', 'POST /a', 'GET /a', 'DELETE /a']);
    expect((await spansOf(named)).map((s) => s.name)).toEqual(['get:/a', 'GET /throws', 'GET /empty']);
    expect(calls).toBe(3);
    for (const s of [srv, srv2]) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
    await named.shutdown();
    await plain.shutdown();
  });

  it('marks 5xx, thrown handler errors and aborted responses as errors', async () => {
    expect((await fetch(`${base}/fail`)).status).toBe(503);
    expect((await fetch(`${base}/boom`)).status).toBe(500);
    await fetch(`${base}/hang`).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    const spans = await spansOf(t);
    const byPath = (p: string) => spans.find((s) => s.attributes['url.path'] === p)!;
    expect(byPath('/fail').status.code).toBe('error');
    expect(byPath('/boom').status.code).toBe('error');
    expect(byPath('/boom').events.some((e) => e.name === 'exception')).toBe(true);
    expect(byPath('/hang').status.code).toBe('error');
  });

  it('skips ignored paths (health checks)', async () => {
    await fetch(`${base}/healthz`);
    await fetch(`${base}/metrics/x`);
    expect(await spansOf(t)).toHaveLength(0);
  });

  it('tracedRequest injects, tags and ends on response end; errors are recorded', async () => {
    const caller = tracer({ serviceName: 'caller' });
    await new Promise<void>((resolve) => {
      const req = tracedRequest(`${base}/orders`, { method: 'GET' }, (res) => { res.resume(); res.on('end', resolve); }, { tracer: caller });
      req.end();
    });
    await new Promise<void>((resolve) => {
      const req = tracedRequest('http://127.0.0.1:1/', {}, undefined, { tracer: caller });
      req.on('error', () => resolve());
      req.end();
    });
    const spans = await spansOf(caller);
    expect(spans).toHaveLength(2);
    expect(spans[0].attributes['http.response.status_code']).toBe(200);
    expect(spans[1].status.code).toBe('error');
    const [serverSpan] = await spansOf(t);
    expect(serverSpan.parentSpanId).toBe(spans[0].spanId);
    await caller.shutdown();
  });

  it('tracedRequest adds no error listener: an error nobody listens to is thrown as untraced, and still recorded', async () => {
    const caller = tracer({ serviceName: 'caller' });
    const req = tracedRequest(`${base}/orders`, {}, undefined, { tracer: caller });
    expect(req.listenerCount('error')).toBe(0);
    const boom = new Error('boom');
    // EventEmitter throws an 'error' that has no listener: untraced, this would be uncaught
    expect(() => req.emit('error', boom)).toThrow(/boom/);
    req.on('error', () => undefined);
    req.destroy();
    const [span] = await spansOf(caller);
    expect(span.status).toMatchObject({ code: 'error' });
    expect(span.events.map((e) => e.attributes?.['exception.message'])).toContain('boom');
    await caller.shutdown();
  });

  it('tracedRequest keeps object and raw-array headers, honours option overrides and marks aborted responses', async () => {
    const caller = tracer({ serviceName: 'caller' });
    const get = (target: string, opts: http.RequestOptions): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = tracedRequest(target, opts, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); }, { tracer: caller });
        req.on('error', reject);
        req.end();
      });
    expect(await get(`${base}/orders`, { headers: { 'x-keep': 'object' } })).toBe(200);
    expect(await get(`${base}/orders`, { headers: ['Host', '127.0.0.1', 'X-Keep', 'array'] as unknown as http.OutgoingHttpHeaders })).toBe(200);
    // requestOptions override the target, as with http.request(url, options)
    expect(await get(`${base}/ignored`, { path: '/orders?via=override' })).toBe(200);
    expect(seenHeaders.map((h) => h['x-keep'])).toEqual(['object', 'array', undefined]);
    for (const h of seenHeaders) expect(h.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    // the server resets the socket mid-body: the client span ends with an error
    await new Promise<void>((resolve) => {
      const req = tracedRequest(`${base}/hang`, {}, (res) => { res.resume(); res.on('close', resolve); res.on('error', () => undefined); }, { tracer: caller });
      req.on('error', () => resolve());
      req.end();
    });
    const spans = await spansOf(caller);
    expect(spans).toHaveLength(4);
    expect(spans.slice(0, 3).map((s) => s.attributes['http.response.status_code'])).toEqual([200, 200, 200]);
    expect(new Set(seenHeaders.slice(0, 3).map((h) => String(h.traceparent).split('-')[2]))).toEqual(new Set(spans.slice(0, 3).map((s) => s.spanId)));
    expect(spans[3].status.code).toBe('error');
    await caller.shutdown();
  });

  it('tracedRequest: a host or hostname in the options overrides the target\'s, as with http.request(url, options)', async () => {
    const caller = tracer({ serviceName: 'caller' });
    const port = Number(new URL(base).port);
    const get = (opts: http.RequestOptions): Promise<number> =>
      new Promise((resolve, reject) => {
        // 127.0.0.2 is loopback too, but nothing listens there: only the override reaches the server
        const req = tracedRequest(`http://127.0.0.2:${port}/orders`, opts, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); }, { tracer: caller });
        req.on('error', reject);
        req.end();
      });
    expect(await get({ host: '127.0.0.1' })).toBe(200);
    expect(await get({ hostname: '127.0.0.1' })).toBe(200);
    expect(seenHeaders.map((h) => h.host)).toEqual([`127.0.0.1:${port}`, `127.0.0.1:${port}`]);
    await caller.shutdown();
  });

  it('tracedRequest reuses the options it builds only while the caller\'s options object is unchanged', async () => {
    const caller = tracer({ serviceName: 'caller' });
    await t.flush(); // earlier tests' server spans
    (t.exporter as MemoryExporter).reset();
    const seen: string[] = [];
    const get = (opts: http.RequestOptions | undefined): Promise<void> =>
      new Promise((resolve, reject) => {
        const req = tracedRequest(`${base}/orders?n=1`, opts, (res) => { res.resume(); res.on('end', () => resolve()); }, { tracer: caller });
        req.on('error', reject);
        req.end();
      });
    const opts: http.RequestOptions = { method: 'GET', headers: { 'x-n': '1' } };
    await get(opts);
    await get(opts); // same object, same values: reused
    opts.method = 'POST'; // a changed top-level value is seen
    await get(opts);
    opts.path = '/orders?n=4'; // an added key is seen
    await get(opts);
    delete opts.path; // and a removed one
    await get(opts);
    (opts.headers as Record<string, string>)['x-n'] = '6'; // nested objects are passed by reference
    await get(opts);
    await get(undefined);
    seen.push(...seenHeaders.map((h) => String(h['x-n'])));
    expect(seen).toEqual(['1', '1', '1', '1', '1', '6', 'undefined']);
    const spans = await spansOf(caller);
    expect(spans.map((s) => `${s.attributes['http.request.method']} ${s.attributes['url.full']}`)).toEqual([
      `GET ${base}/orders?n=1`,
      `GET ${base}/orders?n=1`,
      `POST ${base}/orders?n=1`,
      `POST ${base}/orders?n=1`,
      `POST ${base}/orders?n=1`,
      `POST ${base}/orders?n=1`,
      `GET ${base}/orders?n=1`,
    ]);
    // what the server received (method and path come from the options actually sent)
    const serverSpans = (await spansOf(t)).filter((s) => s.kind === 'entry');
    expect(serverSpans.map((s) => `${s.attributes['http.request.method']} ${s.attributes['url.path']}?${s.attributes['url.query']}`)).toEqual([
      'GET /orders?n=1',
      'GET /orders?n=1',
      'POST /orders?n=1',
      'POST /orders?n=4',
      'POST /orders?n=1',
      'POST /orders?n=1',
      'GET /orders?n=1',
    ]);
    await caller.shutdown();
  });

  it('tracedRequest: the response callback runs in the caller\'s context, not the exit span\'s', async () => {
    const caller = tracer({ serviceName: 'caller' });
    let seen: string | undefined = 'unset';
    const root = caller.startSpan('root');
    await caller.withSpan(root, () =>
      new Promise<void>((resolve) => {
        const req = tracedRequest(`${base}/orders`, {}, (res) => { seen = currentSpan()?.spanId; res.resume(); res.on('end', resolve); }, { tracer: caller });
        req.end();
      }),
    );
    root.end();
    expect(seen).toBe(root.spanId);
    const exit = (await spansOf(caller)).find((s) => s.kind === 'exit')!;
    expect(exit.parentSpanId).toBe(root.spanId);
    await caller.shutdown();
  });

  it('tracedRequest without a callback: an unread response is discarded as node:http does (spans end, the socket is freed); a response listener still gets the body', async () => {
    const caller = tracer({ serviceName: 'caller' });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    // fire and forget, three times through one socket: each must finish for the next to start
    for (let i = 0; i < 3; i++) tracedRequest(`${base}/orders?n=${i}`, { agent }, undefined, { tracer: caller }).end();
    const deadline = Date.now() + 5000;
    while ((await spansOf(caller)).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const spans = await spansOf(caller);
    expect(spans.map((sp) => sp.attributes['url.full'])).toEqual([0, 1, 2].map((i) => `${base}/orders?n=${i}`));
    expect(spans.every((sp) => sp.attributes['http.response.status_code'] === 200)).toBe(true);
    // no callback, but a listener of the caller's own: the body is theirs, not discarded
    const body = await new Promise<string>((resolve, reject) => {
      const req = tracedRequest(`${base}/orders`, { agent }, undefined, { tracer: caller });
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    expect(JSON.parse(body)).toHaveProperty('trace_id');
    // the callback's `this` is the request, as with http.request
    const self = await new Promise<unknown>((resolve) => {
      const req = tracedRequest(`${base}/orders`, { agent }, function (this: unknown, res) {
        res.resume();
        resolve(this === req);
      }, { tracer: caller });
      req.end();
    });
    expect(self).toBe(true);
    agent.destroy();
    await caller.shutdown();
  });

  it('server and client span tags honour redact, the tag limit and the value length limit; the caller tag is kept', async () => {
    const cases: Array<{ config: Record<string, unknown>; check: (server: FinishedSpan, client: FinishedSpan) => void }> = [
      {
        // the usual case: all tags, the caller of the exit span kept beside them
        config: { recordCaller: true },
        check: (server, client) => {
          expect(server.attributes).toMatchObject({ 'http.request.method': 'GET', 'url.path': '/orders', 'server.port': expect.any(Number), 'client.address': '127.0.0.1', 'http.response.status_code': 200 });
          expect(client.attributes).toMatchObject({ 'http.request.method': 'GET', 'server.address': '127.0.0.1', 'http.response.status_code': 200 });
          expect(String(client.attributes.caller)).toContain('http.test.ts');
          expect(server.attributes.caller).toBeUndefined(); // started from node:http's frames
        },
      },
      {
        config: { redact: ['url.full', 'client.address', 'server.address'] },
        check: (server, client) => {
          for (const sp of [server, client]) {
            expect(sp.attributes['url.full']).toBe('[REDACTED]');
            expect(sp.attributes['server.address']).toBe('[REDACTED]');
          }
          expect(server.attributes['client.address']).toBe('[REDACTED]');
          expect(server.attributes['url.path']).toBe('/orders');
        },
      },
      {
        config: { limits: { maxAttributes: 3 } },
        check: (server, client) => {
          expect(Object.keys(server.attributes)).toHaveLength(3);
          expect(Object.keys(client.attributes)).toHaveLength(3);
        },
      },
      {
        config: { limits: { maxAttributeValueLength: 12 } },
        check: (server, client) => {
          for (const sp of [server, client]) expect(sp.attributes['url.full']).toBe('http://127.0');
          expect(server.attributes['url.path']).toBe('/orders');
        },
      },
    ];
    for (const { config, check } of cases) {
      const t2 = tracer(config);
      const srv = http.createServer(traceHttpHandler((_req, res) => void res.end('ok'), { tracer: t2 }));
      const b = await listen(srv);
      await new Promise<void>((resolve, reject) => {
        const req = tracedRequest(`${b}/orders`, {}, (res) => { res.resume(); res.on('end', resolve); }, { tracer: t2 });
        req.on('error', reject);
        req.end();
      });
      await new Promise((r) => setTimeout(r, 20));
      const spans = await spansOf(t2);
      check(spans.find((sp) => sp.kind === 'entry')!, spans.find((sp) => sp.kind === 'exit')!);
      srv.closeAllConnections();
      await new Promise((r) => srv.close(r));
      await t2.shutdown();
    }
  });

  it('addHttpTracing: server side extracts, client side injects into the headers object', async () => {
    const a = tracer({ serviceName: 'a' });
    const headers: Record<string, string> = {};
    const client = a.startActiveSpan('root', () => addHttpTracing('GET /x', headers, { 'peer.service': 'b' }, { tracer: a }));
    expect(client.span.kind).toBe('exit');
    expect(headers.traceparent).toContain(client.span.spanId);
    const server = addHttpTracing('GET /x', headers, undefined, { tracer: a, kind: 'entry' });
    expect(server.span.parentSpanId).toBe(client.span.spanId);
    server.finish(500);
    client.finish(new Error('down'));
    expect(server.span.status.code).toBe('error');
    expect(client.span.status.code).toBe('error');
    client.finish(200); // idempotent
    await a.shutdown();
  });

  it('httpServerTracing works as Express/Connect-style middleware', async () => {
    const mw = httpServerTracing({ tracer: t });
    const s = http.createServer((req, res) => mw(req, res, () => res.end(currentSpan()?.name ?? 'none')));
    const url = await listen(s);
    const text = await (await fetch(`${url}/mw`)).text();
    expect(text).toBe('GET /mw');
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  });

  it('sanitizeUrl strips credentials and secret query values', () => {
    expect(sanitizeUrl('http://user:pw@h:1/p?token=abc&id=1', t)).toBe('http://h:1/p?token=%5BREDACTED%5D&id=1');
    expect(sanitizeUrl('/p?password=x', t)).toBe('/p?password=%5BREDACTED%5D');
    // query names match secrets in any case and by their last part, as tag keys do
    expect(sanitizeUrl('/p?Access_Token=a&X-Auth-Token=b&PASSWORD=c&id=1', t)).toBe('/p?Access_Token=%5BREDACTED%5D&X-Auth-Token=%5BREDACTED%5D&PASSWORD=%5BREDACTED%5D&id=1');
  });
});

describe('HTTP server span timing', () => {
  it('the server span ends when the response finishes, not at the later socket close', async () => {
    const { nowUs } = await import('../../../src');
    const server = createTracer({ serviceName: 'srv', backend: 'memory', recordCaller: false });
    const finishedAt: number[] = [];
    const s = http.createServer(
      traceHttpHandler((_req, res) => {
        res.once('finish', () => finishedAt.push(nowUs())); // added after the tracer's own listener
        res.end('ok');
      }, { tracer: server }),
    );
    const url = await listen(s);
    for (let i = 0; i < 10; i++) await (await fetch(`${url}/t`)).text();
    const spans = await spansOf(server);
    expect(spans).toHaveLength(10);
    spans.forEach((sv, i) => expect(sv.endTimeUs).toBeLessThanOrEqual(finishedAt[i]));
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
    await server.shutdown();
  });
});

describe('tracedRequest when http.request throws', () => {
  it('ends the exit span with the error and re-throws', async () => {
    const t = createTracer({ serviceName: 'c', backend: 'memory', recordCaller: false });
    expect(() => tracedRequest('http://127.0.0.1:1/', { headers: { 'x-bad': 'a\r\nb' } }, undefined, { tracer: t })).toThrow();
    const [span] = await spansOf(t);
    expect(span.kind).toBe('exit');
    expect(span.status.code).toBe('error');
    await t.shutdown();
  });

  it('rejects a target that is neither http: nor https: as http.request does', async () => {
    const t = createTracer({ serviceName: 'c', backend: 'memory', recordCaller: false });
    expect(() => tracedRequest('ftp://127.0.0.1:1/file', {}, undefined, { tracer: t })).toThrow(/Protocol "ftp:" not supported/);
    const [span] = await spansOf(t);
    expect(span.status.code).toBe('error');
    await t.shutdown();
  });
});
