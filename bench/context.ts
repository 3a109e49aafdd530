/**
 * What every benchmark section receives from `run.ts`.
 *
 * @packageDocumentation
 */
import type { ReceiverPorts } from './receivers';
import type { Results } from './Results';

/** Shared state of one benchmark run. */
export interface BenchContext {
  /** `--quick`: the ~1 minute subset (smaller workloads, same ≥ 5 rounds). */
  quick: boolean;
  /** Where tables and raw figures go. */
  results: Results;
  /** Ports of the discard receivers (a separate process); undefined if they failed to start. */
  ports: ReceiverPorts | undefined;
  /** Progress lines (stderr). */
  progress(line: string): void;
  /** `--forks=N`: child processes per loopback setup (section 4); default 3, 1 with `--quick`. */
  forks?: number;
}

/** Rounds recorded per section (the issue asks for at least 5). */
export const ROUNDS = { full: 7, quick: 5 } as const;

/**
 * Rounds of the cheap per-span sections (hot path, end to end) in a full run: a round takes
 * ~1 s there, and on a shared VM a burst of host load can cover several consecutive rounds,
 * so more rounds keep the median out of it.
 */
export const SPAN_ROUNDS = { full: 15, quick: 5 } as const;
