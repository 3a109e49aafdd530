import * as http from 'node:http';
import * as https from 'node:https';
import type { Logger, Sampler, SpanContext } from '../api/types';
import { redactUrlCredentials } from '../config/ConfigError';
import { PerOperationSampler } from './PerOperationSampler';
import { ProbabilisticSampler } from './ProbabilisticSampler';
import { RateLimitingSampler } from './RateLimitingSampler';
import { parseStrategy, type SamplingStrategy } from './strategy';

/**
 * Options of {@link RemoteSampler}. Times in ms.
 *
 * @example
 * ```ts
 * new RemoteSampler({ serviceName: 'orders', samplingEndpoint: 'http://agent:5778/sampling', refreshInterval: 30000 });
 * ```
 */
export interface RemoteSamplerOptions {
  /** The service whose strategy is asked for (`?service=NAME`). */
  serviceName: string;
  /** Strategy endpoint; default `http://<agentHost or 127.0.0.1>:5778/sampling`. */
  samplingEndpoint?: string;
  /** Jaeger agent host used for the default endpoint. */
  agentHost?: string;
  /** Initial probability used until a strategy arrives (default 0.001, as Jaeger). */
  param?: number;
  /** Sampler used until a strategy arrives; overrides `param`. */
  initialSampler?: Sampler;
  /** Polling interval in ms (default 60000). */
  refreshInterval?: number;
  /** Timeout of one strategy request in ms (default 5000, at most `refreshInterval`). */
  timeout?: number;
  /** Most operation names with their own per-operation state (default 2000). */
  maxOperations?: number;
  /** Fetch right away (default true); else the first fetch happens after `refreshInterval` or on `fetchNow()`. */
  fetchOnStart?: boolean;
  /** Where fetch failures are reported (once per outage). */
  logger?: Logger;
  /** Clock in ms for the rate limiters (tests). */
  now?: () => number;
}

/** Largest strategy response read, in bytes. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * Jaeger remote sampling: polls the agent's (or collector's) sampling endpoint
 * `GET {samplingEndpoint}?service=NAME` every `refreshInterval` ms and applies the strategy
 * it returns — probabilistic, rate limiting, or per-operation probabilities with a
 * lower bound (see `parseStrategy` for the accepted JSON forms).
 *
 * Until the first strategy arrives — endpoint unreachable, HTTP error, timeout, not JSON,
 * or not a valid strategy — it uses the initial sampler (probabilistic `param`, default
 * 0.001). Once a strategy has been applied, a failed poll keeps the last good strategy, as
 * Jaeger's clients do, so a flapping agent does not make the rate jump. Each outage is
 * logged once (warn), its end once (info); the endpoint is logged without credentials.
 * Nothing is ever thrown.
 *
 * The poll timer and the background requests' sockets are `unref`'d: the sampler never keeps
 * the process alive (an explicit `fetchNow()` does, until it completes or times out).
 * `close()` stops polling. Uses `node:http`/`node:https` with a per-request timeout
 * and a 1 MiB response cap.
 *
 * A RemoteSampler decides for new traces only; `createSampler` wraps it in a
 * `ParentBasedSampler` so a remote parent's decision wins.
 *
 * @see https://www.jaegertracing.io/docs/latest/sampling/#remote-sampling
 * @example
 * ```ts
 * const s = new RemoteSampler({ serviceName: 'orders', agentHost: 'jaeger', refreshInterval: 30000, logger });
 * s.shouldSample('GET /orders', undefined, traceId);
 * s.close();
 * ```
 */
export class RemoteSampler implements Sampler {
  /** The service name sent as `?service=`. */
  readonly serviceName: string;
  /** The strategy endpoint (without the `service` parameter). */
  readonly samplingEndpoint: string;
  /** Polling interval, ms. */
  readonly refreshInterval: number;
  /** Request timeout, ms. */
  readonly timeout: number;
  /** The sampler used until a strategy arrives. */
  readonly initialSampler: Sampler;

  private current: Sampler;
  private strategyJson: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private failing = false;
  private chain: Promise<void> = Promise.resolve();
  private readonly logger: Logger | undefined;
  private readonly maxOperations: number;
  private readonly now: (() => number) | undefined;
  private readonly inflight = new Set<http.ClientRequest>();

  /** @param options - see {@link RemoteSamplerOptions} */
  constructor(options: RemoteSamplerOptions) {
    this.serviceName = options.serviceName;
    this.samplingEndpoint = options.samplingEndpoint ?? `http://${hostForUrl(options.agentHost ?? '127.0.0.1')}:5778/sampling`;
    this.refreshInterval = options.refreshInterval ?? 60000;
    this.timeout = Math.min(options.timeout ?? 5000, this.refreshInterval);
    this.initialSampler = options.initialSampler ?? new ProbabilisticSampler(options.param ?? 0.001);
    this.current = this.initialSampler;
    this.logger = options.logger;
    this.maxOperations = options.maxOperations ?? 2000;
    this.now = options.now;
    this.schedule(options.fetchOnStart === false ? this.refreshInterval : 0);
  }

  /**
   * Delegates to the current strategy's sampler. Never throws.
   *
   * Before the first strategy arrives (e.g. while the agent is unreachable at start) that is the initial sampler.
   *
   * @example
   * ```ts
   * const sampled = remote.shouldSample('GET /orders', undefined, traceId);
   * ```
   */
  shouldSample(operationName: string, parent: SpanContext | undefined, traceId: string): boolean {
    try {
      return this.current.shouldSample(operationName, parent, traceId);
    } catch {
      return false;
    }
  }

  /** The sampler currently applied (the initial one until a strategy arrives). */
  get currentSampler(): Sampler {
    return this.current;
  }

  /**
   * Fetches the strategy now (after any fetch in progress) and applies it.
   * Resolves when done, whether or not it succeeded; never rejects. Unlike the background
   * polls, this request keeps the process alive until it completes or times out, so a
   * script may `await` it.
   *
   * Spec: Jaeger remote sampling, `GET {samplingEndpoint}?service={serviceName}` (agent port 5778).
   * @example
   * ```ts
   * const remote = new RemoteSampler({ serviceName: 'orders', agentHost: '127.0.0.1' });
   * await remote.fetchNow();
   * String(remote.currentSampler); // e.g. 'ProbabilisticSampler{0.2}' from the agent's strategy
   * ```
   */
  fetchNow(): Promise<void> {
    return this.enqueue(true);
  }

  private enqueue(keepAlive: boolean): Promise<void> {
    const next = this.chain.then(() => this.fetchOnce(keepAlive)).catch(() => undefined); // never rejects, never breaks the chain
    this.chain = next;
    return next;
  }

  /**
   * Stops polling and aborts a request in progress. Idempotent.
   *
   * @example
   * ```ts
   * process.on('SIGTERM', () => remote.close());
   * ```
   */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const req of this.inflight) req.destroy();
    this.inflight.clear();
  }

  /**
   * Description for logs (credentials in the endpoint URL are redacted), e.g.
   * `RemoteSampler{service=orders, endpoint=http://127.0.0.1:5778/sampling, current=ProbabilisticSampler{0.001}}`.
   *
   * @example
   * ```ts
   * logger.info(`sampler: ${String(remote)}`);
   * ```
   */
  toString(): string {
    return `RemoteSampler{service=${this.serviceName}, endpoint=${redactUrlCredentials(this.samplingEndpoint)}, current=${String(this.current)}}`;
  }

  private schedule(delay: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.enqueue(false).then(() => this.schedule(this.refreshInterval));
    }, delay);
    this.timer.unref();
  }

  private async fetchOnce(keepAlive: boolean): Promise<void> {
    if (this.closed) return;
    let strategy: SamplingStrategy | undefined;
    let reason: string;
    try {
      const body = await this.request(keepAlive);
      strategy = parseStrategy(body);
      reason = 'response is not a valid sampling strategy';
    } catch (err) {
      reason = err instanceof Error ? err.message : 'request failed';
    }
    if (this.closed) return;
    if (!strategy) {
      if (!this.failing) {
        this.failing = true;
        const using = this.current === this.initialSampler ? `initial sampler ${String(this.initialSampler)}` : `last strategy ${String(this.current)}`;
        this.log('warn', `remote sampling strategy unavailable from ${redactUrlCredentials(this.samplingEndpoint)} (${reason}); using ${using} (logged once per outage)`);
      }
      return;
    }
    if (this.failing) {
      this.failing = false;
      this.log('info', `remote sampling strategy available again from ${redactUrlCredentials(this.samplingEndpoint)}`);
    }
    const json = JSON.stringify(strategy);
    if (json === this.strategyJson) return; // unchanged: keep rate-limiter state
    this.strategyJson = json;
    this.current = this.build(strategy);
  }

  private build(s: SamplingStrategy): Sampler {
    switch (s.kind) {
      case 'probabilistic':
        return new ProbabilisticSampler(s.samplingRate);
      case 'ratelimiting':
        return new RateLimitingSampler(s.maxTracesPerSecond, this.now);
      case 'perOperation':
        return new PerOperationSampler(s, this.maxOperations, this.now);
    }
  }

  private log(level: 'warn' | 'info', message: string): void {
    try {
      this.logger?.[level](message);
    } catch {
      /* never let a logger break sampling */
    }
  }

  private request(keepAlive: boolean): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      let url: URL;
      try {
        url = new URL(this.samplingEndpoint);
        url.searchParams.set('service', this.serviceName);
      } catch {
        reject(new Error('invalid sampling endpoint URL'));
        return;
      }
      const mod = url.protocol === 'https:' ? https : http;
      let settled = false;
      const done = (err: Error | undefined, value?: unknown): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        this.inflight.delete(req);
        if (err) reject(err);
        else resolve(value);
      };
      const req = mod.get(url, { agent: false, headers: { accept: 'application/json' } }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          done(new Error(`HTTP ${res.statusCode ?? '?'}`));
          req.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_RESPONSE_BYTES) {
            done(new Error('response larger than 1 MiB'));
            req.destroy();
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          try {
            done(undefined, JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
          } catch {
            done(new Error('response is not JSON'));
          }
        });
        res.on('error', (e) => done(e));
        res.on('aborted', () => done(new Error('response aborted')));
      });
      const deadline = setTimeout(() => {
        done(new Error(`timed out after ${this.timeout} ms`));
        req.destroy();
      }, this.timeout);
      if (!keepAlive) deadline.unref();
      this.inflight.add(req);
      if (!keepAlive) req.on('socket', (s) => s.unref());
      req.on('error', (e) => done(new Error(e.message.replace(/\?.*$/, ''))));
      req.on('close', () => done(new Error('connection closed')));
    });
  }
}

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
