/**
 * The interleaving round runner: every implementation runs once per round, in a fixed
 * order (A B C, A B C, …), after warm-up rounds that are not recorded; the event loop is let
 * turn between runs (optionally with a full GC).
 *
 * @packageDocumentation
 */
import { summarize, type Summary } from './stats';

/** The figures one run of one case produces, keyed by metric name (units are the section's). */
export type Metrics = Record<string, number>;

/**
 * One implementation in an interleaved benchmark.
 */
export interface RoundCase {
  /** Row label; unique within a section. */
  name: string;
  /** One run. Resolves with its figures; a rejection marks this case failed (n/a), never the run. */
  round(): Promise<Metrics>;
}

/** Per case: per metric, the summary over the recorded rounds (empty when the case failed). */
export type CaseResults = Map<string, Record<string, Summary>>;

/** Options of {@link interleave}. */
export interface InterleaveOptions {
  /** Recorded rounds (≥ 5 for the published tables). */
  rounds: number;
  /** Unrecorded warm-up rounds, also interleaved. */
  warmup: number;
  /** Progress output, e.g. `process.stderr.write`. */
  progress?: (line: string) => void;
  /**
   * Full GC before each run (default false). Measured here: a full GC right before a timed
   * run makes the next ~10^4 spans 2–4× slower (heap regrowth, code flushing), so the timing
   * sections leave it off and warm each case up instead; the heap section runs its own GCs.
   */
  gc?: boolean;
}

/**
 * Run a full GC when node runs with `--expose-gc`; otherwise do nothing.
 *
 * @example
 * ```ts
 * fullGc(); const before = process.memoryUsage().heapUsed;
 * ```
 */
export function fullGc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) g();
}

/**
 * Run a minor (young-generation) GC when node runs with `--expose-gc`; otherwise do nothing.
 * Unlike {@link fullGc} it keeps the heap's size and compiled code, so the run after it is
 * not slowed down; it only stops garbage left by earlier untimed work (a drain's encoding)
 * from being collected inside the next timed window.
 *
 * @example
 * ```ts
 * await impl.drain(); minorGc(); const c0 = process.cpuUsage();
 * ```
 */
export function minorGc(): void {
  const g = (globalThis as { gc?: (options?: { type: 'minor' | 'major' }) => void }).gc;
  if (g) g({ type: 'minor' });
}

/**
 * Let the event loop turn (timers, immediates, I/O) so that work a case deferred with
 * `setImmediate`/`setTimeout` runs before the next case, outside anyone's timing.
 *
 * @example
 * ```ts
 * await settle();
 * ```
 */
export async function settle(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setTimeout(resolve, 1));
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Failure messages from the last {@link interleave} calls, keyed by case name. */
export const failures = new Map<string, string>();

/**
 * Run the cases interleaved round by round and summarise each metric (median, min–max).
 * Each round starts one case further along (round r runs cases r, r+1, … mod n), so no case
 * always runs right after the same neighbour: what a case leaves behind (old-generation
 * garbage collected later, a receiver process still decoding its last batch) lands in a
 * different case's window each round instead of always in the same one's.
 * A case that throws is dropped from later rounds and reported with empty results; its
 * error message is kept in {@link failures}.
 *
 * @example
 * ```ts
 * const res = await interleave([{ name: 'a', round: async () => ({ us: 1 }) }], { rounds: 5, warmup: 1 });
 * res.get('a')!.us.median; // → 1
 * ```
 */
export async function interleave(cases: readonly RoundCase[], options: InterleaveOptions): Promise<CaseResults> {
  const samples = new Map<string, Record<string, number[]>>();
  const dead = new Set<string>();
  for (const c of cases) samples.set(c.name, {});
  const total = options.warmup + options.rounds;
  for (let r = 0; r < total; r++) {
    const recording = r >= options.warmup;
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(r + k) % cases.length]!;
      if (dead.has(c.name)) continue;
      await settle();
      if (options.gc) fullGc();
      try {
        const m = await c.round();
        if (!recording) continue;
        const rec = samples.get(c.name)!;
        for (const [k, v] of Object.entries(m)) (rec[k] ??= []).push(v);
      } catch (err) {
        dead.add(c.name);
        failures.set(c.name, err instanceof Error ? err.message : String(err));
        options.progress?.(`  ! ${c.name} failed: ${failures.get(c.name)}\n`);
      }
    }
    options.progress?.(`  round ${r + 1}/${total}${recording ? '' : ' (warm-up)'}\n`);
  }
  const out: CaseResults = new Map();
  for (const c of cases) {
    const rec = samples.get(c.name)!;
    const sums: Record<string, Summary> = {};
    if (!dead.has(c.name)) for (const [k, v] of Object.entries(rec)) sums[k] = summarize(v);
    out.set(c.name, sums);
  }
  return out;
}
