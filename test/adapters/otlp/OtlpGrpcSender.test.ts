import * as grpc from '@grpc/grpc-js';
import { secretVariants } from '../../../src';
import { OtlpGrpcSender } from '../../../adapters/otlp/OtlpGrpcSender';

/** A TraceService/Export server whose handler the test decides (raw bytes in and out). */
async function startServer(handler: grpc.handleUnaryCall<Buffer, Buffer>): Promise<{ address: string; stop(): Promise<void> }> {
  const server = new grpc.Server();
  const id = (b: Buffer): Buffer => b;
  server.addService(
    { export: { path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export', requestStream: false, responseStream: false, requestSerialize: id, requestDeserialize: id, responseSerialize: id, responseDeserialize: id } },
    { export: handler },
  );
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return { address: `127.0.0.1:${port}`, stop: async () => server.forceShutdown() };
}

const SECRET = 'sEcReT-grpc-token-1234';

function sender(address: string, timeoutMs = 10_000): OtlpGrpcSender {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${SECRET}`);
  return new OtlpGrpcSender({
    address,
    credentials: grpc.credentials.createInsecure(),
    metadata,
    timeoutMs,
    gzip: false,
    userAgent: 'test',
    secrets: secretVariants({ authorization: `Bearer ${SECRET}` }),
    makeError: (m, r, code) => Object.assign(new Error(m), { retryable: r, code }),
  });
}

describe('OtlpGrpcSender', () => {
  it('resolves on OK and sends the bytes and metadata as given', async () => {
    let got: { body: string; auth: unknown } | undefined;
    const s = await startServer((call, cb) => {
      got = { body: call.request.toString(), auth: call.metadata.get('authorization')[0] };
      cb(null, Buffer.alloc(0));
    });
    const x = sender(s.address);
    await x.send(Buffer.from('payload'));
    expect(got).toEqual({ body: 'payload', auth: `Bearer ${SECRET}` });
    x.close();
    await s.stop();
  });

  it('quotes no secret from status details, and turns grpc-retry-pushback-ms into retryAfterMs', async () => {
    const s = await startServer((call, cb) => {
      const trailer = new grpc.Metadata();
      trailer.set('grpc-retry-pushback-ms', '1500');
      cb({ code: grpc.status.RESOURCE_EXHAUSTED, details: `slow down, ${JSON.stringify(call.metadata.getMap())}`, metadata: trailer });
    });
    const x = sender(s.address);
    const err = (await x.send(Buffer.from('p')).catch((e: unknown) => e)) as Error & { retryable: boolean; retryAfterMs?: number };
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBe(1500);
    expect(err.message).toContain('RESOURCE_EXHAUSTED: slow down');
    expect(err.message).not.toContain(SECRET);
    expect(err.message).not.toContain('grpc-token');
    x.close();
    await s.stop();
  });

  it('close() cancels a call the receiver never answers: send() rejects at once, not after its deadline', async () => {
    const s = await startServer(() => undefined); // never answers
    const x = sender(s.address, 60_000);
    const p = x.send(Buffer.from('p')).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 200)); // the call reached the server
    x.close();
    const err = (await p) as Error & { retryable: boolean };
    expect(err.message).toMatch(/abandoned at shutdown/);
    expect(err.retryable).toBe(false);
    await expect(x.send(Buffer.from('p'))).rejects.toMatchObject({ retryable: false });
    await s.stop();
  });
});
