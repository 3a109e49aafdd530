/**
 * The traced app the reliability suite runs against each fault: the in-process demo chain
 * (gateway →HTTP→ orders →gRPC→ inventory →custom RPC→ pricing, four tracers, 8 spans per
 * request), driven by an untraced load client that measures every request's latency.
 *
 * @packageDocumentation
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { Logger, TracerConfig, TracerStats } from '../../src';
import { startDemoChain } from '../../examples/http-to-grpc/chain';

/** One line the library logged. */
export interface LogLine {
  /** Which tracer (service) logged it. */
  service: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  /** `Date.now()` when logged. */
  at: number;
}

/**
 * A logger that records every line (per service) instead of printing it.
 *
 * @example
 * ```ts
 * const logs = captureLogs();
 * createTracer({ serviceName: 'a', logger: logs.logger('a') });
 * ```
 */
export function captureLogs(): { lines: LogLine[]; logger(service: string): Logger } {
  const lines: LogLine[] = [];
  return {
    lines,
    logger: (service) => ({
      debug: (message) => lines.push({ service, level: 'debug', message, at: Date.now() }),
      info: (message) => lines.push({ service, level: 'info', message, at: Date.now() }),
      warn: (message) => lines.push({ service, level: 'warn', message, at: Date.now() }),
      error: (message) => lines.push({ service, level: 'error', message, at: Date.now() }),
    }),
  };
}

/** Settings of one {@link runTracedApp} run. */
export interface AppRunOptions {
  /** Requests sent to the gateway. */
  requests: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Pause between two requests of one client loop, ms (spreads the run over several flush intervals). */
  pauseMs: number;
  /** Awaited before request `i` is sent (e.g. kill the collector at i = requests / 3). */
  before?: (i: number) => Promise<void> | void;
  /** Awaited after the last response, before the tracers shut down (e.g. wait for a collector to come back). */
  afterRequests?: () => Promise<void> | void;
  /** Deadline passed to each `tracer.shutdown()`, ms. */
  shutdownDeadlineMs: number;
}

/** What one run observed. */
export interface AppRunResult {
  /** Requests answered 200. */
  ok: number;
  /** Requests that failed or answered another status. */
  failed: number;
  /** Latency of each request, ms, in completion order. */
  latenciesMs: number[];
  /** Stats of the four tracers summed, read after shutdown. */
  stats: TracerStats;
  /** Per service: finished === exported + dropped after shutdown (nothing lost uncounted). */
  balanced: Record<string, { finished: number; exported: number; dropped: number; queued: number }>;
  /** `shutdown()` results summed. */
  shutdown: { delivered: number; dropped: number };
  /** Highest `heapUsed` sampled every 20 ms during the run, bytes. */
  peakHeapBytes: number;
  /** Wall time of the request phase, ms. */
  requestPhaseMs: number;
  /** Wall time of the shutdown, ms. */
  shutdownMs: number;
}

/** The `q`-quantile (0..1) of `values` (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

/**
 * Start the demo chain with `configFor(service)` for each of its four tracers, send
 * `requests` checkouts, shut the tracers down with the deadline, stop the chain.
 *
 * @example
 * ```ts
 * const r = await runTracedApp(() => ({ backend: 'memory' }), { requests: 20, concurrency: 2, pauseMs: 0, shutdownDeadlineMs: 1000 });
 * ```
 */
/**
 * A full garbage collection of this (jest worker) process. The worker carries garbage of every
 * suite it ran before (hundreds of MiB): without this, the major collection it owes can land in
 * the middle of one fault case and show up as a ~600 ms request that no tracing code caused.
 */
export function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as (() => void) | undefined;
  if (typeof gc === 'function') gc();
}

export async function runTracedApp(configFor: (service: string) => Partial<TracerConfig>, options: AppRunOptions): Promise<AppRunResult> {
  collectGarbage();
  let peak = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 20);
  sampler.unref();
  const chain = await startDemoChain(configFor);
  const latenciesMs: number[] = [];
  let ok = 0;
  let failed = 0;
  let next = 0;
  const started = performance.now();
  let failure: unknown;
  let requestPhaseMs = 0;
  try {
    const worker = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        if (i >= options.requests) return;
        if (options.before) await options.before(i);
        const t0 = performance.now();
        try {
          const res = await fetch(`${chain.gatewayUrl}/checkout?item=book`);
          await res.arrayBuffer();
          if (res.status === 200) ok++;
          else failed++;
        } catch {
          failed++;
        }
        latenciesMs.push(performance.now() - t0);
        if (options.pauseMs > 0) await new Promise((r) => setTimeout(r, options.pauseMs));
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    requestPhaseMs = performance.now() - started;
    if (options.afterRequests) await options.afterRequests();
  } catch (err) {
    failure = err;
  }
  // Give the last server spans ('finish' events) a moment to end before the shutdown.
  await new Promise((r) => setTimeout(r, 20));
  const t1 = performance.now();
  const results = await Promise.all(chain.tracers.map((t) => t.shutdown(options.shutdownDeadlineMs)));
  const shutdownMs = performance.now() - t1;
  await chain.stop();
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  if (failure !== undefined) throw failure;
  const stats: TracerStats = { started: 0, finished: 0, exported: 0, dropped: 0, exportErrors: 0, queued: 0 };
  const balanced: AppRunResult['balanced'] = {};
  for (const t of chain.tracers) {
    const s = t.stats();
    for (const k of Object.keys(stats) as Array<keyof TracerStats>) stats[k] += s[k];
    balanced[t.serviceName] = { finished: s.finished, exported: s.exported, dropped: s.dropped, queued: s.queued };
  }
  const shutdown = { delivered: 0, dropped: 0 };
  for (const r of results) {
    shutdown.delivered += r.delivered;
    shutdown.dropped += r.dropped;
  }
  return { ok, failed, latenciesMs, stats, balanced, shutdown, peakHeapBytes: peak, requestPhaseMs, shutdownMs };
}
