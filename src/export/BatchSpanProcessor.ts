import type { ExportError, FinishedSpan, Logger, SpanExporter } from '../api/types';
import { safeString } from '../trace/Span';
import { RateLimitedLogger } from './RateLimitedLogger';

/**
 * Settings of the export pipeline (all durations in ms).
 */
export interface BatchSpanProcessorOptions {
  /** Maximum spans waiting; a span ending while the queue is full is dropped and counted. */
  queueSize: number;
  /** How often the queue is exported, ms. */
  flushInterval: number;
  /** Maximum spans per `export()` call. */
  maxBatchSize: number;
  /** Time one `export()` may take before it counts as failed, ms. */
  exportTimeout: number;
  /** Retries of a batch whose export failed with a retryable error. */
  maxRetries: number;
  /** First retry delay, ms; doubles each attempt, with ±50 % jitter. Default 200. */
  retryBaseDelay?: number;
  /** Called on each span just before its first export attempt (formats deferred tags). */
  prepare?: (span: FinishedSpan) => void;
}

/** Counters kept by the pipeline (spans unless stated). */
export interface PipelineCounters {
  exported: number;
  dropped: number;
  /** Failed `export()` calls. */
  exportErrors: number;
}

/** Result of {@link BatchSpanProcessor.shutdown}. */
export interface ShutdownResult {
  /** Spans delivered during shutdown. */
  delivered: number;
  /** Spans that could not be delivered before the deadline (counted as dropped too). */
  dropped: number;
}

function noop(): void {}

/** Longest `Retry-After` the pipeline honours, ms. */
const MAX_RETRY_AFTER_MS = 60_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Race `work` against a deadline whose timer is *ref'd*: while shutdown is in progress the
 * process must stay alive until the work or the deadline settles (otherwise a script whose
 * last act is `await tracer.shutdown()` would exit mid-backoff with the promise pending).
 * The timer is cleared as soon as `work` settles, so it never delays exit beyond that.
 */
async function withDeadline(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, ms));
  });
  try {
    await Promise.race([work.then(() => undefined, () => undefined), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The export pipeline: a bounded queue of finished spans, exported in batches from an
 * unref'd timer, one `export()` at a time, with a timeout per call and bounded retries
 * with exponential backoff and jitter for retryable failures. While `forceFlush()` or
 * `shutdown()` drains the queue, up to the exporter's `maxConcurrentExports` batches (an
 * integer 1–16; default 1) are exported at once, as OpenTelemetry's `forceFlush()` does, so
 * a full queue reaches the collector sooner within a shutdown deadline.
 *
 * Guarantees (see README "Failure behaviour"):
 * - `onEnd()` is O(1), never throws, never blocks: when the queue is full the span is
 *   dropped and counted, and a warning is logged at most once per interval.
 * - No promise it creates rejects unhandled; no timer it owns keeps the process alive,
 *   except a bounded one while someone awaits `forceFlush()` or `shutdown()`.
 * - Delivery is at-least-once: a retry follows only a failed or timed-out attempt, but when
 *   the collector stored a batch and only its answer was lost (late or cut), the retry sends it
 *   again. `exported` counts acknowledged spans only.
 *
 * @example
 * ```ts
 * const p = new BatchSpanProcessor(exporter, { queueSize: 2048, flushInterval: 1000, maxBatchSize: 512,
 *   exportTimeout: 10000, maxRetries: 3 }, logger);
 * p.onEnd(span); await p.forceFlush();
 * ```
 */
export class BatchSpanProcessor {
  private queue: FinishedSpan[] = [];
  private readonly timer: NodeJS.Timeout;
  /** Settles when the last running export worker has finished; `undefined` while none runs. */
  private exporting: Promise<void> | undefined;
  private settleExporting: (() => void) | undefined;
  /** Export workers running now: each exports one batch at a time until the queue is empty. */
  private workers = 0;
  /** The batches being exported now (one per worker). */
  private readonly inflight = new Set<FinishedSpan[]>();
  /** Batches exported at once while `forceFlush()`/`shutdown()` drain: the exporter's `maxConcurrentExports`. */
  private readonly flushWorkers: number;
  /** Batches given up on at a shutdown deadline: their late outcome is not counted again. */
  private readonly abandoned = new WeakSet<FinishedSpan[]>();
  private isShutdown = false;
  /**
   * Set when a shutdown deadline fired — by shutdown's own timer or an export timeout capped at
   * the deadline. Workers check it besides `Date.now()`: timers run on the monotonic clock and
   * may fire while a lagging wall clock is still short of the deadline, and a worker must not
   * then start batches with ~1 ms left (sent to the collector, yet counted dropped).
   */
  private pastDeadline = false;
  /** A full batch has scheduled an export round on the next turn of the event loop. */
  private kickScheduled = false;
  private readonly scheduledKick = (): void => {
    this.kickScheduled = false;
    this.kick();
  };
  /** Set when shutdown begins: from then on only shutdown's own drain exports. */
  private closing = false;
  private readonly log: RateLimitedLogger;
  /** Live counters (read by `tracer.stats()`). */
  readonly counters: PipelineCounters = { exported: 0, dropped: 0, exportErrors: 0 };

  constructor(
    private readonly exporter: SpanExporter,
    private readonly options: BatchSpanProcessorOptions,
    logger: Logger,
  ) {
    this.log = new RateLimitedLogger(logger, Math.max(options.flushInterval, 5000));
    this.flushWorkers = concurrencyOf(exporter);
    this.timer = setInterval(() => this.kick(), options.flushInterval);
    this.timer.unref();
  }

  /** Spans waiting now. */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Enqueue a finished, sampled span. O(1); never throws, never blocks. When the queue is full
   * (or after shutdown) the span is dropped, counted in `counters.dropped`, and a warning is
   * logged at most once per interval.
   *
   * @example
   * ```ts
   * span.end();
   * processor.onEnd(span);
   * ```
   */
  onEnd(span: FinishedSpan): void {
    if (this.isShutdown || this.queue.length >= this.options.queueSize) {
      this.counters.dropped++;
      this.log.warn('queue-full', this.isShutdown ? 'span ended after shutdown; dropped' : `export queue full (${this.options.queueSize} spans); dropping spans`);
      return;
    }
    this.queue.push(span);
    if (this.queue.length >= this.options.maxBatchSize && this.exporting === undefined && !this.kickScheduled) {
      this.kickScheduled = true;
      setImmediate(this.scheduledKick).unref();
    }
  }

  /** Start an export round (one worker) if none is running: the timer's and a full batch's way. */
  private kick(): void {
    if (!this.closing) this.addWorkers(1, Infinity);
  }

  /**
   * Run up to `target` export workers while there are queued spans (workers already running
   * count; a drain joins a running round instead of waiting for it). Each worker exports one
   * batch at a time until the queue is empty or `until` passes. {@link exporting} settles when
   * the last worker finishes.
   */
  private addWorkers(target: number, until: number): void {
    while (this.workers < target && this.queue.length > 0) {
      if (this.workers === 0) this.exporting = new Promise<void>((resolve) => (this.settleExporting = resolve));
      this.workers++;
      // then(done, done), not finally(): a finally() chain would re-reject into an unhandled
      // rejection if drainOne ever rejected (it does not: every export outcome is caught).
      void this.drainOne(until).then(this.onWorkerDone, this.onWorkerDone);
    }
  }

  private readonly onWorkerDone = (): void => this.workerDone();

  private workerDone(): void {
    if (--this.workers > 0) return;
    const settle = this.settleExporting;
    this.exporting = undefined;
    this.settleExporting = undefined;
    settle?.();
  }

  /** Export batches until the queue is empty or `until` passes. Never rejects. */
  private async drainOne(until: number): Promise<void> {
    while (this.queue.length > 0 && !this.pastDeadline && Date.now() < until) {
      const batch = this.queue.splice(0, this.options.maxBatchSize);
      await this.exportBatch(batch, until);
    }
  }

  private async exportBatch(batch: FinishedSpan[], until: number): Promise<void> {
    this.inflight.add(batch);
    try {
      await this.exportWithRetries(batch, until);
    } finally {
      this.inflight.delete(batch);
    }
  }

  private async exportWithRetries(batch: FinishedSpan[], until: number): Promise<void> {
    const prepare = this.options.prepare;
    if (prepare) {
      for (const span of batch) {
        try {
          prepare(span);
        } catch {
          /* formatting a deferred tag must not lose the span */
        }
      }
    }
    const base = this.options.retryBaseDelay ?? 200;
    for (let attempt = 0; ; attempt++) {
      try {
        const left = until - Date.now();
        await this.exportOnce(batch, Math.min(this.options.exportTimeout, Math.max(1, left)), left <= this.options.exportTimeout);
        if (!this.abandoned.has(batch)) this.counters.exported += batch.length;
        return;
      } catch (err) {
        this.counters.exportErrors++;
        if (this.abandoned.has(batch)) return;
        const retryable = (err as ExportError)?.retryable === true;
        const asked = (err as ExportError)?.retryAfterMs;
        const backoff = base * 2 ** attempt * (0.5 + Math.random());
        const delay = typeof asked === 'number' && Number.isFinite(asked) && asked > 0 ? Math.max(backoff, Math.min(asked, MAX_RETRY_AFTER_MS)) : backoff;
        if (!retryable || attempt >= this.options.maxRetries || this.isShutdown || this.pastDeadline || Date.now() + delay >= until) {
          this.counters.dropped += batch.length;
          this.log.warn('export-failed', `export of ${batch.length} spans failed, dropped: ${describe(err)}`);
          return;
        }
        this.log.warn('export-retry', `export failed, retrying: ${describe(err)}`);
        await sleep(delay);
        // A deadline that fired during the backoff ends the batch here (shutdown counted it
        // as dropped if it was still in flight): no retry is sent after it.
        if (this.abandoned.has(batch)) return;
        if (this.pastDeadline) {
          this.counters.dropped += batch.length;
          return;
        }
      }
    }
  }

  /** One export call bounded by `timeoutMs`; `atDeadline`: the bound is the shutdown deadline. */
  private exportOnce(batch: FinishedSpan[], timeoutMs: number, atDeadline: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (atDeadline) this.pastDeadline = true;
        const e: ExportError = new Error(`export timed out after ${timeoutMs} ms`);
        e.retryable = true;
        reject(e);
      }, timeoutMs);
      timer.unref();
      let result: Promise<void>;
      try {
        result = Promise.resolve(this.exporter.export(batch));
      } catch (err) {
        result = Promise.reject(err);
      }
      result.then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  /**
   * Export everything queued now (and wait for a running export), then the exporter's own
   * buffers. Resolves when done; never rejects (an exporter flush failure is logged, rate-limited).
   *
   * @example
   * ```ts
   * await processor.forceFlush();
   * expect(memory.getFinishedSpans()).toHaveLength(1);
   * ```
   */
  async forceFlush(): Promise<void> {
    // Our timers are unref'd; while someone awaits the flush, a ref'd handle keeps the process
    // alive so the awaiting code runs (a retry backoff alone would let Node exit mid-flush).
    // The flush is bounded by the export timeout × retries, and the handle is cleared after.
    const keepAlive = setInterval(noop, 60_000);
    try {
      while (this.exporting !== undefined || (this.queue.length > 0 && !this.closing)) {
        if (!this.closing) this.addWorkers(this.flushWorkers, Infinity);
        await this.exporting;
      }
      await this.exporter.forceFlush().catch((err: unknown) => this.log.warn('flush-failed', `exporter flush failed: ${describe(err)}`));
    } finally {
      clearInterval(keepAlive);
    }
  }

  /**
   * Stop the timer, deliver what can be delivered within `deadlineMs`, count the rest as
   * dropped, and shut the exporter down. Idempotent; never rejects.
   *
   * @param deadlineMs - how long delivery may take, ms (default 30000)
   * @returns spans delivered during shutdown, and spans dropped at the deadline
   * @example
   * ```ts
   * const { delivered, dropped } = await processor.shutdown(5000);
   * ```
   */
  async shutdown(deadlineMs = 30000): Promise<ShutdownResult> {
    const before = this.counters.exported;
    const droppedBefore = this.counters.dropped;
    if (this.isShutdown) return { delivered: 0, dropped: 0 };
    const until = Date.now() + deadlineMs;
    clearInterval(this.timer);
    this.closing = true;
    const work = (async () => {
      // Join a running round with up to maxConcurrentExports workers, all bounded by the deadline
      // (a worker started before keeps its batch; after the deadline the queue is emptied).
      while (this.queue.length > 0 || this.exporting !== undefined) {
        this.addWorkers(this.flushWorkers, until);
        await this.exporting;
        if (this.pastDeadline || Date.now() >= until) break;
      }
      await this.exporter.forceFlush().catch(() => undefined);
    })();
    await withDeadline(work, deadlineMs);
    this.pastDeadline = true;
    this.isShutdown = true;
    let left = this.queue.length;
    this.queue = [];
    for (const batch of this.inflight) {
      left += batch.length;
      this.abandoned.add(batch);
    }
    this.inflight.clear();
    this.counters.dropped += left;
    let stopping: Promise<void>;
    try {
      stopping = Promise.resolve(this.exporter.shutdown());
    } catch {
      stopping = Promise.resolve();
    }
    await withDeadline(stopping, Math.max(0, until - Date.now()) + 100);
    return { delivered: this.counters.exported - before, dropped: this.counters.dropped - droppedBefore };
  }
}

/** Most batches the pipeline exports at once while draining, whatever an exporter declares. */
const MAX_FLUSH_WORKERS = 16;

/**
 * The exporter's `maxConcurrentExports` as a worker count: an integer 1–16 (anything else,
 * or a getter that throws: 1).
 */
function concurrencyOf(exporter: SpanExporter): number {
  try {
    const n: unknown = exporter.maxConcurrentExports;
    return typeof n === 'number' && Number.isInteger(n) && n > 1 ? Math.min(n, MAX_FLUSH_WORKERS) : 1;
  } catch {
    return 1;
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return safeString(err);
}
