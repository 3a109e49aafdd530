import { runNode } from './childProcess';

describe('runNode', () => {
  it('returns all of stdout even when the child exits right after writing it (resolves on close, not exit)', async () => {
    // 4 MiB through the pipe, then the process ends: on 'exit' much of it can still be unread.
    const run = await runNode(['-e', "process.stdout.write('x'.repeat(4 * 1024 * 1024) + '\\nREPORT done\\n'); process.exitCode = 3"], { killAfterMs: 30_000, mark: 'REPORT ' });
    expect(run.code).toBe(3);
    expect(run.killed).toBe(false);
    expect(run.stdout.length).toBe(4 * 1024 * 1024 + '\nREPORT done\n'.length);
    expect(run.stdout).toMatch(/REPORT done\n$/);
    expect(run.markedAt).toBeDefined();
  });

  it('kills a child that outlives its watchdog and says so', async () => {
    const run = await runNode(['-e', "console.log('up'); setInterval(() => undefined, 1000)"], { killAfterMs: 500 });
    expect({ killed: run.killed, code: run.code, signal: run.signal, stdout: run.stdout }).toEqual({ killed: true, code: null, signal: 'SIGKILL', stdout: 'up\n' });
  });

  it('passes env over process.env and collects stderr', async () => {
    const run = await runNode(['-e', 'console.error(process.env.CHILD_PROBE + ":" + typeof process.env.PATH)'], { env: { CHILD_PROBE: 'seen' }, killAfterMs: 10_000 });
    expect({ code: run.code, stderr: run.stderr, markedAt: run.markedAt }).toEqual({ code: 0, stderr: 'seen:string\n', markedAt: undefined });
  });

  it('does not wait for a grandchild that holds the pipes after the child exited', async () => {
    // The grandchild inherits stdout/stderr and lives 8 s; the child exits at once.
    const src = "require('child_process').spawn(process.execPath, ['-e', 'setTimeout(() => undefined, 8000)'], { stdio: 'inherit', detached: true }).unref(); console.log('parent done')";
    const t0 = Date.now();
    const run = await runNode(['-e', src], { killAfterMs: 30_000 });
    expect({ code: run.code, stdout: run.stdout, quick: Date.now() - t0 < 6_000 }).toEqual({ code: 0, stdout: 'parent done\n', quick: true });
  });
});
