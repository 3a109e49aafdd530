import * as http from 'node:http';
import { jaegerExportCase, skywalkingExportCase, zipkinExportCase, type ExportCase } from '../../../bench/incumbents/exporters';
import { received, startReceivers, type ReceiverPorts } from '../../../bench/receivers';

/**
 * Section 5's incumbents deliver every span of a round to the discard receivers, through the
 * vendor clients' own senders, and a round fails when the collector refuses them.
 * 3 traces × 100 spans: more than one jaeger-client HTTP batch (100), one zipkin batch (512);
 * over UDP 10 traces, more than one datagram of Thrift.
 */
const PARENTS = 3;
const CHILDREN = 99;

let ports: ReceiverPorts;
let closeReceivers: () => Promise<void>;

beforeAll(async () => {
  const r = await startReceivers();
  ports = r.ports;
  closeReceivers = r.close;
});

afterAll(async () => {
  await closeReceivers();
});

/** Two rounds; what reached the receivers meanwhile. */
async function twoRounds(c: ExportCase): Promise<{ requests: number; bytes: number }> {
  const before = { ...received };
  try {
    for (let i = 0; i < 2; i++) {
      const r = await c.round();
      expect(r.spansPerSec).toBeGreaterThan(0);
      expect(Number.isFinite(r.spansPerSec)).toBe(true);
    }
  } finally {
    await c.close();
  }
  // let the last datagrams / bodies be read
  await new Promise((resolve) => setTimeout(resolve, 100));
  return { requests: received.requests - before.requests, bytes: received.bytes - before.bytes };
}

test('jaeger-client over HTTP: every batch of 100 spans is POSTed and acknowledged', async () => {
  const got = await twoRounds(jaegerExportCase({ http: `http://127.0.0.1:${ports.http}/api/traces` }, PARENTS, CHILDREN));
  expect(got.requests).toBe(6); // 300 spans a round, 100 a batch
  expect(got.bytes).toBeGreaterThan(2 * 300 * 100);
});

test('jaeger-client over UDP: several datagrams a round, none past 65,000 bytes (EMSGSIZE fails it), all acknowledged', async () => {
  // 1,000 spans a round, ~97 B of Thrift each: 2,000 spans fill three datagrams (UDP may drop
  // one on a busy machine: the round itself counts what the sender had acknowledged)
  const got = await twoRounds(jaegerExportCase({ udp: ports.udp }, 10, CHILDREN));
  expect(got.requests).toBeGreaterThanOrEqual(2);
  expect(got.bytes / got.requests).toBeLessThanOrEqual(65_000);
  expect(got.bytes).toBeGreaterThan(100_000);
});

test('zipkin-js: one JSON v2 body per round of 300 spans, answered 202', async () => {
  const got = await twoRounds(zipkinExportCase(`http://127.0.0.1:${ports.http}/api/v2/spans`, PARENTS, CHILDREN));
  expect(got.requests).toBe(2);
  expect(got.bytes).toBeGreaterThan(2 * 300 * 100);
});

test('SkyWalking agent: one collect stream per round with a segment per trace', async () => {
  const got = await twoRounds(await skywalkingExportCase(`127.0.0.1:${ports.grpc}`, PARENTS, CHILDREN));
  expect(got.requests).toBe(2);
  expect(got.bytes).toBeGreaterThan(2 * 300 * 50);
});

describe('a collector answering 500', () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(500);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('fails a jaeger-client round', async () => {
    const c = jaegerExportCase({ http: `http://127.0.0.1:${port}/api/traces` }, PARENTS, CHILDREN);
    await expect(c.round()).rejects.toThrow(/500/);
    await c.close();
  });

  test('fails a zipkin-js round', async () => {
    const c = zipkinExportCase(`http://127.0.0.1:${port}/api/v2/spans`, PARENTS, CHILDREN);
    await expect(c.round()).rejects.toThrow(/500/);
    await c.close();
  });
});
