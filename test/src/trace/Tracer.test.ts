import { ConfigError, createTracer, currentSpan, MemoryExporter, type SpanContext, type Tracer } from '../../../src';

function tracer(extra: Record<string, unknown> = {}): Tracer {
  return createTracer({ serviceName: 'svc', backend: 'memory', recordCaller: false, ...extra });
}

describe('Tracer', () => {
  afterEach(() => jest.restoreAllMocks());

  it('injectSpan writes exactly what inject(span.context()) writes, for every format set (sw8 data only built when sw8 is injected)', () => {
    const formats = [undefined, ['w3c'], ['b3', 'b3multi', 'jaeger'], ['sw8'], ['w3c', 'sw8', 'jaeger']];
    for (const propagation of formats) {
      const t = tracer(propagation ? { propagation } : {});
      const parent: SpanContext = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', sampled: true, debug: false, baggage: { user: 'ann' }, traceState: 'vendor=x', isRemote: true };
      const entry = t.startSpan('GET /in', { kind: 'entry', parent });
      const exit = t.startSpan('GET /out', { kind: 'exit', parent: entry, peer: '10.0.0.9:8080' });
      const viaContext: Record<string, string> = {};
      const viaSpan: Record<string, string> = {};
      t.inject(exit.context(), viaContext);
      t.injectSpan(exit, viaSpan);
      expect(viaSpan).toEqual(viaContext);
      expect(Object.keys(viaSpan).length).toBeGreaterThan(0);
      if (propagation?.includes('sw8')) expect(viaSpan.sw8).toContain(Buffer.from('10.0.0.9:8080').toString('base64'));
      else expect(viaSpan.sw8).toBeUndefined();
      if (!propagation || propagation.includes('w3c')) expect(viaSpan.tracestate).toBe('vendor=x');
      void t.shutdown();
    }
    // never throws, whatever it is given
    const t = tracer();
    expect(() => t.injectSpan(null as never, {})).not.toThrow();
    expect(() => t.injectSpan(t.startSpan('x'), null as never)).not.toThrow();
    void t.shutdown();
  });

  it('process tags: kept as given, a secret among them redacted like a span tag', () => {
    const t = tracer({ tags: { region: 'eu', 'db.password': 'hunter2', Authorization: 'Basic x', __proto__: 'p' } as Record<string, string> });
    expect(t.resource.attributes).toEqual({ region: 'eu', 'db.password': '[REDACTED]', Authorization: '[REDACTED]' });
    expect(JSON.stringify(t.resource)).not.toContain('hunter2');
    void t.shutdown();
  });

  it('makes children of the active span and roots without one', async () => {
    const t = tracer();
    const root = t.startSpan('root', { kind: 'entry' });
    expect(root.parentSpanId).toBeUndefined();
    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root.spanId).toMatch(/^[0-9a-f]{16}$/);
    await t.withSpan(root, async () => {
      await new Promise((r) => setTimeout(r, 1));
      const child = t.createLocalSpan('child');
      expect(child.traceId).toBe(root.traceId);
      expect(child.parentSpanId).toBe(root.spanId);
      expect(child.segmentSpanIndex).toBe(1);
      expect(child.segmentParentIndex).toBe(0);
      expect(child.segmentId).toBe(root.segmentId);
      child.end();
      const explicitRoot = t.startSpan('new-root', { parent: null });
      expect(explicitRoot.traceId).not.toBe(root.traceId);
      explicitRoot.end();
    });
    root.end();
    await t.shutdown();
  });

  it('startActiveSpan ends the span when the promise settles and records rejections', async () => {
    const t = tracer();
    const v = await t.startActiveSpan('ok', async (span) => {
      expect(currentSpan()).toBe(span);
      return 42;
    });
    expect(v).toBe(42);
    await expect(
      t.startActiveSpan('bad', { kind: 'local' }, async () => {
        throw new Error('nope');
      }),
    ).rejects.toThrow('nope');
    expect(() => t.startActiveSpan('sync-bad', () => { throw new Error('sync'); })).toThrow('sync');
    await t.flush();
    const spans = (t.exporter as MemoryExporter).getFinishedSpans();
    expect(spans.map((s) => [s.name, s.status.code])).toEqual([
      ['ok', 'unset'],
      ['bad', 'error'],
      ['sync-bad', 'error'],
    ]);
    await t.shutdown();
  });

  it('go2sky style: entry continues the extracted trace, exit injects through a setter, local nests', async () => {
    const upstream = tracer({ serviceName: 'up' });
    const down = tracer({ serviceName: 'down' });
    const header: Record<string, string> = {};
    const exit = upstream.createExitSpan('call', '10.0.0.1:7000', (k, v) => (header[k] = v));
    expect(exit.peer).toEqual({ host: '10.0.0.1', port: 7000 });
    expect(Object.keys(header)).toContain('traceparent');
    const entry = down.createEntrySpan('serve', (k) => header[k]);
    expect(entry.kind).toBe('entry');
    expect(entry.traceId).toBe(exit.traceId);
    expect(entry.parentSpanId).toBe(exit.spanId);
    expect(entry.remoteParent).toBe(true);
    expect(entry.spanId).not.toBe(exit.spanId);
    const local = down.withSpan(entry, () => down.createLocalSpan('work'));
    expect(local.parentSpanId).toBe(entry.spanId);
    const orphan = down.createEntrySpan('serve', () => 'garbage');
    expect(orphan.parentSpanId).toBeUndefined();
    await upstream.shutdown();
    await down.shutdown();
  });

  it('honours the incoming sampled flag and propagates "not sampled"', () => {
    const t = tracer({ sampler: { type: 'const', param: 1 } });
    const parent: SpanContext = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), sampled: false, debug: false, baggage: {} };
    const s = t.startSpan('x', { parent });
    expect(s.sampled).toBe(false);
    const headers: Record<string, string> = {};
    t.inject(s.context(), headers);
    expect(headers.traceparent).toMatch(/-00$/);
    const back = t.extract(headers)!;
    expect(back.sampled).toBe(false);
    expect(back.traceId).toBe(parent.traceId);
    void t.shutdown();
  });

  it('carries baggage from the caller to children and downstream', () => {
    const t = tracer();
    const ctx = t.extract({ traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`, baggage: 'tenant=acme,user=42' })!;
    const entry = t.startSpan('in', { kind: 'entry', parent: ctx });
    const child = t.withSpan(entry, () => t.startSpan('out', { kind: 'exit' }));
    expect(child.baggage).toEqual({ tenant: 'acme', user: '42' });
    const out: Record<string, string> = {};
    t.inject(child.context(), out);
    expect(out.baggage).toContain('tenant=acme');
    void t.shutdown();
  });

  it('rejects bad config at creation, naming the key', () => {
    expect(() => createTracer({ serviceName: '' })).toThrow(ConfigError);
    expect(() => createTracer({ serviceName: 's', backend: 'nope' })).toThrow(/backend/);
    expect(() => createTracer({ serviceName: 's', sampler: { type: 'probabilistic', param: 2 } })).toThrow(/sampler\.param/);
    expect(() => createTracer({ serviceName: 's', reporter: { queueSize: -1 } })).toThrow(/reporter\.queueSize/);
    expect(() => createTracer({ serviceName: 's', propagation: ['w3c', 'smoke' as never] })).toThrow(/propagation/);
    try {
      createTracer({ serviceName: 's', reporter: { password: 'hunter2', queueSize: 'x' as never } });
    } catch (e) {
      expect(String(e)).not.toContain('hunter2');
    }
  });

  it('backend noop keeps no finished span: counted as exported at end(), nothing queued', async () => {
    const t = createTracer({ serviceName: 'svc', backend: 'noop', recordCaller: false });
    for (let i = 0; i < 1000; i++) t.startSpan(`s${i}`).setTag('k', i).end();
    expect(t.stats()).toMatchObject({ started: 1000, finished: 1000, exported: 1000, dropped: 0, queued: 0 });
    const unsampled = createTracer({ serviceName: 'svc', backend: 'noop', sampler: { type: 'const', param: 0 } });
    unsampled.startSpan('x').end();
    expect(unsampled.stats()).toMatchObject({ finished: 1, exported: 0, queued: 0 });
    await t.shutdown(100);
    await unsampled.shutdown(100);
  });

  it('a disabled tracer records nothing but still propagates', async () => {
    const t = tracer({ disabled: true });
    const s = t.startSpan('x');
    expect(s.sampled).toBe(false);
    const headers: Record<string, string> = {};
    t.inject(s.context(), headers);
    expect(headers.traceparent).toContain(s.traceId);
    s.end();
    await t.flush();
    expect(t.stats().exported).toBe(0);
    await t.shutdown();
  });

  it('never throws into user code from a throwing sampler or a hostile carrier', () => {
    const t = tracer({ sampler: () => { throw new Error('sampler bug'); } });
    const s = t.startSpan('x');
    expect(s.sampled).toBe(false);
    const hostile = new Proxy({}, { get() { throw new Error('trap'); }, set() { throw new Error('trap'); } });
    expect(() => t.inject(s.context(), hostile)).not.toThrow();
    expect(t.extract(hostile)).toBeUndefined();
    void t.shutdown();
  });
});

describe('Tracer.stats with a buffering exporter', () => {
  it('moves the spans an exporter accepted and later dropped (droppedSpans()) from exported to dropped', async () => {
    const { registerBackend } = await import('../../../src');
    let lost = 0;
    registerBackend('buffering', () => ({
      exporter: { export: async () => undefined, forceFlush: async () => undefined, shutdown: async () => undefined, droppedSpans: () => lost },
    }));
    const t = createTracer({ serviceName: 's', backend: 'buffering', recordCaller: false });
    for (let i = 0; i < 10; i++) t.startSpan('x').end();
    await t.flush();
    expect(t.stats()).toMatchObject({ exported: 10, dropped: 0 });
    lost = 7;
    expect(t.stats()).toMatchObject({ exported: 3, dropped: 7 });
    await t.shutdown();
  });
});

describe('createEntrySpan with a header object', () => {
  it('reads Jaeger uberctx-* baggage, which a get-function cannot list', () => {
    const t = createTracer({ serviceName: 's', backend: 'memory', recordCaller: false, propagation: ['jaeger'] });
    const headers = { 'uber-trace-id': `${'a'.repeat(32)}:${'b'.repeat(16)}:0:1`, 'uberctx-tenant': 'acme' };
    const fromObject = t.createEntrySpan('in', headers);
    expect(fromObject.parentSpanId).toBe('b'.repeat(16));
    expect(fromObject.baggage).toEqual({ tenant: 'acme' });
    const fromFunction = t.createEntrySpan('in', (k) => (headers as Record<string, string>)[k]);
    expect(fromFunction.parentSpanId).toBe('b'.repeat(16));
    void t.shutdown();
  });
});
