import { gunzipSync, gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { ZipkinExporter } from '../../../adapters/zipkin/ZipkinExporter';
import type { ExportError, Logger, ReusableBuffer } from '../../../src';
import { closeServer, deadPort, listen } from '../../support/http';
import { makeSpan, T0 } from './fixtures';
import { startZipkinStandIn, type ZipkinStandIn } from './standin';

const TRACE = '463ac35c9f6413ad48485a3953bb6124';

describe('ZipkinExporter → Zipkin stand-in', () => {
  let z: ZipkinStandIn;
  const exporters: ZipkinExporter[] = [];
  const exporter = (opts: Partial<ConstructorParameters<typeof ZipkinExporter>[0]> = {}): ZipkinExporter => {
    const e = new ZipkinExporter({ url: z.url, timeoutMs: 2000, ...opts });
    exporters.push(e);
    return e;
  };

  beforeEach(async () => {
    z = await startZipkinStandIn();
  });
  afterEach(async () => {
    await Promise.all(exporters.splice(0).map((e) => e.shutdown()));
    await z.stop();
  });

  test('maps kinds, ids, µs times, endpoints, tags, annotations and errors', async () => {
    const server = makeSpan({
      name: 'GET /Orders',
      kind: 'entry',
      spanId: '00f067aa0ba902b7',
      parentSpanId: '53995c3f42cd8ad8',
      remoteParent: true,
      debug: true,
      attributes: { 'http.request.method': 'GET', 'http.response.status_code': 200, 'server.port': 8080, ok: true, list: ['a', 1], caller: 'handle (orders.ts:12)' },
      peer: { host: '10.0.0.9', port: 41234 },
    });
    const client = makeSpan({
      name: 'inventory.Reserve',
      kind: 'exit',
      spanId: '1111111111111111',
      parentSpanId: '00f067aa0ba902b7',
      startTimeUs: T0 + 100.6,
      endTimeUs: T0 + 900.2,
      peer: { service: 'inventory', host: '::1', port: 50051 },
      status: { code: 'error', message: 'UNAVAILABLE: no connection' },
      events: [{ name: 'retry', timeUs: T0 + 500.5, attributes: { attempt: 2 } }],
    });
    const local = makeSpan({
      name: 'reserve-stock',
      kind: 'local',
      spanId: '2222222222222222',
      parentSpanId: '1111111111111111',
      peer: { host: 'pricing.internal', port: 7000 },
      status: { code: 'error' },
      events: [
        { name: 'exception', timeUs: T0 + 10, attributes: { 'exception.type': 'Error', 'exception.message': 'out of stock' } },
        { name: 'cache.miss', timeUs: T0 + 20, attributes: {} },
      ],
    });
    const producer = makeSpan({ kind: 'producer', spanId: '3333333333333333', name: 'send' });
    const consumer = makeSpan({ kind: 'consumer', spanId: '4444444444444444', name: 'receive' });
    await exporter().export([server, client, local, producer, consumer]);

    expect(z.requests).toHaveLength(1);
    expect(z.requests[0].status).toBe(202);
    expect(z.spans).toHaveLength(5);
    const [s, c, l, p, k] = z.spans;

    expect(s).toEqual({
      traceId: TRACE,
      parentId: '53995c3f42cd8ad8',
      id: '00f067aa0ba902b7',
      name: 'get /orders',
      kind: 'SERVER',
      timestamp: T0,
      duration: 1500,
      localEndpoint: { serviceName: 'orders', ipv4: '10.1.2.3', port: 8080 },
      remoteEndpoint: { ipv4: '10.0.0.9', port: 41234 },
      tags: {
        region: 'eu-1',
        'http.request.method': 'GET',
        'http.response.status_code': '200',
        'server.port': '8080',
        ok: 'true',
        list: '["a",1]',
        caller: 'handle (orders.ts:12)',
      },
      debug: true,
    });
    expect(s.shared).toBeUndefined(); // never shared: our server spans have their own id

    expect(c.kind).toBe('CLIENT');
    expect(c.timestamp).toBe(T0 + 101);
    expect(c.duration).toBe(799);
    expect(c.localEndpoint).toEqual({ serviceName: 'orders', ipv4: '10.1.2.3' }); // no server.port on a client span
    expect(c.remoteEndpoint).toEqual({ serviceName: 'inventory', ipv6: '::1', port: 50051 });
    expect(c.tags?.error).toBe('UNAVAILABLE: no connection');
    expect(c.annotations).toEqual([{ timestamp: T0 + 501, value: 'retry {"attempt":2}' }]);
    expect(c.debug).toBeUndefined();

    expect(l.kind).toBeUndefined();
    expect(l.remoteEndpoint).toEqual({ port: 7000 });
    expect(l.tags?.['peer.hostname']).toBe('pricing.internal');
    expect(l.tags?.error).toBe('out of stock'); // no status message: the exception's message
    expect(l.annotations).toEqual([
      { timestamp: T0 + 10, value: 'exception {"exception.type":"Error","exception.message":"out of stock"}' },
      { timestamp: T0 + 20, value: 'cache.miss' },
    ]);
    expect(p.kind).toBe('PRODUCER');
    expect(k.kind).toBe('CONSUMER');
    expect(p.tags?.error).toBeUndefined();
  });

  test('error status without any message gives error=true; span tags win over resource tags', async () => {
    await exporter().export([makeSpan({ status: { code: 'error' }, attributes: { region: 'span-level' } })]);
    expect(z.spans[0].tags).toEqual({ region: 'span-level', error: 'true' });
  });

  test('keeps 128-bit trace ids whole; a 64-bit trace (high half zero) goes as 16 hex', async () => {
    await exporter().export([
      makeSpan({ traceId: 'F0000000000000000000000000000001' }),
      makeSpan({ traceId: '0000000000000000a2fb4a1d1a96d312' }),
    ]);
    const wire = JSON.parse(z.requests[0].json!) as Array<{ traceId: string }>; // as sent, before the stand-in normalises
    expect(wire.map((s) => s.traceId)).toEqual(['f0000000000000000000000000000001', 'a2fb4a1d1a96d312']);
  });

  test('batching: one POST per export() carrying the whole batch', async () => {
    const e = exporter();
    await e.export(Array.from({ length: 50 }, () => makeSpan()));
    await e.export(Array.from({ length: 7 }, () => makeSpan()));
    expect(z.requests.map((r) => r.spanCount)).toEqual([50, 7]);
    expect(e.counters()).toMatchObject({ requests: 2, spansSent: 57 });
  });

  test('gzip: on by default for bodies ≥ 1 KiB, plain below; off with compression none', async () => {
    const gz = exporter();
    await gz.export([makeSpan()]);
    await gz.export(Array.from({ length: 20 }, () => makeSpan()));
    await exporter({ compression: 'none' }).export(Array.from({ length: 20 }, () => makeSpan()));
    expect(z.requests.map((r) => [r.gzip, r.headers['content-encoding'], r.spanCount])).toEqual([
      [false, undefined, 1],
      [true, 'gzip', 20],
      [false, undefined, 20],
    ]);
    expect(z.requests[0].json!.length).toBeLessThan(1024);
    expect(z.spans).toHaveLength(41);
    expect(gz.counters().gzipped).toBe(1);
    // level 1 (fastest), not zlib's default 6: the same bytes as gzipSync at level 1 makes
    const wire = z.requests[1].wire!;
    expect(gzipSync(gunzipSync(wire), { level: 1 }).equals(wire)).toBe(true);
    expect(gzipSync(gunzipSync(wire)).equals(wire)).toBe(false);
  });

  test('one body buffer is kept and reused across batches, gzipped or plain, each arriving intact', async () => {
    const batch = (tag: string, n: number) =>
      Array.from({ length: n }, (_, i) => makeSpan({ spanId: (0x2000 + i).toString(16).padStart(16, '0'), attributes: { tag, i, pad: `${tag}-ü-`.repeat(30) } }));
    for (const compression of ['gzip', 'none'] as const) {
      const e = exporter({ compression });
      const scratch = (e as unknown as { scratch: ReusableBuffer }).scratch;
      await e.export(batch(`${compression}-1`, 400));
      const kept = scratch.retainedBytes;
      expect(kept).toBeGreaterThan(64 * 1024);
      await e.export(batch(`${compression}-2`, 2)); // shorter body over the longer one
      await e.export(batch(`${compression}-3`, 400));
      expect(scratch.retainedBytes).toBe(kept);
      expect(scratch.inUse).toBe(false);
    }
    for (const tag of ['gzip-1', 'gzip-2', 'gzip-3', 'none-1', 'none-2', 'none-3']) {
      const spans = z.spans.filter((s) => s.tags?.tag === tag);
      expect(spans).toHaveLength(tag.endsWith('2') ? 2 : 400);
      expect(spans.every((s) => s.tags?.pad === `${tag}-ü-`.repeat(30))).toBe(true);
    }
    expect(z.requests.map((r) => r.gzip)).toEqual([true, true, true, false, false, false]);
  });

  test('the body buffer comes back after error answers', async () => {
    const e = exporter({ compression: 'none' });
    const scratch = (e as unknown as { scratch: ReusableBuffer }).scratch;
    z.setMode('500');
    await expect(e.export([makeSpan()])).rejects.toMatchObject({ retryable: true, message: expect.stringContaining('500') });
    const until = Date.now() + 5000;
    while (scratch.inUse && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    expect(scratch.inUse).toBe(false);
  });

  test('extra headers and basic auth arrive; content headers cannot be overridden', async () => {
    await exporter({ headers: { 'X-Api-Key': 'k1', 'Content-Type': 'text/plain' }, user: 'zip', password: 's3cret' }).export([makeSpan()]);
    const h = z.requests[0].headers;
    expect(h['x-api-key']).toBe('k1');
    expect(h['content-type']).toBe('application/json');
    expect(h.authorization).toBe(`Basic ${Buffer.from('zip:s3cret').toString('base64')}`);
    expect(z.requests[0].status).toBe(202);
  });

  test('credentials in the URL become basic auth and never appear in errors; token → Bearer', async () => {
    const u = new URL(z.url);
    u.username = 'bob';
    u.password = 'hunter2';
    await exporter({ url: u.href }).export([makeSpan()]);
    expect(z.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('bob:hunter2').toString('base64')}`);
    expect(z.requests[0].headers.host).toBe(`127.0.0.1:${z.port}`);

    await exporter({ token: 'tok-123' }).export([makeSpan()]);
    expect(z.requests[1].headers.authorization).toBe('Bearer tok-123');

    z.setMode('500');
    const err = (await exporter({ url: u.href }).export([makeSpan()]).catch((e: unknown) => e)) as ExportError;
    expect(err.message).toContain('500');
    expect(err.message).not.toContain('hunter2');
    expect(err.message).not.toContain('bob');
  });

  test.each([
    ['500', true],
    ['503', true],
    ['429', true],
  ] as const)('a %s answer rejects with retryable=%s', async (mode, retryable) => {
    z.setMode(mode);
    const err = (await exporter().export([makeSpan()]).catch((e: unknown) => e)) as ExportError & { statusCode?: number };
    expect(err).toBeInstanceOf(Error);
    expect(err.retryable).toBe(retryable);
    expect(err.statusCode).toBe(Number(mode));
  });

  test('an answer quoting our request (credentials, headers) is scrubbed before it reaches the error; Retry-After becomes retryAfterMs', async () => {
    // A proxy that denies the request and quotes its headers, asking for a pause.
    const proxy = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(429, { 'Retry-After': '3' });
        res.end(`denied: ${JSON.stringify(req.headers)}`);
      });
    });
    const port = await listen(proxy);
    try {
      const err = (await exporter({ url: `http://bob:sEcReT-zpw-1@127.0.0.1:${port}/api/v2/spans`, headers: { 'x-key': 'sEcReT-zhdr-2' } })
        .export([makeSpan()])
        .catch((e: unknown) => e)) as ExportError & { retryAfterMs?: number };
      expect(err).toMatchObject({ retryable: true, retryAfterMs: 3000 });
      expect(err.message).toContain('429: denied');
      expect(err.message).not.toMatch(/sEcReT/);
      expect(err.message).not.toContain(Buffer.from('bob:sEcReT-zpw-1').toString('base64'));
    } finally {
      await closeServer(proxy);
    }
  });

  test('a 400 rejects as not retryable with Zipkin’s reason', async () => {
    // A server that rejects everything with a reason, as Zipkin does for a malformed span.
    const bad = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(400, { 'Content-Type': 'text/plain' });
        res.end('Expected a string but was NUMBER at path $[0].tags.x');
      });
    });
    const port = await listen(bad);
    try {
      const err = (await exporter({ url: `http://127.0.0.1:${port}/api/v2/spans` })
        .export([makeSpan()])
        .catch((e: unknown) => e)) as ExportError;
      expect(err.retryable).toBe(false);
      expect(err.message).toContain('400');
      expect(err.message).toContain('Expected a string but was NUMBER');
    } finally {
      await closeServer(bad);
    }
  });

  test('timeout: a hanging collector makes export() reject retryable, and requests never pile up', async () => {
    z.setMode('hang');
    const e = exporter({ timeoutMs: 150 });
    for (let i = 0; i < 3; i++) {
      const err = (await e.export([makeSpan()]).catch((x: unknown) => x)) as ExportError & { code?: string };
      expect(err.retryable).toBe(true);
      expect(err.code).toBe('ETIMEDOUT');
      expect(err.message).toMatch(/timed out after 150 ms/);
    }
    await z.waitForRequests(3);
    // Each timed-out request was destroyed: the stand-in never saw two open at once,
    // and none stays open.
    await new Promise<void>((r) => setImmediate(r));
    expect(z.maxInFlight()).toBe(1);
    expect(e.counters().requests).toBe(3);
    for (let i = 0; i < 50 && z.inFlight() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(z.inFlight()).toBe(0);
  });

  test('exports run concurrently up to maxConcurrentExports; one more ends the oldest request; shutdown() ends the rest', async () => {
    z.setMode('hang');
    const e = exporter({ timeoutMs: 60_000 });
    expect(e.maxConcurrentExports).toBe(4);
    const open = Array.from({ length: 4 }, () => e.export([makeSpan()]).catch((x: unknown) => x));
    await z.waitForRequests(4);
    expect(z.inFlight()).toBe(4); // four requests open at once, none waiting for another
    // A fifth export: the pipeline never runs more than four, so the oldest was given up on.
    const fifth = e.export([makeSpan()]).catch((x: unknown) => x);
    expect(await open[0]).toMatchObject({ retryable: true, code: 'ABORT_ERR' });
    await z.waitForRequests(5);
    await e.shutdown(); // does not wait 60 s for the hanging collector
    for (const p of [...open.slice(1), fifth]) expect(await p).toMatchObject({ retryable: true, code: 'ABORT_ERR' });
    expect(z.maxInFlight()).toBe(4);
    for (let i = 0; i < 50 && z.inFlight() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(z.inFlight()).toBe(0);
  });

  test('a dead collector rejects retryable (connection refused)', async () => {
    const port = await deadPort();
    const err = (await new ZipkinExporter({ url: `http://127.0.0.1:${port}/api/v2/spans`, timeoutMs: 2000 })
      .export([makeSpan()])
      .catch((x: unknown) => x)) as ExportError & { code?: string };
    expect(err.retryable).toBe(true);
    expect(err.code).toBe('ECONNREFUSED');
  });

  test('invalid spans are never sent: left out, counted, logged once', async () => {
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
    const e = exporter({ logger });
    const good = makeSpan();
    await e.export([
      makeSpan({ traceId: 'not-hex' }),
      makeSpan({ spanId: '0000000000000000' }),
      makeSpan({ parentSpanId: 'abc' }),
      makeSpan({ startTimeUs: Number.NaN }),
      good,
    ]);
    await e.export([makeSpan({ traceId: '00000000000000000000000000000000' })]); // nothing valid: nothing sent
    expect(z.requests).toHaveLength(1);
    expect(z.spans.map((s) => s.id)).toEqual([good.spanId]);
    expect(e.counters().invalidSpans).toBe(5);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/dropped 4 span/);
  });

  test('export never throws synchronously; after shutdown it rejects as not retryable', async () => {
    const e = exporter();
    await e.shutdown();
    let p: Promise<void> | undefined;
    expect(() => {
      p = e.export([makeSpan()]);
    }).not.toThrow();
    await expect(p).rejects.toMatchObject({ retryable: false });
    expect(z.requests).toHaveLength(0);
  });

  test('header values that cannot be sent reject as not retryable instead of throwing', async () => {
    const e = exporter({ headers: { 'X-Bad': 'a\r\nInjected: 1' } });
    await expect(e.export([makeSpan()])).rejects.toMatchObject({ retryable: false });
    expect(z.requests).toHaveLength(0);
  });

  test('forceFlush and shutdown wait for the export in flight', async () => {
    const e = exporter();
    let settled = false;
    const p = e.export(Array.from({ length: 5 }, () => makeSpan())).then(() => {
      settled = true;
    });
    await e.forceFlush();
    expect(settled).toBe(true);
    await p;
    expect(z.spans).toHaveLength(5);
  });
});

describe('ZipkinExporter over HTTPS with a self-signed certificate', () => {
  let dir: string;
  let cert: Buffer;
  let z: ZipkinStandIn;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zipkin-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    cert = fs.readFileSync(path.join(dir, 'cert.pem'));
    z = await startZipkinStandIn('ok', { key: fs.readFileSync(path.join(dir, 'key.pem')), cert });
  });
  afterAll(async () => {
    await z.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the custom CA makes it trusted; without it the certificate error is not retryable', async () => {
    expect(z.url).toMatch(/^https:/);
    const trusted = new ZipkinExporter({ url: z.url, tls: { ca: cert } });
    const untrusted = new ZipkinExporter({ url: z.url });
    try {
      await trusted.export([makeSpan()]);
      expect(z.spans).toHaveLength(1);
      const err = (await untrusted.export([makeSpan()]).catch((e: unknown) => e)) as ExportError & { code?: string };
      expect(err.retryable).toBe(false);
      expect(err.code).toMatch(/SELF_SIGNED|CERT/);
      expect(z.spans).toHaveLength(1);
    } finally {
      await trusted.shutdown();
      await untrusted.shutdown();
    }
  });
});
