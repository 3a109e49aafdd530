import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { ExportError, FinishedSpan, ReusableBuffer } from '../../../src';
import { JaegerHttpSender } from '../../../adapters/jaeger/JaegerHttpSender';
import { JaegerExporter } from '../../../adapters/jaeger/JaegerExporter';
import { deadPort, listen } from '../../support/http';
import { deferCleanups, makeSpan, recordingLogger, resource } from './fixtures';
import { startJaegerAgent, startJaegerCollector, type AgentStandIn, type CollectorStandIn, type DecodedSpan } from './standins';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const defer = deferCleanups();

/** A server span exercising every mapping rule. */
function richSpan(): FinishedSpan {
  return makeSpan({
    name: 'GET /checkout',
    kind: 'entry',
    traceId: TRACE,
    spanId: 'f0f1f2f3f4f5f6f7',
    parentSpanId: '00f067aa0ba902b7',
    remoteParent: true,
    debug: true,
    startTimeUs: 1_700_000_000_000_001,
    endTimeUs: 1_700_000_000_000_138, // 137 µs
    attributes: {
      'http.request.method': 'GET',
      'http.response.status_code': 500,
      ratio: 0.25,
      cached: false,
      'list.tags': ['a', 'b'],
      caller: 'handleCheckout (gateway.ts:42)',
    },
    events: [
      { name: 'cache.miss', timeUs: 1_700_000_000_000_050, attributes: { key: 'item-7' } },
      {
        name: 'exception',
        timeUs: 1_700_000_000_000_100,
        attributes: { 'exception.type': 'TypeError', 'exception.message': 'boom', 'exception.stacktrace': 'TypeError: boom\n    at x' },
      },
    ],
    status: { code: 'error', message: 'boom' },
    peer: { service: 'pricing', host: '10.0.0.7', port: 7070 },
    component: 'http',
  });
}

function assertRich(d: DecodedSpan): void {
  expect(d.operationName).toBe('GET /checkout');
  expect(d.traceIdHigh).toBe('4bf92f3577b34da6');
  expect(d.traceIdLow).toBe('a3ce929d0e0e4736');
  expect(d.spanId).toBe('f0f1f2f3f4f5f6f7');
  expect(d.parentSpanId).toBe('00f067aa0ba902b7');
  expect(d.references).toEqual([{ refType: 'CHILD_OF', traceId: TRACE, spanId: '00f067aa0ba902b7' }]);
  expect(d.flags).toBe(0x3); // sampled | debug
  expect(d.startTime).toBe(1_700_000_000_000_001);
  expect(d.duration).toBe(137);
  expect(d.tags['span.kind']).toBe('server');
  expect(d.tags['http.request.method']).toBe('GET');
  expect(d.tags['http.response.status_code']).toBe(500);
  expect(d.tagTypes['http.response.status_code']).toBe('LONG');
  expect(d.tags.ratio).toBe(0.25);
  expect(d.tagTypes.ratio).toBe('DOUBLE');
  expect(d.tags.cached).toBe(false);
  expect(d.tagTypes.cached).toBe('BOOL');
  expect(d.tags['list.tags']).toBe('["a","b"]');
  expect(d.tags.caller).toBe('handleCheckout (gateway.ts:42)');
  expect(d.tags.error).toBe(true);
  expect(d.tagTypes.error).toBe('BOOL');
  expect(d.tags['peer.service']).toBe('pricing');
  expect(d.tags['peer.ipv4']).toBe('10.0.0.7');
  expect(d.tags['peer.port']).toBe(7070);
  expect(d.tags.component).toBe('http');
  expect(d.logs).toEqual([
    { timestamp: 1_700_000_000_000_050, fields: { event: 'cache.miss', key: 'item-7' } },
    {
      timestamp: 1_700_000_000_000_100,
      fields: { event: 'error', 'error.kind': 'TypeError', message: 'boom', stack: 'TypeError: boom\n    at x' },
    },
  ]);
  expect(d.process.serviceName).toBe('orders');
  expect(d.process.tags).toEqual({
    hostname: 'test-host',
    ip: '10.1.2.3',
    'jaeger.version': 'traceandtrace-node-0.1.0',
    region: 'eu-1',
  });
}

const scratchOf = (e: JaegerExporter): ReusableBuffer => (e as unknown as { scratch: ReusableBuffer }).scratch;
const batchOf = (name: string, n: number): FinishedSpan[] =>
  Array.from({ length: n }, (_, i) => makeSpan({ name, spanId: (0x1000 + i).toString(16).padStart(16, '0'), attributes: { i, pad: name.repeat(40) } }));

describe('JaegerExporter over HTTP (Thrift binary Batch)', () => {
  let collector: CollectorStandIn;
  let exporter: JaegerExporter | undefined;
  beforeEach(async () => {
    collector = await startJaegerCollector();
  });
  afterEach(async () => {
    await exporter?.shutdown();
    exporter = undefined;
    await collector.stop();
  });

  it('maps kind, parent, typed tags, logs, error, peer, caller, debug and µs times', async () => {
    exporter = new JaegerExporter({ resource, endpoint: collector.url });
    await exporter.export([richSpan()]);
    expect(collector.requests).toHaveLength(1);
    expect(collector.requests[0].contentType).toBe('application/x-thrift');
    expect(collector.spans).toHaveLength(1);
    assertRich(collector.spans[0]);
  });

  it('keeps sub-millisecond durations distinct and exact (µs)', async () => {
    exporter = new JaegerExporter({ resource, endpoint: collector.url });
    const start = 1_700_000_000_500_000;
    const durations = [1, 137, 842, 999, 1001];
    await exporter.export(durations.map((d) => makeSpan({ startTimeUs: start + d, endTimeUs: start + 2 * d })));
    expect(collector.spans.map((s) => s.duration)).toEqual(durations);
    expect(collector.spans.map((s) => s.startTime)).toEqual(durations.map((d) => start + d));
  });

  it('maps root spans, 64-bit trace ids, kinds and hostname peers', async () => {
    exporter = new JaegerExporter({ resource, endpoint: collector.url });
    await exporter.export([
      makeSpan({ kind: 'exit', traceId: '0000000000000000ffffffffffffffff', spanId: 'ffffffffffffffff', peer: { host: 'inventory.local', port: 50051 } }),
      makeSpan({ kind: 'producer' }),
      makeSpan({ kind: 'consumer' }),
      makeSpan({ kind: 'local', sampled: true, debug: false }),
    ]);
    const [exit, producer, consumer, local] = collector.spans;
    expect(exit.traceIdHigh).toBe('0000000000000000');
    expect(exit.traceIdLow).toBe('ffffffffffffffff');
    expect(exit.spanId).toBe('ffffffffffffffff');
    expect(exit.parentSpanId).toBe('0000000000000000');
    expect(exit.references).toEqual([]);
    expect(exit.tags['span.kind']).toBe('client');
    expect(exit.tags['peer.hostname']).toBe('inventory.local');
    expect(exit.tags['peer.port']).toBe(50051);
    expect(exit.tags['peer.ipv4']).toBeUndefined();
    expect(producer.tags['span.kind']).toBe('producer');
    expect(consumer.tags['span.kind']).toBe('consumer');
    expect(local.tags['span.kind']).toBeUndefined();
    expect(local.tags.error).toBeUndefined();
    expect(local.flags).toBe(1);
  });

  it('sends extra headers and no Authorization when no credentials are configured', async () => {
    exporter = new JaegerExporter({ resource, endpoint: collector.url, reporter: { headers: { 'x-tenant': 'acme' } } });
    await exporter.export([makeSpan()]);
    expect(collector.requests[0].headers['x-tenant']).toBe('acme');
    expect(collector.requests[0].authorization).toBeUndefined();
  });

  it('rejects with retryable errors on 503 and 429, non-retryable on 400, and recovers', async () => {
    exporter = new JaegerExporter({ resource, endpoint: collector.url });
    collector.setStatus(503);
    await expect(exporter.export([makeSpan()])).rejects.toMatchObject({ retryable: true, message: expect.stringContaining('503') });
    collector.setStatus(429);
    await expect(exporter.export([makeSpan()])).rejects.toMatchObject({ retryable: true });
    collector.setStatus(400);
    await expect(exporter.export([makeSpan()])).rejects.toMatchObject({ retryable: false });
    collector.setStatus(undefined);
    await exporter.export([makeSpan({ name: 'after' })]);
    expect(collector.spans.map((s) => s.operationName)).toEqual(['after']);
  });

  it('after shutdown, export rejects (non-retryable) without throwing', async () => {
    exporter = new JaegerExporter({ resource, endpoint: collector.url });
    await exporter.shutdown();
    let p: Promise<void> | undefined;
    expect(() => {
      p = exporter!.export([makeSpan()]);
    }).not.toThrow();
    await expect(p).rejects.toMatchObject({ retryable: false });
  });

  it('reuses one buffer for consecutive batches, each decoded intact by the collector', async () => {
    exporter = new JaegerExporter({ resource, endpoint: collector.url });
    await exporter.export(batchOf('big', 600)); // ~150 KB
    const kept = scratchOf(exporter).retainedBytes;
    expect(kept).toBeGreaterThan(64 * 1024);
    await exporter.export(batchOf('small', 3)); // shorter body written over the longer one
    await exporter.export(batchOf('again', 600));
    expect(scratchOf(exporter).retainedBytes).toBe(kept);
    expect(scratchOf(exporter).inUse).toBe(false);
    const names = collector.spans.map((s) => s.operationName);
    expect(names.filter((n) => n === 'big')).toHaveLength(600);
    expect(names.filter((n) => n === 'small')).toHaveLength(3);
    expect(names.filter((n) => n === 'again')).toHaveLength(600);
    expect(collector.spans.filter((s) => s.operationName === 'small').map((s) => s.tags.i)).toEqual([0, 1, 2]);
    expect(collector.spans.filter((s) => s.operationName === 'small').every((s) => s.tags.pad === 'small'.repeat(40))).toBe(true);
  });

  it('exports in flight at the same time never share bytes', async () => {
    exporter = new JaegerExporter({ resource, endpoint: collector.url });
    await Promise.all([exporter.export(batchOf('a', 300)), exporter.export(batchOf('b', 300)), exporter.export(batchOf('c', 300))]);
    expect(collector.requests).toHaveLength(3);
    for (const name of ['a', 'b', 'c']) {
      const spans = collector.spans.filter((s) => s.operationName === name);
      expect(spans).toHaveLength(300);
      expect(spans.every((s) => s.tags.pad === name.repeat(40))).toBe(true);
    }
    expect(scratchOf(exporter).inUse).toBe(false);
  });

  it('gives the buffer back after error answers and refused connections too', async () => {
    exporter = new JaegerExporter({ resource, endpoint: collector.url });
    collector.setStatus(400);
    await expect(exporter.export(batchOf('x', 50))).rejects.toMatchObject({ retryable: false });
    await waitFor(() => !scratchOf(exporter!).inUse);
    collector.setStatus(undefined);
    await exporter.export(batchOf('ok', 50));
    expect(collector.spans.filter((s) => s.operationName === 'ok')).toHaveLength(50);
    const dead = new JaegerExporter({ resource, endpoint: `http://127.0.0.1:${await deadPort()}/api/traces` });
    defer(() => dead.shutdown());
    await expect(dead.export(batchOf('y', 5))).rejects.toMatchObject({ retryable: true });
    await waitFor(() => !scratchOf(dead).inUse);
  });
});

describe('JaegerHttpSender onBodyFree', () => {
  const sender = (url: string, timeoutMs = 2000): JaegerHttpSender => {
    const s = new JaegerHttpSender({ url: new URL(url), timeoutMs });
    defer(() => s.close());
    return s;
  };
  const counted = (): { fn: () => void; calls: () => number } => {
    let n = 0;
    return { fn: () => void n++, calls: () => n };
  };

  it('is called exactly once: after a 2xx, a 4xx, a refused connection, a timeout, and on a closed sender', async () => {
    const collector = await startJaegerCollector();
    defer(() => collector.stop());
    const body = Buffer.from([0x0c, 0x00]); // not a valid Batch: the stand-in answers 400

    const ok = counted();
    await sender(collector.url).send(Buffer.alloc(0), ok.fn).catch(() => undefined);
    await waitFor(() => ok.calls() > 0);

    const bad = counted();
    await sender(collector.url).send(body, bad.fn).catch(() => undefined);
    await waitFor(() => bad.calls() > 0);

    const refused = counted();
    await expect(sender(`http://127.0.0.1:${await deadPort()}/api/traces`).send(body, refused.fn)).rejects.toMatchObject({ retryable: true });
    await waitFor(() => refused.calls() > 0);

    const silent = http.createServer(() => undefined);
    const port = await listen(silent);
    defer(() => {
      silent.closeAllConnections();
      return new Promise<void>((r) => silent.close(() => r()));
    });
    const slow = counted();
    await expect(sender(`http://127.0.0.1:${port}/api/traces`, 100).send(body, slow.fn)).rejects.toMatchObject({ message: expect.stringContaining('timed out') });
    await waitFor(() => slow.calls() > 0);

    const closed = counted();
    const s = sender(collector.url);
    s.close();
    await expect(s.send(body, closed.fn)).rejects.toMatchObject({ retryable: false });
    expect(closed.calls()).toBe(1);

    await new Promise((r) => setTimeout(r, 50));
    expect([ok.calls(), bad.calls(), refused.calls(), slow.calls(), closed.calls()]).toEqual([1, 1, 1, 1, 1]);
  });
});

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('JaegerExporter over HTTP with basic auth', () => {
  let collector: CollectorStandIn;
  const exporters: JaegerExporter[] = [];
  beforeAll(async () => {
    collector = await startJaegerCollector({ user: 'jaeger', password: 's3cret-pw' });
  });
  afterAll(async () => {
    await Promise.all(exporters.map((e) => e.shutdown()));
    await collector.stop();
  });
  const make = (o: ConstructorParameters<typeof JaegerExporter>[0]): JaegerExporter => {
    const e = new JaegerExporter(o);
    exporters.push(e);
    return e;
  };

  it('authenticates with reporter.user / reporter.password', async () => {
    const e = make({ resource, endpoint: collector.url, reporter: { user: 'jaeger', password: 's3cret-pw' } });
    await e.export([makeSpan({ name: 'authed' })]);
    expect(collector.spans.map((s) => s.operationName)).toContain('authed');
    expect(collector.requests.at(-1)?.status).toBe(202);
  });

  it('authenticates with credentials in the endpoint URL', async () => {
    const url = collector.url.replace('http://', 'http://jaeger:s3cret-pw@');
    const e = make({ resource, endpoint: url });
    await e.export([makeSpan({ name: 'url-authed' })]);
    expect(collector.spans.map((s) => s.operationName)).toContain('url-authed');
  });

  it('rejects (non-retryable) on 401 without leaking the password', async () => {
    const e = make({ resource, endpoint: collector.url, reporter: { user: 'jaeger', password: 'wrong-pw' } });
    const err = (await e.export([makeSpan()]).catch((x: unknown) => x)) as ExportError;
    expect(err).toBeInstanceOf(Error);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('401');
    expect(err.message).not.toContain('wrong-pw');
    const noCreds = make({ resource, endpoint: collector.url });
    await expect(noCreds.export([makeSpan()])).rejects.toMatchObject({ retryable: false });
  });
});

describe('JaegerExporter with a dead or hanging collector', () => {
  it('rejects with a retryable error when the connection is refused', async () => {
    const c = await startJaegerCollector();
    const url = c.url;
    await c.stop(); // the port is now closed
    const exporter = new JaegerExporter({ resource, endpoint: url });
    defer(() => exporter.shutdown());
    let p: Promise<void> | undefined;
    expect(() => {
      p = exporter.export([makeSpan()]);
    }).not.toThrow();
    await expect(p).rejects.toMatchObject({ retryable: true, message: expect.stringContaining('ECONNREFUSED') });
    await exporter.shutdown();
  });

  it('rejects with a retryable timeout when the collector never answers', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const server = http.createServer(() => undefined);
    server.on('connection', (s) => sockets.add(s));
    const port = await listen(server);
    defer(() => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    });
    const exporter = new JaegerExporter({ resource, endpoint: `http://127.0.0.1:${port}/api/traces`, reporter: { timeout: 200 } });
    defer(() => exporter.shutdown());
    await expect(exporter.export([makeSpan()])).rejects.toMatchObject({ retryable: true, message: expect.stringContaining('timed out') });
    await exporter.shutdown();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('the timeout is a hard deadline: a collector trickling its answer cannot keep a request open', async () => {
    const timers = new Set<NodeJS.Timeout>();
    const server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200);
      const t = setInterval(() => res.write('.'), 20); // resets any idle timeout, never ends
      timers.add(t);
      res.on('close', () => clearInterval(t));
    });
    const port = await listen(server);
    defer(() => {
      for (const t of timers) clearInterval(t);
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    });
    const exporter = new JaegerExporter({ resource, endpoint: `http://127.0.0.1:${port}/api/traces`, reporter: { timeout: 300 } });
    defer(() => exporter.shutdown());
    await expect(exporter.export([makeSpan()])).rejects.toMatchObject({ retryable: true, message: expect.stringContaining('timed out after 300 ms') });
  });

  it('shutdown() ends a request the collector never answers, instead of waiting for its timeout', async () => {
    const sockets = new Set<import('node:net').Socket>();
    let arrived!: () => void;
    const reached = new Promise<void>((r) => (arrived = r));
    const server = http.createServer(() => arrived());
    server.on('connection', (s) => sockets.add(s));
    const port = await listen(server);
    defer(() => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    });
    const exporter = new JaegerExporter({ resource, endpoint: `http://127.0.0.1:${port}/api/traces`, reporter: { timeout: 60_000 } });
    const p = exporter.export([makeSpan()]).catch((e: ExportError) => e);
    await reached;
    await exporter.shutdown();
    // Settled by shutdown() itself (a 60 s timeout would fail the test's own 30 s limit).
    await expect(p).resolves.toMatchObject({ retryable: false, message: expect.stringContaining('abandoned at shutdown') });
  });

  it('honours Retry-After on 429 (retryAfterMs) and never quotes the answer body', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(429, { 'Retry-After': '7' });
      res.end(`too many requests, key=${'sEcReT-jaeger-pw'}`);
    });
    const port = await listen(server);
    defer(() => new Promise<void>((r) => server.close(() => r())));
    const exporter = new JaegerExporter({ resource, endpoint: `http://u:sEcReT-jaeger-pw@127.0.0.1:${port}/api/traces` });
    defer(() => exporter.shutdown());
    const err = (await exporter.export([makeSpan()]).catch((e: unknown) => e)) as ExportError & { retryAfterMs?: number };
    expect(err).toMatchObject({ retryable: true, retryAfterMs: 7000 });
    expect(err.message).not.toContain('sEcReT');
  });
});

describe('JaegerExporter over UDP (Thrift binary Agent::emitBatch)', () => {
  let agent: AgentStandIn;
  let exporter: JaegerExporter | undefined;
  beforeEach(async () => {
    agent = await startJaegerAgent();
  });
  afterEach(async () => {
    await exporter?.shutdown();
    exporter = undefined;
    await agent.stop();
  });

  it('delivers the same mapping through the agent', async () => {
    exporter = new JaegerExporter({ resource, endpoint: agent.endpoint });
    await exporter.export([richSpan()]);
    await agent.waitForSpans(1);
    expect(agent.decodeErrors).toEqual([]);
    assertRich(agent.spans[0]);
  });

  it('splits large batches so that no datagram exceeds 65,000 bytes', async () => {
    exporter = new JaegerExporter({ resource, endpoint: agent.endpoint });
    const blob = 'x'.repeat(6000);
    const spans = Array.from({ length: 60 }, (_, i) => makeSpan({ name: `big-${i}`, attributes: { blob, i } }));
    await exporter.export(spans);
    await agent.waitForSpans(60);
    expect(agent.decodeErrors).toEqual([]);
    expect(agent.datagramSizes.length).toBeGreaterThan(1);
    for (const size of agent.datagramSizes) expect(size).toBeLessThanOrEqual(65000);
    expect(agent.spans.map((s) => s.operationName)).toEqual(spans.map((s) => s.name));
    expect(agent.spans.every((s) => s.tags.blob === blob)).toBe(true);
  });

  it('honours a smaller maxPacketSize', async () => {
    exporter = new JaegerExporter({ resource, endpoint: agent.endpoint, maxPacketSize: 4000 });
    const spans = Array.from({ length: 20 }, (_, i) => makeSpan({ name: `s-${i}`, attributes: { pad: 'y'.repeat(500) } }));
    await exporter.export(spans);
    await agent.waitForSpans(20);
    expect(agent.datagramSizes.length).toBeGreaterThanOrEqual(3);
    for (const size of agent.datagramSizes) expect(size).toBeLessThanOrEqual(4000);
  });

  it('trims a single span too large for one datagram instead of losing it', async () => {
    const logger = recordingLogger();
    exporter = new JaegerExporter({ resource, endpoint: agent.endpoint, logger });
    const huge = makeSpan({
      name: 'huge',
      attributes: { payload: 'z'.repeat(100_000) },
      events: [{ name: 'e', timeUs: 1_700_000_000_123_500, attributes: { more: 'q'.repeat(10_000) } }],
    });
    await exporter.export([huge, makeSpan({ name: 'small' })]);
    await agent.waitForSpans(2);
    const got = agent.spans.find((s) => s.operationName === 'huge');
    expect(got?.tags['traceandtrace.truncated']).toBe(true);
    expect(String(got?.tags.payload)).toHaveLength(256);
    expect(got?.logs).toEqual([]);
    expect(exporter.oversizeDropped).toBe(0);
    for (const size of agent.datagramSizes) expect(size).toBeLessThanOrEqual(65000);
  });

  it('uses agentHost with port 6832 when no endpoint is given', () => {
    exporter = new JaegerExporter({ resource, agentHost: '127.0.0.1' });
    expect(exporter.target).toEqual({ protocol: 'udp', host: '127.0.0.1', port: 6832 });
  });

  it('warns once that 6831 is the compact port', () => {
    const logger = recordingLogger();
    exporter = new JaegerExporter({ resource, endpoint: 'udp://127.0.0.1:6831', logger });
    expect(logger.messages.filter((m) => m.includes('6831'))).toHaveLength(1);
  });
});

describe('JaegerExporter over HTTPS', () => {
  // A self-signed test certificate for 127.0.0.1 (test fixture only).
  const cert = fs.readFileSync(path.join(__dirname, 'tls', 'cert.pem'));
  const key = fs.readFileSync(path.join(__dirname, 'tls', 'key.pem'));

  it('trusts a custom CA (reporter.tls.ca) and refuses an unknown self-signed certificate', async () => {
    const collector = await startJaegerCollector({ tls: { key, cert } });
    defer(() => collector.stop());
    expect(collector.url.startsWith('https://')).toBe(true);
    const trusted = new JaegerExporter({ resource, endpoint: collector.url, reporter: { tls: { ca: cert } } });
    defer(() => trusted.shutdown());
    await trusted.export([makeSpan({ name: 'over-tls' })]);
    expect(collector.spans.map((s) => s.operationName)).toEqual(['over-tls']);
    const untrusted = new JaegerExporter({ resource, endpoint: collector.url });
    defer(() => untrusted.shutdown());
    await expect(untrusted.export([makeSpan()])).rejects.toMatchObject({ name: 'ExportError', retryable: false });
    expect(collector.spans).toHaveLength(1);
    await trusted.shutdown();
    await untrusted.shutdown();
    await collector.stop();
  });
});

describe('JaegerExporter with odd span data', () => {
  it('encodes hostile values without throwing (unicode, NaN, huge numbers, reversed times, bad ids)', async () => {
    const collector = await startJaegerCollector();
    const agent = await startJaegerAgent();
    const odd = [
      makeSpan({ name: '', attributes: { '': '', 'ünï€ødé': '𝄞 emoji 🚀', nan: NaN, inf: Infinity, big: 2 ** 63, neg: -5, mixed: ['a', 1, true] } }),
      makeSpan({ name: 'reversed', startTimeUs: 1_700_000_000_000_500, endTimeUs: 1_700_000_000_000_100 }),
      makeSpan({ name: 'bad ids', traceId: 'not-hex', spanId: 'zz', parentSpanId: '123' }),
      makeSpan({ name: 'fractional µs', startTimeUs: 1_700_000_000_000_000.25, endTimeUs: 1_700_000_000_000_010.75 }),
      makeSpan({ name: 'event with no attributes', events: [{ name: 'tick', timeUs: 1_700_000_000_000_001, attributes: {} }] }),
    ];
    try {
      for (const endpoint of [collector.url, agent.endpoint]) {
        const exporter = new JaegerExporter({ resource, endpoint });
        try {
          await expect(exporter.export(odd)).resolves.toBeUndefined();
        } finally {
          await exporter.shutdown();
        }
      }
      await agent.waitForSpans(odd.length);
      for (const spans of [collector.spans, agent.spans]) {
        expect(spans).toHaveLength(odd.length);
        expect(spans[0].tags['ünï€ødé']).toBe('𝄞 emoji 🚀');
        expect(spans[0].tags.mixed).toBe('["a",1,true]');
        expect(spans[1].duration).toBe(0);
        expect(spans[2].parentSpanId).toBe('0000000000000123');
        expect(spans[3].startTime).toBe(1_700_000_000_000_000);
        expect(spans[3].duration).toBe(11);
        expect(spans[4].logs[0].fields).toEqual({ event: 'tick' });
      }
    } finally {
      await collector.stop();
      await agent.stop();
    }
  });
});
