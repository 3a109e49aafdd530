import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

/**
 * The main job, for real: `npm run demo` builds and runs four Node processes on loopback.
 * jest's globalSetup has built dist/; we run the compiled demo with the console backend.
 */
describe('npm run demo (four processes, console backend)', () => {
  it('prints one connected waterfall per request across the four services and exits 0', () => {
    const run = spawnSync(process.execPath, [path.join(root, 'dist', 'examples', 'http-to-grpc', 'demo.js')], {
      cwd: root,
      env: { ...process.env, DEMO_REQUESTS: '4', TRACE_TYPE: 'console' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).not.toMatch(/demo failed|Error:/);
    expect(run.status).toBe(0);
    const out = run.stdout;
    const traces = out.split('\n').filter((l) => l.startsWith('trace '));
    expect(traces).toHaveLength(4);
    for (const t of traces) expect(t).toMatch(/\(4 services, 8 spans, [\d.]+ ms\)/);
    expect(out).toMatch(/GET \/checkout\?item=cursed\s+→ 500/);
    expect((out.match(/→ 200/g) ?? []).length).toBe(3);
    expect(out).toContain('✖ error');
    expect(out).not.toContain('(orphan)');
    for (const name of ['gateway', 'orders', 'inventory', 'pricing']) expect(out).toMatch(new RegExp(`^\\s+${name}\\s+pid \\d+`, 'm'));
    // Each request's trace id, printed by the gateway, heads a waterfall.
    const ids = [...out.matchAll(/→ \d{3}  trace ([0-9a-f]{32})/g)].map((m) => m[1]);
    expect(ids).toHaveLength(4);
    for (const id of ids) expect(out).toContain(`trace ${id}  (`);
  }, 90_000);
});
