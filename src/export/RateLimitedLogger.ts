import type { Logger } from '../api/types';

/**
 * Wraps a {@link Logger} so each kind of message is logged at most once per interval,
 * with a count of how many were suppressed. The library logs through it so a dead
 * collector produces one line per interval, not one per span.
 *
 * @example
 * ```ts
 * const log = new RateLimitedLogger(console, 10_000);
 * log.warn('queue-full', 'export queue full; dropping spans');
 * ```
 */
export class RateLimitedLogger {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  /**
   * @param logger - where messages go
   * @param intervalMs - minimum time between two messages of one kind, ms
   */
  constructor(
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  /**
   * Log a warning of kind `kind` unless one was logged less than an interval ago (then it is
   * only counted, and the next message of that kind says how many were suppressed). Never
   * throws: an exception from the wrapped logger is swallowed.
   *
   * @param kind - groups messages for rate limiting, e.g. `queue-full`
   * @param message - the text (must not contain secrets)
   * @example
   * ```ts
   * log.warn('export-failed', 'collector unreachable; dropping batch');
   * ```
   */
  warn(kind: string, message: string): void {
    this.emit('warn', kind, message);
  }

  /**
   * Log an error of kind `kind`, rate-limited like {@link RateLimitedLogger.warn}. Never throws.
   *
   * @example
   * ```ts
   * log.error('exporter-crashed', 'exporter threw synchronously; batch dropped');
   * ```
   */
  error(kind: string, message: string): void {
    this.emit('error', kind, message);
  }

  private emit(level: 'warn' | 'error', kind: string, message: string): void {
    const now = Date.now();
    const entry = this.last.get(kind);
    if (entry && now - entry.at < this.intervalMs) {
      entry.suppressed++;
      return;
    }
    const suffix = entry && entry.suppressed > 0 ? ` (${entry.suppressed} similar messages suppressed)` : '';
    this.last.set(kind, { at: now, suppressed: 0 });
    try {
      this.logger[level](message + suffix);
    } catch {
      /* a broken logger must not break tracing */
    }
  }
}
