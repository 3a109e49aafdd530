/**
 * Runs a Node.js child process for the tests that need a process of their own (exit, memory,
 * worker isolation, the demo) and collects its whole output.
 *
 * It resolves on the child's `'close'` event, not `'exit'`: Node.js emits `'exit'` as soon as
 * the process ends, while its stdout/stderr pipes may still hold unread data, so a test that
 * parses stdout on `'exit'` sometimes sees a line the child did print as missing (CI run of
 * 2026-12-06: `REPORT` absent from a child that exited with code 0). See
 * https://nodejs.org/api/child_process.html#event-exit.
 *
 * @packageDocumentation
 */
import { spawn } from 'node:child_process';

/** How long (ms) to wait for the pipes to drain after the child exited before giving up on them. */
const GRACE_MS = 2000;

/** What {@link runNode} collected from one child process. */
export interface ChildRun {
  /** Exit code; `null` when the child ended by a signal (e.g. the watchdog's SIGKILL) or could not start. */
  code: number | null;
  /** The signal that ended the child, or `null`. */
  signal: NodeJS.Signals | null;
  /** True when the watchdog killed the child after `killAfterMs`. */
  killed: boolean;
  /** Everything the child wrote to stdout (UTF-8), complete: read after its pipes closed. */
  stdout: string;
  /** Everything the child wrote to stderr (UTF-8), or the spawn error's message. */
  stderr: string;
  /** `Date.now()` (ms) when the process ended (its `'exit'` event). */
  exitedAt: number;
  /** `Date.now()` (ms) when stdout first contained {@link RunNodeOptions.mark}; undefined if never. */
  markedAt: number | undefined;
}

/** Options of {@link runNode}. */
export interface RunNodeOptions {
  /** Extra environment variables, over `process.env`. */
  env?: Record<string, string>;
  /** Working directory of the child. */
  cwd?: string;
  /** The watchdog: SIGKILL the child after this many ms (it then resolves with `killed: true`). */
  killAfterMs: number;
  /** A stdout marker whose first arrival time is recorded in {@link ChildRun.markedAt}. */
  mark?: string;
}

/**
 * Spawns `node <args…>` (the running Node.js binary) with stdin closed and stdout/stderr piped,
 * and resolves once the child has exited and both pipes are drained (or 2 s after the exit when
 * a process it started still holds them open).
 *
 * @param args - arguments after the node binary, e.g. `['-e', source]` or `[file, mode]`.
 * @param options - environment, working directory, watchdog (ms) and an optional stdout marker.
 * @returns the collected {@link ChildRun}; never rejects (a spawn failure resolves with
 *   `code: null` and the error message as `stderr`).
 * @example
 * ```ts
 * const run = await runNode(['-e', 'console.log("REPORT 1")'], { killAfterMs: 10_000, mark: 'REPORT ' });
 * expect(run.code).toBe(0);
 * expect(run.stdout).toMatch(/REPORT 1/);
 * ```
 */
export function runNode(args: string[], options: RunNodeOptions): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let markedAt: number | undefined;
    let killed = false;
    let exitedAt: number | undefined;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (markedAt === undefined && options.mark !== undefined && stdout.includes(options.mark)) markedAt = Date.now();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const watchdog = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, options.killAfterMs);
    let grace: NodeJS.Timeout | undefined;
    child.on('exit', (code, signal) => {
      exitedAt = Date.now();
      // A grandchild that inherited the pipes would hold 'close' back for as long as it lives:
      // after GRACE_MS, take what has arrived and stop reading.
      grace = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        resolve({ code, signal, killed, stdout, stderr, exitedAt: exitedAt ?? Date.now(), markedAt });
      }, GRACE_MS);
    });
    child.on('error', (e) => {
      clearTimeout(watchdog);
      resolve({ code: null, signal: null, killed, stdout, stderr: stderr + String(e), exitedAt: Date.now(), markedAt });
    });
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      clearTimeout(grace);
      resolve({ code, signal, killed, stdout, stderr, exitedAt: exitedAt ?? Date.now(), markedAt });
    });
  });
}
