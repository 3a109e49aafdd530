/**
 * Discard receivers standing in for every collector the adapters talk to, on 127.0.0.1
 * ephemeral ports: they read each request fully, count spans' bytes and answer success in
 * the protocol's own terms, and decode nothing.
 *
 * - HTTP: `POST /api/traces` (Jaeger collector, Thrift) → 202; `POST /api/v2/spans` (Zipkin) → 202;
 *   `POST /v1/traces` (OTLP/HTTP) → 200 with an empty `ExportTraceServiceResponse`; anything else → 200.
 * - UDP: Jaeger agent datagrams, discarded.
 * - gRPC: SkyWalking `TraceSegmentReportService/collect` (client stream) and `collectInSync`,
 *   `ManagementService/reportInstanceProperties` and `keepAlive`, and OTLP
 *   `TraceService/Export` — each answered with an empty message.
 *
 * Run as its own process (`node dist/bench/receivers.js`), it prints
 * `{"http":PORT,"grpc":PORT,"udp":PORT}` on one stdout line and serves until stdin closes, so that the
 * receiving work runs on the other core, as a real collector would.
 *
 * @packageDocumentation
 */
import * as dgram from 'node:dgram';
import * as http from 'node:http';
import * as grpc from '@grpc/grpc-js';

/** Ports of running receivers. */
export interface ReceiverPorts {
  http: number;
  grpc: number;
  /** UDP port standing in for a Jaeger agent (`emitBatch` datagrams, discarded). */
  udp: number;
}

const raw = {
  requestSerialize: (b: Buffer): Buffer => b,
  requestDeserialize: (b: Buffer): Buffer => b,
  responseSerialize: (b: Buffer): Buffer => b,
  responseDeserialize: (b: Buffer): Buffer => b,
};
const EMPTY = Buffer.alloc(0);

/** Counters of what the receivers got. */
export const received = { requests: 0, bytes: 0 };

/**
 * Start both receivers in this process.
 *
 * @example
 * ```ts
 * const { ports, close } = await startReceivers();
 * ```
 */
export async function startReceivers(): Promise<{ ports: ReceiverPorts; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.on('data', (chunk: Buffer) => {
      received.bytes += chunk.length;
    });
    req.on('end', () => {
      received.requests++;
      const url = req.url ?? '';
      if (url.startsWith('/v1/traces')) {
        res.writeHead(200, { 'content-type': req.headers['content-type'] === 'application/json' ? 'application/json' : 'application/x-protobuf' });
        res.end(req.headers['content-type'] === 'application/json' ? '{}' : EMPTY);
      } else if (url.startsWith('/api/')) {
        res.writeHead(202);
        res.end();
      } else {
        res.writeHead(200);
        res.end();
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const httpPort = (server.address() as { port: number }).port;

  const g = new grpc.Server();
  const unary = (path: string): grpc.MethodDefinition<Buffer, Buffer> => ({ path, requestStream: false, responseStream: false, ...raw });
  const count = (b: Buffer): void => {
    received.bytes += b.length;
  };
  const answer: grpc.handleUnaryCall<Buffer, Buffer> = (call, cb) => {
    count(call.request);
    received.requests++;
    cb(null, EMPTY);
  };
  g.addService(
    {
      collect: { path: '/skywalking.v3.TraceSegmentReportService/collect', requestStream: true, responseStream: false, ...raw },
      collectInSync: unary('/skywalking.v3.TraceSegmentReportService/collectInSync'),
    },
    {
      collect: ((call: grpc.ServerReadableStream<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        call.on('data', count);
        call.on('end', () => {
          received.requests++;
          cb(null, EMPTY);
        });
      }) as grpc.handleClientStreamingCall<Buffer, Buffer>,
      collectInSync: answer,
    },
  );
  g.addService(
    {
      reportInstanceProperties: unary('/skywalking.v3.ManagementService/reportInstanceProperties'),
      keepAlive: unary('/skywalking.v3.ManagementService/keepAlive'),
    },
    { reportInstanceProperties: answer, keepAlive: answer },
  );
  g.addService({ Export: unary('/opentelemetry.proto.collector.trace.v1.TraceService/Export') }, { Export: answer });
  const grpcPort = await new Promise<number>((resolve, reject) =>
    g.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
  );
  const udp = dgram.createSocket('udp4');
  udp.on('message', (msg: Buffer) => {
    received.requests++;
    received.bytes += msg.length;
  });
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
  const udpPort = udp.address().port;
  return {
    ports: { http: httpPort, grpc: grpcPort, udp: udpPort },
    async close(): Promise<void> {
      udp.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => g.tryShutdown(() => resolve()));
    },
  };
}

if (require.main === module) {
  startReceivers().then(
    ({ ports, close }) => {
      process.stdout.write(JSON.stringify(ports) + '\n');
      process.stdin.resume();
      process.stdin.on('end', () => {
        void close().then(() => process.exit(0));
      });
      process.on('SIGTERM', () => process.exit(0));
    },
    (err: unknown) => {
      process.stderr.write(`receivers failed: ${String(err)}\n`);
      process.exit(1);
    },
  );
}
