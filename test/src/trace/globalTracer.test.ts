import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import {
  ConfigError,
  createEntrySpan,
  createExitSpan,
  createLocalSpan,
  flush,
  getTracer,
  init,
  MemoryExporter,
  shutdown,
} from '../../../src';

describe('process-default tracer', () => {
  afterEach(async () => {
    await shutdown();
  });

  it('before init(), getTracer() is a disabled tracer that still propagates', () => {
    const headers: Record<string, string> = {};
    const exit = createExitSpan('call', 'h:1', (k, v) => (headers[k] = v));
    expect(exit.sampled).toBe(false);
    expect(headers.traceparent).toContain(exit.traceId);
    exit.end();
  });

  it('init() reads TRACE_* variables; the object wins over the environment', async () => {
    const t = init(
      { serviceName: 'from-object' },
      { TRACE_TYPE: 'MEMORY', TRACE_SERVICE_NAME: 'from-env', TRACE_SAMPLER_TYPE: 'const', TRACE_SAMPLER_PARAM: '1', TRACE_PROPAGATION: 'b3multi,jaeger' },
    );
    expect(getTracer()).toBe(t);
    expect(t.serviceName).toBe('from-object');
    const headers: Record<string, string> = {};
    const exit = createExitSpan('call', 'h:1', (k, v) => (headers[k] = v));
    expect(Object.keys(headers).sort()).toEqual(expect.arrayContaining(['uber-trace-id', 'x-b3-traceid']));
    expect(headers.traceparent).toBeUndefined();
    const entry = createEntrySpan('serve', (k) => headers[k]);
    expect(entry.parentSpanId).toBe(exit.spanId);
    const local = t.withSpan(entry, () => createLocalSpan('work'));
    for (const s of [local, entry, exit]) s.end();
    await flush();
    expect((t.exporter as MemoryExporter).getFinishedSpans().map((s) => s.name)).toEqual(['work', 'serve', 'call']);
  });

  it('a variable that does not parse is an error naming it', () => {
    expect(() => init({ serviceName: 's' }, { TRACE_SAMPLER_PARAM: 'lots' })).toThrow(ConfigError);
    expect(() => init({ serviceName: 's' }, { TRACE_SAMPLER_PARAM: 'lots' })).toThrow(/TRACE_SAMPLER_PARAM/);
    expect(() => init({ serviceName: 's' }, { TRACE_REPORTER_LOG_SPANS: 'maybe' })).toThrow(/TRACE_REPORTER_LOG_SPANS/);
    expect(() => init({ serviceName: 's' }, { TRACE_TYPE: 'nosuch' })).toThrow(/nosuch/);
  });

  it('flushOnExit delivers queued spans on SIGTERM before the process exits', () => {
    const script = `
      const { init, flushOnExit, registerBackend } = require(${JSON.stringify(path.resolve(__dirname, '../../../dist/src'))});
      registerBackend('stdout', () => ({ exporter: { export: async (b) => { process.stdout.write('exported ' + b.length + '\\n'); }, forceFlush: async () => {}, shutdown: async () => { process.stdout.write('shutdown\\n'); } } }));
      const t = init({ serviceName: 'sig', backend: 'stdout', reporter: { flushInterval: 60000 } }, {});
      flushOnExit();
      for (let i = 0; i < 3; i++) t.startSpan('s' + i).end();
      setInterval(() => {}, 1000);
      process.kill(process.pid, 'SIGTERM');
    `;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20000 });
    expect(run.stdout).toContain('exported 3');
    expect(run.stdout).toContain('shutdown');
    expect(run.signal).toBe('SIGTERM');
  });
});
