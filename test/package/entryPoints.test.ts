import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

function node(args: string[]): { stdout: string; stderr: string; status: number | null } {
  return spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 20000 });
}

/** The published entry points, resolved through package.json "exports" (self-reference). */
describe('package entry points', () => {
  it('require("traceandtrace") and require("traceandtrace/adapters") work', () => {
    const r = node(['-e', `
      const t = require('traceandtrace');
      require('traceandtrace/adapters');
      const tracer = t.createTracer({ serviceName: 'cjs', backend: 'memory' });
      console.log(typeof t.addHttpTracing, typeof t.addRpcClientTracing, t.listBackends().join(','));
      tracer.shutdown();`]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('function function console,jaeger,memory,noop,otlp,skywalking,zipkin');
  });

  it('import { createTracer } from "traceandtrace" works from an ES module', () => {
    const r = node(['--input-type=module', '-e', `
      import { createTracer, createEntrySpan, VERSION } from 'traceandtrace';
      import 'traceandtrace/adapters';
      const tracer = createTracer({ serviceName: 'esm', backend: 'noop' });
      console.log(typeof createEntrySpan, VERSION);
      await tracer.shutdown();`]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toMatch(/^function \d+\.\d+\.\d+$/);
  });

  it('ships type declarations for every entry point', () => {
    const pkg = require(path.join(root, 'package.json')) as { exports: Record<string, { types?: string }> };
    const fs = require('node:fs') as typeof import('node:fs');
    for (const key of ['.', './adapters']) expect(fs.existsSync(path.join(root, pkg.exports[key].types!))).toBe(true);
    for (const a of ['jaeger', 'zipkin', 'skywalking', 'otlp']) expect(fs.existsSync(path.join(root, 'dist', 'adapters', a, 'index.d.ts'))).toBe(true);
  });
});
