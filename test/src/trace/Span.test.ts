import { createTracer, MemoryExporter, type Tracer } from '../../../src';

function tracer(extra: Record<string, unknown> = {}): Tracer {
  return createTracer({ serviceName: 'svc', backend: 'memory', recordCaller: false, ...extra });
}

describe('Span', () => {
  it('attributes are a plain object, indistinguishable from a literal (exporters and users may inspect them)', () => {
    const t = tracer();
    const span = t.startSpan('op');
    for (let i = 0; i < 12; i++) span.setTag(`k${i}`, i);
    expect(Object.getPrototypeOf(span.attributes)).toBe(Object.prototype);
    expect(span.attributes.constructor).toBe(Object);
    expect(span.attributes).toStrictEqual(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, i])));
    expect(JSON.stringify(t.startSpan('empty').attributes)).toBe('{}');
  });

  it("context()'s sw8 target address follows each span's own peer (no stale address from the previous span)", () => {
    const t = tracer();
    const peer = { host: '10.0.0.1', port: 80 };
    const a = t.startSpan('a', { kind: 'exit', peer });
    expect(a.context().sw8!.targetAddress).toBe('10.0.0.1:80');
    const b = t.startSpan('b', { kind: 'exit', peer: { host: '10.0.0.1', port: 81 } });
    expect(b.context().sw8!.targetAddress).toBe('10.0.0.1:81');
    expect(t.startSpan('c', { kind: 'exit', peer: { host: '::1', port: 81 } }).context().sw8!.targetAddress).toBe('[::1]:81');
    expect(t.startSpan('d', { kind: 'exit', peer: { host: '10.0.0.1' } }).context().sw8!.targetAddress).toBe('10.0.0.1');
    expect(t.startSpan('e', { kind: 'exit', peer: { service: 'inventory' } }).context().sw8!.targetAddress).toBe('inventory');
    peer.port = 8080; // the same object, changed: formatted anew
    expect(a.context().sw8!.targetAddress).toBe('10.0.0.1:8080');
    expect(a.context().sw8!.targetAddress).toBe('10.0.0.1:8080');
  });

  it('records tags, events, status and ends once with µs timestamps', async () => {
    const t = tracer();
    const span = t.startSpan('op', { kind: 'local' });
    span.setTag('a', 1).setTag('b', 'x').setAttributes({ c: true, d: undefined });
    span.addEvent('cache.miss', { key: 'k' }, 1234);
    span.log({ event: 'retry', attempt: 2 });
    span.setStatus('ok');
    span.end();
    const end = span.endTimeUs;
    span.end(); // idempotent
    span.setTag('late', 1); // ignored after end
    expect(span.endTimeUs).toBe(end);
    expect(span.attributes).toEqual({ a: 1, b: 'x', c: true });
    expect(span.events.map((e) => e.name)).toEqual(['cache.miss', 'retry']);
    expect(span.events[0].timeUs).toBe(1234);
    expect(span.status.code).toBe('ok');
    expect(Number.isInteger(span.startTimeUs)).toBe(true);
    expect(span.startTimeUs).toBeGreaterThan(Date.now() * 1000 - 60e6);
    await t.flush();
    expect((t.exporter as MemoryExporter).getFinishedSpans()).toHaveLength(1);
    expect(t.stats()).toMatchObject({ started: 1, finished: 1, exported: 1, dropped: 0 });
    await t.shutdown();
  });

  it('keeps sub-millisecond spans distinct (µs precision)', () => {
    const t = tracer();
    const durations = Array.from({ length: 20 }, () => {
      const s = t.startSpan('tiny');
      const until = performance.now() + 0.2;
      while (performance.now() < until) {
        /* spin 200 µs */
      }
      s.end();
      return s.endTimeUs - s.startTimeUs;
    });
    for (const d of durations) {
      expect(d).toBeGreaterThanOrEqual(150);
      expect(d).toBeLessThan(100_000);
    }
    void t.shutdown();
  });

  it('recordError sets error status and an exception event with type, message, stack', () => {
    const t = tracer();
    const s = t.startSpan('op');
    s.recordError(new TypeError('boom'));
    expect(s.status).toEqual({ code: 'error', message: 'boom' });
    expect(s.events[0].name).toBe('exception');
    expect(s.events[0].attributes['exception.type']).toBe('TypeError');
    expect(s.events[0].attributes['exception.message']).toBe('boom');
    expect(String(s.events[0].attributes['exception.stacktrace'])).toContain('TypeError: boom');
    s.recordError('plain string');
    expect(s.status.message).toBe('plain string');
    s.recordError({ toString() { throw new Error('hostile'); } });
    expect(s.status.code).toBe('error');
    void t.shutdown();
  });

  it('bounds tags and events and truncates long values', () => {
    const t = tracer({ limits: { maxAttributes: 3, maxAttributeValueLength: 5, maxEvents: 2 } });
    const s = t.startSpan('op');
    s.setTag('a', '123456789').setTag('b', 2).setTag('c', 3).setTag('d', 4);
    s.setTag('a', 'x'); // overwriting an existing key is allowed
    for (let i = 0; i < 5; i++) s.addEvent(`e${i}`);
    expect(Object.keys(s.attributes)).toEqual(['a', 'b', 'c']);
    expect(s.attributes.a).toBe('x');
    expect(s.events).toHaveLength(2);
    const s2 = t.startSpan('op');
    s2.setTag('long', 'abcdefghij');
    expect(s2.attributes.long).toBe('abcde');
    void t.shutdown();
  });

  it('array values: at most maxAttributes items, each string cut to maxAttributeValueLength, other items kept', () => {
    const t = tracer({ limits: { maxAttributes: 3, maxAttributeValueLength: 4 } });
    const s = t.startSpan('op');
    const input = ['abcdefg', 12345678, true, 'zz'];
    s.setTag('list', input as never);
    expect(s.attributes.list).toEqual(['abcd', 12345678, true]);
    expect(input).toEqual(['abcdefg', 12345678, true, 'zz']); // the caller's array is not changed
    void t.shutdown();
  });

  it('counts distinct tags, not calls: overwrites never use up the tag limit', () => {
    const t = tracer({ limits: { maxAttributes: 3, maxAttributeValueLength: 64, maxEvents: 2 } });
    const s = t.startSpan('op');
    for (let i = 0; i < 10; i++) s.setTag('a', i); // ten calls, one tag
    s.setTag('b', 'x').setTag('b', 'y');
    s.setTag('toString', 't'); // a name Object.prototype has is still a new tag
    s.setTag('c', 'over').setTag('d', 'over'); // past the limit: dropped
    s.setTag('a', 'last'); // an overwrite at the limit is kept
    expect(s.attributes).toEqual({ a: 'last', b: 'y', toString: 't' });
    s.setTag('obj', { toString: () => 'o' } as never); // an object's string form counts once as well
    expect(Object.keys(s.attributes)).toHaveLength(3);
    const s2 = t.startSpan('op');
    s2.setTag('x', 1).setTag('x', 2).setTag('x', 3).setTag('y', 1).setTag('z', { k: 1 } as never);
    expect(Object.keys(s2.attributes)).toEqual(['x', 'y', 'z']);
    void t.shutdown();
  });

  it('never records secrets: authorization, cookie, password, token and the redact list', () => {
    const t = tracer({ redact: ['X-Session'] });
    const s = t.startSpan('op');
    s.setAttributes({ authorization: 'Bearer abc', cookie: 'sid=1', password: 'hunter2', token: 't', 'x-session': 's', 'http.request.header.authorization': 'Basic x', ok: 'fine' });
    s.addEvent('login', { password: 'hunter2', user: 'bob' });
    const text = JSON.stringify(s.toJSON());
    for (const secret of ['Bearer abc', 'sid=1', 'hunter2', 'Basic x']) expect(text).not.toContain(secret);
    expect(s.attributes.ok).toBe('fine');
    expect(s.events[0].attributes.user).toBe('bob');
    void t.shutdown();
  });

  it('secret names match in any case and as the last part of a longer key', () => {
    const t = tracer({ redact: ['X-Session'] });
    const s = t.startSpan('op');
    const secret = ['Authorization', 'COOKIE', 'Set-Cookie', 'db.password', 'X-Auth-Token', 'user_api_key', 'app.X-Session', 'http.request.header.Proxy-Authorization', 'client.secret'];
    const plain = ['http.request.method', 'url.full', 'total_tokens', 'gen_ai.usage.input_tokens', 'token.type', 'passwords', 'setcookie', 'x_session'];
    for (const k of [...secret, ...plain]) s.setTag(k, `value of ${k}`);
    s.addEvent('login', { Password: 'hunter2', 'user.Token': 't0k', user: 'bob' });
    for (const k of secret) expect([k, s.attributes[k]]).toEqual([k, '[REDACTED]']);
    for (const k of plain) expect(s.attributes[k]).toBe(`value of ${k}`);
    expect(s.events[0].attributes).toEqual({ Password: '[REDACTED]', 'user.Token': '[REDACTED]', user: 'bob' });
    for (const k of secret) expect(t.isRedacted(k)).toBe(true);
    for (const k of plain) expect(t.isRedacted(k)).toBe(false);
    // the decision is cached per key; many distinct keys keep the cache bounded and correct
    for (let i = 0; i < 3000; i++) t.isRedacted(`k${i}`);
    expect(t.isRedacted('Authorization')).toBe(true);
    expect(t.isRedacted(7 as never)).toBe(false);
    void t.shutdown();
  });

  it('a sampled-out span records nothing but still carries its context', () => {
    const t = tracer({ sampler: { type: 'const', param: 0 } });
    const s = t.startSpan('op');
    s.setTag('a', 1).addEvent('e').recordError(new Error('x'));
    expect(s.isRecording()).toBe(false);
    expect(s.attributes).toEqual({});
    expect(s.context()).toMatchObject({ traceId: s.traceId, spanId: s.spanId, sampled: false });
    s.end();
    expect(t.stats()).toMatchObject({ started: 1, finished: 1, queued: 0 });
    void t.shutdown();
  });

  it('records the caller (function, file:line) unless turned off', async () => {
    const on = createTracer({ serviceName: 'svc', backend: 'memory' });
    function placeOrder(): void {
      on.createLocalSpan('place-order').end();
    }
    placeOrder();
    await on.flush();
    const [span] = (on.exporter as MemoryExporter).getFinishedSpans();
    expect(String(span.attributes.caller)).toMatch(/placeOrder \(test[\\/]src[\\/]trace[\\/]Span\.test\.ts:\d+\)/);
    const off = tracer();
    off.createLocalSpan('x').end();
    await off.flush();
    expect((off.exporter as MemoryExporter).getFinishedSpans()[0].attributes.caller).toBeUndefined();
    await on.shutdown();
    await off.shutdown();
  });

  it('the caller tag obeys the redact list, the value length limit and comes after attributes given at start', () => {
    function makeSpans(t: ReturnType<typeof createTracer>): ReturnType<typeof t.startSpan>[] {
      return [t.startSpan('a'), t.startSpan('b', { attributes: { first: 1 } })];
    }
    const redacting = createTracer({ serviceName: 'svc', backend: 'memory', redact: ['caller'] });
    for (const sp of makeSpans(redacting)) expect(sp.attributes.caller).toBe('[REDACTED]');
    const short = createTracer({ serviceName: 'svc', backend: 'memory', limits: { maxAttributeValueLength: 6 } });
    const [a, b] = makeSpans(short);
    expect(String(a!.attributes.caller)).toHaveLength(6);
    expect(Object.keys(b!.attributes)).toEqual(['first', 'caller']);
    expect(String(b!.attributes.caller)).toHaveLength(6);
    const plain = createTracer({ serviceName: 'svc', backend: 'memory' });
    const [c] = makeSpans(plain);
    c!.setTag('caller', 'overwritten').setTag('x', 1);
    expect(c!.attributes).toEqual({ caller: 'overwritten', x: 1 });
    const unsampled = createTracer({ serviceName: 'svc', backend: 'memory', sampler: { type: 'const', param: 0 } });
    expect(makeSpans(unsampled)[0]!.attributes).toEqual({});
    for (const t of [redacting, short, plain, unsampled]) void t.shutdown();
  });

  it('records the caller per span kind: an entry and an exit span of the same name each get their own', async () => {
    const t = createTracer({ serviceName: 'proxy', backend: 'memory' });
    function callUpstream(): void {
      t.createExitSpan('GET /orders', '10.0.0.7:80', () => {}).end();
    }
    function receiveRequest(): void {
      t.createEntrySpan('GET /orders', {}).end();
    }
    function untyped(): void {
      t.startSpan('GET /orders', { kind: '__proto__' as never }).end(); // unknown kind from untyped code: no throw
    }
    callUpstream(); // first: the exit span's caller must not be reused for the entry span
    receiveRequest();
    untyped();
    callUpstream();
    await t.flush();
    const spans = (t.exporter as MemoryExporter).getFinishedSpans();
    expect(spans).toHaveLength(4);
    expect(String(spans[0].attributes.caller)).toMatch(/^callUpstream \(/);
    expect(String(spans[1].attributes.caller)).toMatch(/^receiveRequest \(/);
    expect(String(spans[2].attributes.caller)).toMatch(/^untyped \(/);
    expect(spans[3].attributes.caller).toBe(spans[0].attributes.caller);
    await t.shutdown();
  });
});
