import { ConsoleExporter, createTracer, formatWaterfall, registerBackend, type FinishedSpan } from '../../../src';

describe('ConsoleExporter', () => {
  it('prints one indented waterfall per trace, children under parents, errors marked', async () => {
    const out: string[] = [];
    registerBackend('console-test', () => ({ exporter: new ConsoleExporter((t) => out.push(t)) }));
    const t = createTracer({ serviceName: 'shop', backend: 'console-test', recordCaller: false, reporter: { flushInterval: 60000 } });
    await t.startActiveSpan('GET /checkout', { kind: 'entry' }, async () => {
      await t.startActiveSpan('load', async () => new Promise((r) => setTimeout(r, 2)));
      const fail = t.createExitSpan('call', 'h:1', () => undefined);
      fail.recordError(new Error('line one\nline two'));
      fail.end();
    });
    t.startSpan('other-trace', { parent: null }).end();
    await t.flush();
    const text = out.join('');
    const lines = text.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('trace '))).toHaveLength(2);
    expect(text).toMatch(/trace [0-9a-f]{32}  \(1 service, 3 spans, [\d.]+ ms\)/);
    const root = lines.find((l) => l.includes('GET /checkout'))!;
    const load = lines.find((l) => l.includes('load'))!;
    expect(load.indexOf('shop')).toBeGreaterThan(root.indexOf('shop'));
    expect(root).toMatch(/entry\s+\+0\.00 ms\s+[\d.]+ ms/);
    expect(lines.find((l) => l.includes(' call '))).toMatch(/✖ error: line one line two/);
    await t.shutdown();
  });

  it('holds a trace until a batch passes without new spans for it', async () => {
    const out: string[] = [];
    const e = new ConsoleExporter((t) => out.push(t));
    const span = (id: string, parent?: string): FinishedSpan =>
      ({ traceId: 'a'.repeat(32), spanId: id, parentSpanId: parent, name: id, kind: 'local', startTimeUs: 1e15, endTimeUs: 1e15 + 10, status: { code: 'unset' }, resource: { serviceName: 's' }, remoteParent: false } as unknown as FinishedSpan);
    await e.export([span('1'.repeat(16), '2'.repeat(16))]);
    expect(out).toHaveLength(0);
    await e.export([span('2'.repeat(16))]);
    expect(out).toHaveLength(0);
    await e.export([]);
    expect(out).toHaveLength(1);
    expect(out[0].split('\n').filter(Boolean)).toHaveLength(3);
    expect(out[0]).not.toContain('orphan');
  });

  it('formatWaterfall marks spans whose local parent is missing as orphans', () => {
    const text = formatWaterfall([
      { traceId: 'b'.repeat(32), spanId: '1'.repeat(16), parentSpanId: '9'.repeat(16), remoteParent: false, name: 'lost', kind: 'local', startTimeUs: 5, endTimeUs: 10, status: { code: 'unset' }, resource: { serviceName: 's' } } as unknown as FinishedSpan,
    ]);
    expect(text).toContain('lost (orphan)');
  });
});
