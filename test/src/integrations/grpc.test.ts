import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { addRpcClientTracing, addRpcServerTracing, createTracer, currentSpan, MemoryExporter, type FinishedSpan, type Tracer } from '../../../src';

interface Msg { text: string }
type EchoClient = grpc.Client & {
  Unary(m: Msg, md: grpc.Metadata, cb: (e: grpc.ServiceError | null, r: Msg) => void): void;
  ServerStream(m: Msg, md: grpc.Metadata): grpc.ClientReadableStream<Msg>;
  ClientStream(md: grpc.Metadata, cb: (e: grpc.ServiceError | null, r: Msg) => void): grpc.ClientWritableStream<Msg>;
  Bidi(md: grpc.Metadata): grpc.ClientDuplexStream<Msg, Msg>;
};

const def = protoLoader.loadSync(path.join(__dirname, '../../fixtures/echo.proto'));
const Echo = (grpc.loadPackageDefinition(def) as unknown as { test: { echo: { Echo: grpc.ServiceClientConstructor } } }).test.echo.Echo;

async function spansOf(t: Tracer): Promise<FinishedSpan[]> {
  await t.flush();
  return (t.exporter as MemoryExporter).getFinishedSpans();
}

describe('gRPC integration', () => {
  const serverTracer = createTracer({ serviceName: 'echo-server', backend: 'memory', recordCaller: false });
  const clientTracer = createTracer({ serviceName: 'echo-client', backend: 'memory', recordCaller: false });
  let server: grpc.Server;
  let client: EchoClient;
  const seen: Array<{ method: string; custom: unknown; activeTrace: string | undefined }> = [];
  /** The active trace in the streaming handlers' message listeners. */
  const inData: Array<string | undefined> = [];

  beforeAll(async () => {
    server = new grpc.Server(addRpcServerTracing('echo', { tracer: serverTracer }).options);
    const note = (method: string, md: grpc.Metadata): void => void seen.push({ method, custom: md.get('x-custom')[0], activeTrace: currentSpan()?.traceId });
    server.addService(Echo.service, {
      Unary: (call: grpc.ServerUnaryCall<Msg, Msg>, cb: grpc.sendUnaryData<Msg>) => {
        note('Unary', call.metadata);
        setTimeout(() => {
          if (call.request.text === 'fail') cb({ code: grpc.status.FAILED_PRECONDITION, details: 'nope' });
          else cb(null, { text: `${call.request.text}|${currentSpan()?.name}` });
        }, 1);
      },
      ServerStream: (call: grpc.ServerWritableStream<Msg, Msg>) => {
        note('ServerStream', call.metadata);
        call.write({ text: 'a' });
        call.write({ text: 'b' });
        call.end();
      },
      ClientStream: (call: grpc.ServerReadableStream<Msg, Msg>, cb: grpc.sendUnaryData<Msg>) => {
        note('ClientStream', call.metadata);
        const parts: string[] = [];
        call.on('data', (m: Msg) => {
          inData.push(currentSpan()?.traceId);
          parts.push(m.text);
        });
        call.on('end', () => cb(null, { text: parts.join('') }));
      },
      Bidi: (call: grpc.ServerDuplexStream<Msg, Msg>) => {
        note('Bidi', call.metadata);
        call.on('data', (m: Msg) => {
          inData.push(currentSpan()?.traceId);
          call.write({ text: m.text.toUpperCase() });
        });
        call.on('end', () => call.end());
      },
    });
    const port = await new Promise<number>((res, rej) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
    client = new Echo(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), addRpcClientTracing('echo', { tracer: clientTracer, peer: `127.0.0.1:${port}` }).options) as unknown as EchoClient;
  });

  afterAll(async () => {
    client.close();
    await new Promise<void>((r) => server.tryShutdown(() => r()));
    await serverTracer.shutdown();
    await clientTracer.shutdown();
  });

  const md = (): grpc.Metadata => {
    const m = new grpc.Metadata();
    m.set('x-custom', 'kept');
    return m;
  };

  it('traces all four call kinds, keeps caller metadata, and links server to client spans', async () => {
    const root = clientTracer.startSpan('root', { parent: null });
    await clientTracer.withSpan(root, async () => {
      const unary = await new Promise<Msg>((res, rej) => client.Unary({ text: 'hi' }, md(), (e, r) => (e ? rej(e) : res(r))));
      expect(unary.text).toBe('hi|test.echo.Echo/Unary'); // the server span is active in the handler, across a timer
      const streamed: string[] = [];
      await new Promise<void>((res, rej) => {
        const s = client.ServerStream({ text: 'x' }, md());
        s.on('data', (m: Msg) => streamed.push(m.text));
        s.on('end', res);
        s.on('error', rej);
      });
      expect(streamed).toEqual(['a', 'b']);
      const joined = await new Promise<Msg>((res, rej) => {
        const s = client.ClientStream(md(), (e, r) => (e ? rej(e) : res(r)));
        s.write({ text: 'p' });
        s.write({ text: 'q' });
        s.end();
      });
      expect(joined.text).toBe('pq');
      const echoed: string[] = [];
      await new Promise<void>((res, rej) => {
        const s = client.Bidi(md());
        s.on('data', (m: Msg) => echoed.push(m.text));
        s.on('end', res);
        s.on('error', rej);
        s.write({ text: 'up' });
        s.end();
      });
      expect(echoed).toEqual(['UP']);
    });
    root.end();
    const serverSpans = await spansOf(serverTracer);
    const clientSpans = (await spansOf(clientTracer)).filter((s) => s.kind === 'exit');
    expect(clientSpans.map((s) => s.name).sort()).toEqual(['test.echo.Echo/Bidi', 'test.echo.Echo/ClientStream', 'test.echo.Echo/ServerStream', 'test.echo.Echo/Unary']);
    expect(serverSpans).toHaveLength(4);
    for (const s of serverSpans) {
      const c = clientSpans.find((x) => x.name === s.name)!;
      expect(s.kind).toBe('entry');
      expect(s.traceId).toBe(root.traceId);
      expect(s.parentSpanId).toBe(c.spanId);
      expect(c.parentSpanId).toBe(root.spanId);
      expect(s.attributes).toMatchObject({ 'rpc.system': 'grpc', 'rpc.service': 'test.echo.Echo', 'rpc.grpc.status_code': 0 });
      expect(c.attributes).toMatchObject({ 'rpc.system': 'grpc', 'rpc.method': s.name.split('/')[1], 'rpc.grpc.status_code': 0 });
      expect(c.peer?.port).toBeGreaterThan(0);
      // the caller's address from grpc-js's 'ipv4:127.0.0.1:port', the same for every call on its connection
      expect(s.peer).toEqual({ host: '127.0.0.1', port: serverSpans[0]!.peer?.port });
      expect(s.peer?.port).toBeGreaterThan(0);
      expect(s.layer).toBe('rpc');
      expect(s.component).toBe('grpc');
    }
    for (const entry of seen) {
      expect(entry.custom).toBe('kept');
      expect(entry.activeTrace).toBe(root.traceId);
    }
    // client/bidi streaming: each incoming message is handled inside the server span too
    expect(inData).toEqual([root.traceId, root.traceId, root.traceId]);
  });

  it('a non-OK status marks both sides as errors', async () => {
    (serverTracer.exporter as MemoryExporter).reset();
    (clientTracer.exporter as MemoryExporter).reset();
    await expect(new Promise((res, rej) => client.Unary({ text: 'fail' }, md(), (e, r) => (e ? rej(e) : res(r))))).rejects.toMatchObject({ code: grpc.status.FAILED_PRECONDITION });
    const [s] = await spansOf(serverTracer);
    const [c] = await spansOf(clientTracer);
    expect(s.status).toEqual({ code: 'error', message: 'nope' });
    expect(c.status.code).toBe('error');
    expect(c.attributes['rpc.grpc.status_code']).toBe(grpc.status.FAILED_PRECONDITION);
  });
});

describe('gRPC integration: span tags and the configured limits', () => {
  it('honours redact and the tag limits on both sides (and tags fully without them)', async () => {
    const configs: Array<Record<string, unknown>> = [{}, { redact: ['rpc.method', 'peer.service'] }, { limits: { maxAttributes: 2 } }, { limits: { maxAttributeValueLength: 4 } }];
    const seen: Array<{ server: FinishedSpan; client: FinishedSpan }> = [];
    for (const extra of configs) {
      const t = createTracer({ serviceName: 'echo', backend: 'memory', recordCaller: false, ...extra });
      const server = new grpc.Server(addRpcServerTracing('echo', { tracer: t }).options);
      server.addService(Echo.service, { Unary: (call: grpc.ServerUnaryCall<Msg, Msg>, cb: grpc.sendUnaryData<Msg>) => cb(null, { text: call.request.text }) });
      const port = await new Promise<number>((res, rej) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
      const client = new Echo(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), addRpcClientTracing('echo-svc', { tracer: t }).options) as unknown as EchoClient;
      await new Promise<Msg>((res, rej) => client.Unary({ text: 'x' }, new grpc.Metadata(), (e, r) => (e ? rej(e) : res(r))));
      const spans = await spansOf(t);
      seen.push({ server: spans.find((s) => s.kind === 'entry')!, client: spans.find((s) => s.kind === 'exit')! });
      client.close();
      await new Promise<void>((r) => server.tryShutdown(() => r()));
      await t.shutdown();
    }
    const [plain, redacted, few, short] = seen;
    expect(plain!.server.attributes).toEqual({ 'rpc.system': 'grpc', 'rpc.service': 'test.echo.Echo', 'rpc.method': 'Unary', 'rpc.grpc.status_code': 0 });
    expect(plain!.client.attributes).toEqual({ 'rpc.system': 'grpc', 'rpc.service': 'test.echo.Echo', 'rpc.method': 'Unary', 'peer.service': 'echo-svc', 'rpc.grpc.status_code': 0 });
    for (const sp of [redacted!.server, redacted!.client]) expect(sp.attributes['rpc.method']).toBe('[REDACTED]');
    expect(redacted!.client.attributes['peer.service']).toBe('[REDACTED]');
    for (const sp of [few!.server, few!.client]) expect(Object.keys(sp.attributes)).toHaveLength(2);
    for (const sp of [short!.server, short!.client]) expect(sp.attributes['rpc.service']).toBe('test');
  });
});

describe('gRPC integration: the client call among other interceptors, cancelled and past its deadline', () => {
  const tracer = createTracer({ serviceName: 'chain-client', backend: 'memory', recordCaller: false });
  let server: grpc.Server;
  let address = '';
  const serverSaw: Array<{ traceparent: unknown; user: unknown }> = [];

  /** A user's interceptor in grpc-js's Requester style: adds metadata, records what its listener sees. */
  const userInterceptor = (log: string[]): grpc.Interceptor => (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set('x-user', 'u1');
        log.push(`start:${metadata.get('traceparent').length}`);
        next(metadata, {
          onReceiveMetadata(md, nextMd) {
            log.push('metadata');
            nextMd(md);
          },
          onReceiveMessage(message, nextMsg) {
            log.push('message');
            nextMsg(message);
          },
          onReceiveStatus(status, nextStatus) {
            log.push(`status:${status.code}`);
            nextStatus(status);
          },
        });
      },
    });

  beforeAll(async () => {
    server = new grpc.Server();
    server.addService(Echo.service, {
      Unary: (call: grpc.ServerUnaryCall<Msg, Msg>, cb: grpc.sendUnaryData<Msg>) => {
        serverSaw.push({ traceparent: call.metadata.get('traceparent')[0], user: call.metadata.get('x-user')[0] });
        setTimeout(() => cb(null, { text: call.request.text }), call.request.text === 'slow' ? 300 : 0);
      },
      ServerStream: (call: grpc.ServerWritableStream<Msg, Msg>) => {
        call.write({ text: 'first' });
        // never ends on its own: the client cancels
      },
      ClientStream: (call: grpc.ServerReadableStream<Msg, Msg>, cb: grpc.sendUnaryData<Msg>) => {
        const parts: string[] = [];
        call.on('data', (m: Msg) => parts.push(m.text));
        call.on('end', () => cb(null, { text: parts.join('') }));
      },
      Bidi: (call: grpc.ServerDuplexStream<Msg, Msg>) => call.end(),
    });
    const port = await new Promise<number>((res, rej) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
    address = `127.0.0.1:${port}`;
  });

  afterAll(async () => {
    server.forceShutdown();
    await tracer.shutdown();
  });

  const exits = async (): Promise<FinishedSpan[]> => (await spansOf(tracer)).filter((s) => s.kind === 'exit');
  const unary = (c: EchoClient, text: string, options: grpc.CallOptions = {}): Promise<Msg> =>
    new Promise((res, rej) =>
      (c as unknown as { Unary(m: Msg, md: grpc.Metadata, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: Msg) => void): void }).Unary(
        { text },
        new grpc.Metadata(),
        options,
        (e, r) => (e ? rej(e) : res(r)),
      ),
    );

  it.each([
    ['before ours', (log: string[]) => [userInterceptor(log), addRpcClientTracing('echo', { tracer, peer: address }).interceptors[0]!]],
    ['after ours', (log: string[]) => [addRpcClientTracing('echo', { tracer, peer: address }).interceptors[0]!, userInterceptor(log)]],
  ])('a user interceptor %s sees the call as usual and the server gets both its metadata and ours', async (_label, make) => {
    (tracer.exporter as MemoryExporter).reset();
    serverSaw.length = 0;
    const log: string[] = [];
    const c = new Echo(address, grpc.credentials.createInsecure(), { interceptors: make(log) }) as unknown as EchoClient;
    try {
      expect((await unary(c, 'hello')).text).toBe('hello');
    } finally {
      c.close();
    }
    // the user's listener saw metadata, the message and the status, in order
    expect(log.slice(1)).toEqual(['metadata', 'message', 'status:0']);
    const [span] = await exits();
    expect(span!.attributes['rpc.grpc.status_code']).toBe(0);
    expect(serverSaw).toEqual([{ traceparent: `00-${span!.traceId}-${span!.spanId}-01`, user: 'u1' }]);
  });

  /** A user's interceptor whose `start` hands the metadata on a turn of the event loop later. */
  const slowStart: grpc.Interceptor = (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        setImmediate(() => next(metadata, listener));
      },
    });

  it.each([
    ['before ours', () => [slowStart, addRpcClientTracing('echo', { tracer, peer: address }).interceptors[0]!]],
    ['after ours', () => [addRpcClientTracing('echo', { tracer, peer: address }).interceptors[0]!, slowStart]],
  ])('a client stream written at once through an asynchronous user interceptor %s arrives whole and in order', async (_label, make) => {
    await tracer.flush();
    (tracer.exporter as MemoryExporter).reset();
    const c = new Echo(address, grpc.credentials.createInsecure(), { interceptors: make() }) as unknown as EchoClient;
    try {
      const joined = await new Promise<Msg>((res, rej) => {
        const s = c.ClientStream(new grpc.Metadata(), (e, r) => (e ? rej(e) : res(r)));
        for (const text of ['a', 'b', 'c', 'd']) s.write({ text });
        s.end();
      });
      expect(joined.text).toBe('abcd');
    } finally {
      c.close();
    }
    const spans = await exits();
    expect(spans.map((s) => [s.name, s.status.code, s.attributes['rpc.grpc.status_code']])).toEqual([['test.echo.Echo/ClientStream', 'unset', 0]]);
  });

  it('a cancelled stream and a missed deadline end the exit span once, as errors, and reach the caller', async () => {
    (tracer.exporter as MemoryExporter).reset();
    const c = new Echo(address, grpc.credentials.createInsecure(), addRpcClientTracing('echo', { tracer, peer: address }).options) as unknown as EchoClient;
    try {
      const cancelled = await new Promise<{ first: string; code: number }>((res) => {
        const s = c.ServerStream({ text: 'x' }, new grpc.Metadata());
        let first = '';
        s.on('data', (m: Msg) => {
          first = m.text;
          s.cancel();
        });
        s.on('error', (e: grpc.ServiceError) => res({ first, code: e.code }));
      });
      expect(cancelled).toEqual({ first: 'first', code: grpc.status.CANCELLED });
      await expect(unary(c, 'slow', { deadline: Date.now() + 50 })).rejects.toMatchObject({ code: grpc.status.DEADLINE_EXCEEDED });
    } finally {
      c.close();
    }
    const spans = await exits();
    expect(spans.map((s) => [s.name, s.status.code, s.attributes['rpc.grpc.status_code']]).sort()).toEqual([
      ['test.echo.Echo/ServerStream', 'error', grpc.status.CANCELLED],
      ['test.echo.Echo/Unary', 'error', grpc.status.DEADLINE_EXCEEDED],
    ]);
  });
});

describe('gRPC integration: the server call among other interceptors, and cancelled by the client', () => {
  const tracer = createTracer({ serviceName: 'chain-server', backend: 'memory', recordCaller: false });
  const servers: grpc.Server[] = [];
  const clients: grpc.Client[] = [];

  /**
   * A user's server interceptor in grpc-js's builder style: holds the incoming metadata back
   * for a turn of the event loop (so grpc-js must hold the message and half-close behind it),
   * adds response metadata, and logs each step it sees.
   */
  const userInterceptor = (log: string[]): grpc.ServerInterceptor => (_method, call) =>
    new grpc.ServerInterceptingCall(call, {
      start(next) {
        next(
          new grpc.ServerListenerBuilder()
            .withOnReceiveMetadata((metadata, nextMd) => {
              log.push(`metadata:${metadata.get('traceparent').length}`);
              setImmediate(() => nextMd(metadata));
            })
            .withOnReceiveMessage((message, nextMsg) => {
              log.push('message');
              nextMsg(message);
            })
            .withOnReceiveHalfClose((nextHc) => {
              log.push('halfClose');
              nextHc();
            })
            .withOnCancel(() => log.push('cancel'))
            .build(),
        );
      },
      sendMetadata(metadata, next) {
        metadata.set('x-server-user', 's1');
        next(metadata);
      },
      sendStatus(status, next) {
        log.push(`status:${status.code}`);
        next(status);
      },
    });

  let cancelled: () => void = () => undefined;
  const start = async (interceptors: grpc.ServerInterceptor[]): Promise<EchoClient> => {
    const server = new grpc.Server({ interceptors });
    servers.push(server);
    server.addService(Echo.service, {
      Unary: (call: grpc.ServerUnaryCall<Msg, Msg>, cb: grpc.sendUnaryData<Msg>) => {
        call.sendMetadata(new grpc.Metadata());
        cb(null, { text: `${call.request.text}|${currentSpan()?.name}` });
      },
      ServerStream: (call: grpc.ServerWritableStream<Msg, Msg>) => {
        call.on('cancelled', () => cancelled());
        call.write({ text: 'first' }); // never ends on its own: the client cancels
      },
      ClientStream: (_call: grpc.ServerReadableStream<Msg, Msg>, cb: grpc.sendUnaryData<Msg>) => cb(null, { text: '' }),
      Bidi: (call: grpc.ServerDuplexStream<Msg, Msg>) => call.end(),
    });
    const port = await new Promise<number>((res, rej) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
    const client = new Echo(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as EchoClient;
    clients.push(client);
    return client;
  };

  afterAll(async () => {
    for (const c of clients) c.close();
    for (const s of servers) s.forceShutdown();
    await tracer.shutdown();
  });

  it.each([
    ['before ours', (log: string[]) => [userInterceptor(log), addRpcServerTracing('echo', { tracer }).interceptors[0]!]],
    ['after ours', (log: string[]) => [addRpcServerTracing('echo', { tracer }).interceptors[0]!, userInterceptor(log)]],
  ])('a user interceptor %s sees every step in order, and the handler runs in the entry span', async (_label, make) => {
    await tracer.flush();
    (tracer.exporter as MemoryExporter).reset();
    const log: string[] = [];
    const client = await start(make(log));
    const caller = new grpc.Metadata();
    caller.set('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    let responseMd: grpc.Metadata | undefined;
    const reply = await new Promise<Msg>((res, rej) => {
      const call = (client as unknown as { Unary(m: Msg, md: grpc.Metadata, cb: (e: grpc.ServiceError | null, r: Msg) => void): grpc.ClientUnaryCall }).Unary(
        { text: 'hi' },
        caller,
        (e, r) => (e ? rej(e) : res(r)),
      );
      call.on('metadata', (m: grpc.Metadata) => (responseMd = m));
    });
    expect(reply.text).toBe('hi|test.echo.Echo/Unary');
    // (grpc-js also reports a cancel when the stream closes after the status: not asserted)
    expect(log.slice(0, 4)).toEqual(['metadata:1', 'message', 'halfClose', 'status:0']);
    expect(responseMd?.get('x-server-user')).toEqual(['s1']);
    const spans = await spansOf(tracer);
    expect(spans.map((s) => [s.kind, s.traceId, s.parentSpanId, s.status.code, s.attributes['rpc.grpc.status_code']])).toEqual([
      ['entry', '0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', 'unset', 0],
    ]);
  });

  it('a call the client cancels ends the entry span once, as an error, and the handler still hears of it', async () => {
    await tracer.flush();
    (tracer.exporter as MemoryExporter).reset();
    const client = await start(addRpcServerTracing('echo', { tracer }).interceptors);
    const heard = new Promise<void>((res) => (cancelled = res));
    const first = await new Promise<string>((res, rej) => {
      const s = client.ServerStream({ text: 'x' }, new grpc.Metadata());
      s.on('data', (m: Msg) => {
        s.cancel();
        res(m.text);
      });
      s.on('error', (e: grpc.ServiceError) => (e.code === grpc.status.CANCELLED ? undefined : rej(e)));
    });
    expect(first).toBe('first');
    await heard;
    const spans = await spansOf(tracer);
    expect(spans.map((s) => [s.name, s.status.code, s.status.message, s.attributes['rpc.grpc.status_code']])).toEqual([
      ['test.echo.Echo/ServerStream', 'error', 'cancelled by the client', grpc.status.CANCELLED],
    ]);
  });
});

describe('addRpcClientTracing and addRpcServerTracing with a gRPC module of their own', () => {
  it('says at set-up which option is wrong when the module has no InterceptingCall', () => {
    const tracer = createTracer({ serviceName: 'x', backend: 'memory' });
    expect(() => addRpcClientTracing('svc', { tracer, grpc: {} as typeof grpc })).toThrow(/options\.grpc.*InterceptingCall/);
    // the real module, passed explicitly, works
    const a = addRpcClientTracing('svc', { tracer, grpc });
    const b = addRpcClientTracing('svc', { tracer, grpc });
    expect(a.interceptors).toHaveLength(1);
    expect(b.interceptors).toHaveLength(1);
    return tracer.shutdown();
  });

  it('addRpcServerTracing says at set-up which option is wrong when the module has no ServerInterceptingCall', () => {
    const tracer = createTracer({ serviceName: 'x', backend: 'memory' });
    expect(() => addRpcServerTracing('svc', { tracer, grpc: {} as typeof grpc })).toThrow(/options\.grpc.*ServerInterceptingCall/);
    expect(addRpcServerTracing('svc', { tracer, grpc }).interceptors).toHaveLength(1);
    return tracer.shutdown();
  });
});
