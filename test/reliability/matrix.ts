/**
 * The fault × backend matrix: for each backend, the traced demo chain runs against each
 * fault that applies to its transport, and each cell asserts that tracing did no harm:
 *
 * - every app request succeeds, with latency within 2× + 20 ms (median) and, very loosely,
 *   4× + 400 ms (p99) of the same backend's healthy run;
 * - nothing is lost uncounted: after `shutdown()` every tracer has `finished === exported +
 *   dropped` and an empty queue; against a collector that never accepts, `exported` is 0;
 * - what the stand-in received has unique span ids (nothing sent twice) — except where the
 *   collector answered after the exporter's timeout (`slow`), or received a batch whose
 *   acknowledgement a kill cut off: at-least-once, reported in the table, not asserted;
 * - warnings are rate-limited: each kind of message at most once per 5 s interval per tracer;
 * - no unhandled rejection, no uncaught exception.
 *
 * @packageDocumentation
 */
import * as grpc from '@grpc/grpc-js';
import type { ReporterConfig, TracerConfig } from '../../src';
import type { ReceivedSpan, RunningStandIn } from '../conformance/harness';
import { captureLogs, quantile, runTracedApp, type AppRunResult, type LogLine } from './app';
import { backend as backendByLabel, backendName, endpointFor, pointAt, type BackendUnderTest, type Transport } from './backends';
import { closedPort, startFaultProxy, startGrpcStatusServer, startHttpStatusServer, startUdpRelay } from './faults';
import { writeResults, type ResultRow } from './results';

/** What a cell may expect of delivery. */
type Expectation =
  /** A healthy path: every span arrives exactly once, nothing dropped. */
  | 'all-delivered'
  /** No collector accepts anything: nothing exported, everything counted as dropped. */
  | 'none-delivered'
  /** Part delivered, part dropped: only the accounting and uniqueness are asserted. */
  | 'accounted';

/** A fault prepared for one backend. */
interface PreparedFault {
  config: Partial<TracerConfig>;
  /** The real stand-in behind the fault, when there is one. */
  standIn?: RunningStandIn;
  before?: (i: number) => Promise<void> | void;
  afterRequests?: () => Promise<void> | void;
  expectation: Expectation;
  /** Whether span ids may repeat at the stand-in (a collector answering after the timeout). */
  duplicatesPossible?: boolean;
  /**
   * Span ids that may arrive twice: those the stand-in had already received when the
   * collector was cut off (a kill can lose the acknowledgement of a batch it received; the
   * retry then sends it again — at-least-once). Spans queued during the outage may not repeat.
   */
  ackLostIds?: () => ReadonlySet<string>;
  /** Export requests the fault collector received (to check each failed attempt is one request: no hidden retries). */
  attempts?: () => number;
  shutdownDeadlineMs: number;
  cleanup(): Promise<void>;
}

/** A fault of the catalogue. */
interface FaultCase {
  name: string;
  applies(t: Transport): boolean;
  prepare(b: BackendUnderTest, requests: number): Promise<PreparedFault>;
}

/** Requests per cell, in-flight requests, pause between requests (ms). */
const REQUESTS = 48;
const CONCURRENCY = 3;
const PAUSE_MS = 5;

/** The pipeline settings of every cell: small batches, frequent flushes, a short timeout, one retry. */
const FAST: ReporterConfig = { flushInterval: 50, maxBatchSize: 64, timeout: 250, maxRetries: 1, queueSize: 2048 };

function withReporter(config: Partial<TracerConfig>, reporter: ReporterConfig): Partial<TracerConfig> {
  return { ...config, reporter: { ...(config.reporter ?? {}), ...reporter } };
}

function deadEndpoint(b: BackendUnderTest, port: number): Partial<TracerConfig> {
  return { backend: backendName(b.label), endpoint: endpointFor(b.label, port) };
}

const noCleanup = async (): Promise<void> => undefined;

/** Every fault, in table order. */
export const FAULTS: readonly FaultCase[] = [
  {
    name: 'healthy',
    applies: () => true,
    async prepare(b) {
      const standIn = await b.harness.start();
      return { config: withReporter(standIn.config, { ...FAST, timeout: 5000 }), standIn, expectation: 'all-delivered', shutdownDeadlineMs: 5000, cleanup: () => standIn.stop() };
    },
  },
  {
    name: 'absent (connection refused)',
    applies: () => true,
    async prepare(b) {
      const port = await closedPort();
      // UDP has no acknowledgement: datagrams to a closed port usually "leave" fine.
      return { config: withReporter(deadEndpoint(b, port), FAST), expectation: b.transport === 'udp' ? 'accounted' : 'none-delivered', shutdownDeadlineMs: 1000, cleanup: noCleanup };
    },
  },
  ...[500, 503, 429].map((status): FaultCase => ({
    name: `HTTP ${status}`,
    applies: (t) => t === 'http',
    async prepare(b) {
      const s = await startHttpStatusServer(status, { retryAfterSeconds: 1 });
      return { config: withReporter(deadEndpoint(b, s.port), FAST), expectation: 'none-delivered', shutdownDeadlineMs: 1000, attempts: () => s.requests.length, cleanup: () => s.stop() };
    },
  })),
  ...[grpc.status.UNAVAILABLE, grpc.status.RESOURCE_EXHAUSTED].map((code): FaultCase => ({
    name: `gRPC ${grpc.status[code]}`,
    applies: (t) => t === 'grpc',
    async prepare(b) {
      const s = await startGrpcStatusServer(code);
      const exportPaths = ['/skywalking.v3.TraceSegmentReportService/collect', '/opentelemetry.proto.collector.trace.v1.TraceService/Export'];
      return {
        config: withReporter(deadEndpoint(b, s.port), FAST),
        expectation: 'none-delivered',
        shutdownDeadlineMs: 1000,
        attempts: () => exportPaths.reduce((n, p) => n + (s.calls.get(p) ?? 0), 0),
        cleanup: () => s.stop(),
      };
    },
  })),
  {
    name: 'accepts, never answers',
    applies: (t) => t !== 'udp',
    async prepare(b) {
      const proxy = await startFaultProxy({ mode: 'hang' });
      return { config: withReporter(deadEndpoint(b, proxy.port), FAST), expectation: 'none-delivered', shutdownDeadlineMs: 1000, cleanup: () => proxy.stop() };
    },
  },
  {
    name: 'resets connections',
    applies: (t) => t !== 'udp',
    async prepare(b) {
      const proxy = await startFaultProxy({ mode: 'reset' });
      return { config: withReporter(deadEndpoint(b, proxy.port), FAST), expectation: 'none-delivered', shutdownDeadlineMs: 1000, cleanup: () => proxy.stop() };
    },
  },
  {
    name: 'answers after 1.5 s (timeout 250 ms)',
    applies: (t) => t !== 'udp',
    async prepare(b) {
      const standIn = await b.harness.start();
      const proxy = await startFaultProxy({ targetPort: portOf(standIn.config) });
      proxy.setResponseDelay(1500);
      return {
        config: withReporter(pointAt(standIn.config, proxy.port), FAST),
        standIn,
        expectation: 'accounted',
        duplicatesPossible: true,
        shutdownDeadlineMs: 1000,
        cleanup: async () => {
          await proxy.stop();
          await standIn.stop();
        },
      };
    },
  },
  {
    name: 'killed mid-run',
    applies: () => true,
    async prepare(b, requests) {
      const standIn = await b.harness.start();
      let stopped = false;
      return {
        config: withReporter(standIn.config, { ...FAST, timeout: 1000 }),
        standIn,
        before: async (i) => {
          if (!stopped && i >= Math.floor(requests / 3)) {
            stopped = true;
            await standIn.stop();
          }
        },
        expectation: 'accounted',
        shutdownDeadlineMs: 1500,
        cleanup: noCleanup,
      };
    },
  },
  {
    name: 'back after a 300 ms outage',
    applies: () => true,
    async prepare(b, requests) {
      const standIn = await b.harness.start();
      const target = portOf(standIn.config);
      const relay = b.transport === 'udp' ? await startUdpRelay(target) : await startFaultProxy({ targetPort: target });
      let back: Promise<void> | undefined;
      let atCut: ReadonlySet<string> = new Set();
      return {
        // Retries: 6 attempts with backoff 200 ms · 2^n ± 50 % span ≥ 6 s, far beyond the outage.
        config: withReporter(pointAt(standIn.config, relay.port), { ...FAST, timeout: 2000, maxRetries: 6 }),
        standIn,
        before: async (i) => {
          if (back === undefined && i >= Math.floor(requests / 4)) {
            await relay.down();
            // What the stand-in got before the cut (50 ms for requests already inside it to finish).
            setTimeout(() => {
              atCut = new Set(standIn.received().map(spanKey));
            }, 50);
            back = new Promise<void>((resolve) => setTimeout(resolve, 300)).then(() => relay.up());
          }
        },
        afterRequests: async () => {
          await back;
        },
        ackLostIds: () => atCut,
        // UDP cannot know the agent was gone: what was sent meanwhile is lost (reported).
        expectation: b.transport === 'udp' ? 'accounted' : 'all-delivered',
        shutdownDeadlineMs: 10_000,
        cleanup: async () => {
          await relay.stop();
          await standIn.stop();
        },
      };
    },
  },
];

/**
 * Checks a backend is known to fail, with the defect they show (see `defects.test.ts`, which
 * reproduces each one deterministically). The matrix skips exactly that check for that backend
 * and notes it in the table; every other check still runs. Empty now: D1 (SkyWalking's
 * buffered spans counted as exported) was fixed in b2c7550.
 */
const KNOWN_DEFECTS: Readonly<Record<string, { check: 'exported-means-delivered'; note: string }>> = {};

function portOf(config: Partial<TracerConfig>): number {
  const m = /127\.0\.0\.1:(\d+)/.exec(String(config.endpoint ?? ''));
  if (!m) throw new Error(`no port in ${String(config.endpoint)}`);
  return Number(m[1]);
}

/** Normalise a log line to its kind: digits, ports and suppression counts do not make a new kind. */
function kindOf(message: string): string {
  return message.replace(/\(\d+ similar messages suppressed\)/, '').replace(/\d+/g, '#').trim();
}

/**
 * Warnings per (service, kind) beyond what "once per interval" allows over `durationMs`
 * (the core's interval is max(flushInterval, 5000) ms).
 */
function excessWarnings(lines: readonly LogLine[], durationMs: number): string[] {
  const allowed = 1 + Math.floor(durationMs / 5000);
  const counts = new Map<string, number>();
  for (const l of lines) {
    if (l.level !== 'warn' && l.level !== 'error') continue;
    const key = `${l.service}: ${kindOf(l.message)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n > allowed).map(([k, n]) => `${n}× ${k}`);
}

function spanKey(s: ReceivedSpan): string {
  return `${s.traceId}/${s.spanId}`;
}

function uniqueIds(spans: readonly ReceivedSpan[]): { distinct: number; duplicates: number; repeated: string[] } {
  const seen = new Set<string>();
  const repeated: string[] = [];
  for (const s of spans) {
    const k = spanKey(s);
    if (seen.has(k)) repeated.push(k);
    else seen.add(k);
  }
  return { distinct: seen.size, duplicates: repeated.length, repeated };
}

/**
 * Register the matrix for `labels` (call at the top level of a test file) and write the rows
 * as results group `group`.
 */
export function runMatrix(group: string, labels: readonly string[]): void {
  const rows: ResultRow[] = [];
  const healthy = new Map<string, AppRunResult>();
  const processErrors: string[] = [];
  const onRejection = (reason: unknown): void => {
    processErrors.push(`unhandledRejection: ${String((reason as Error)?.stack ?? reason)}`);
  };
  const onException = (err: Error): void => {
    processErrors.push(`uncaughtException: ${err.stack ?? err.message}`);
  };

  beforeAll(() => {
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onException);
  });
  afterAll(() => {
    process.removeListener('unhandledRejection', onRejection);
    process.removeListener('uncaughtException', onException);
    const table = writeResults(group, rows);
    console.log(`reliability matrix (${group}):\n${table}`);
  });

  for (const label of labels) {
    const b = backendByLabel(label);
    describe(`${label}`, () => {
      // Warm-up (not recorded): JIT, the adapter's modules, connection pools — so the healthy
      // baseline measures steady state, as the fault cells after it do.
      beforeAll(async () => {
        const standIn = await b.harness.start();
        try {
          await runTracedApp(() => withReporter(standIn.config, { ...FAST, timeout: 5000 }), { requests: REQUESTS, concurrency: CONCURRENCY, pauseMs: 0, shutdownDeadlineMs: 5000 });
        } finally {
          await standIn.stop();
        }
      }, 30_000);
      for (const fault of FAULTS.filter((f) => f.applies(b.transport))) {
        it(`${fault.name}: the app is unharmed and every span is delivered or counted`, async () => {
          const errorsBefore = processErrors.length;
          const prepared = await fault.prepare(b, REQUESTS);
          const logs = captureLogs();
          let run: AppRunResult;
          let received: ReceivedSpan[] | undefined;
          let attempts: number | undefined;
          try {
            run = await runTracedApp((service) => ({ ...prepared.config, logger: logs.logger(service) }), {
              requests: REQUESTS,
              concurrency: CONCURRENCY,
              pauseMs: PAUSE_MS,
              before: prepared.before,
              afterRequests: prepared.afterRequests,
              shutdownDeadlineMs: prepared.shutdownDeadlineMs,
            });
            // Late answers of a slow collector still land on the stand-in: let them.
            if (prepared.duplicatesPossible) await new Promise((r) => setTimeout(r, 300));
          } finally {
            received = prepared.standIn ? prepared.standIn.received() : undefined;
            attempts = prepared.attempts?.();
            await prepared.cleanup();
          }
          if (fault.name === 'healthy') healthy.set(label, run);
          const base = healthy.get(label);
          const p50 = quantile(run.latenciesMs, 0.5);
          const p99 = quantile(run.latenciesMs, 0.99);
          const ids = received ? uniqueIds(received) : undefined;
          const defect = KNOWN_DEFECTS[label];
          const notes: string[] = [];
          if (defect && (run.stats.exported > (ids ? ids.distinct : 0) || run.stats.exported + run.stats.dropped > run.stats.finished) && b.transport !== 'udp') notes.push(defect.note);
          if (b.transport === 'udp' && run.stats.exported > (ids?.distinct ?? 0)) notes.push('UDP: no acknowledgement, spans sent to a dead agent count as exported');
          if (ids && ids.duplicates > 0) {
            notes.push(prepared.duplicatesPossible
              ? 'collector answered after the timeout: the retry re-sent what it had received'
              : 'the cut lost the ack of a batch the collector had received: the retry re-sent it');
          }
          const warnLines = logs.lines.filter((l) => l.level === 'warn' || l.level === 'error');
          rows.push({
            backend: label,
            fault: fault.name,
            appOk: `${run.ok}/${REQUESTS}`,
            p50Ms: p50,
            p99Ms: p99,
            p99OverheadMs: base ? p99 - quantile(base.latenciesMs, 0.99) : 0,
            delivered: ids ? ids.distinct : 'n/a',
            duplicates: ids ? ids.duplicates : 'n/a',
            exported: run.stats.exported,
            dropped: run.stats.dropped,
            finished: run.stats.finished,
            warnings: warnLines.length,
            peakHeapMiB: run.peakHeapBytes / 1024 / 1024,
            shutdownMs: run.shutdownMs,
            notes: notes.join('; '),
          });

          // 1. The app is unharmed.
          expect(run.failed).toBe(0);
          expect(run.ok).toBe(REQUESTS);
          if (base) {
            // An app that waited on the collector would pay its 250 ms+ timeout per request; the
            // 100 ms of slack is for load on the machine between the healthy run and this one
            // (20 ms was seen to fail with other processes busy on both cores).
            expect(p50).toBeLessThanOrEqual(2 * quantile(base.latenciesMs, 0.5) + 100);
            // p99 of 48 requests is their maximum: one GC pause of the jest worker moves it; very loose.
            expect(p99).toBeLessThanOrEqual(4 * quantile(base.latenciesMs, 0.99) + 400);
          }
          expect(processErrors.slice(errorsBefore)).toEqual([]);
          // 2. Nothing lost uncounted: every finished span was exported or counted as dropped.
          expect(run.stats.finished).toBe(REQUESTS * 8);
          for (const [service, s] of Object.entries(run.balanced)) {
            if (defect?.check === 'exported-means-delivered') {
              // D1: buffered spans may be counted twice (exported, then dropped) — never zero times.
              expect({ service, queued: s.queued, covered: s.exported + s.dropped >= s.finished }).toEqual({ service, queued: 0, covered: true });
            } else {
              expect({ service, ...s, sum: s.exported + s.dropped }).toEqual({ service, ...s, sum: s.finished, queued: 0 });
            }
          }
          // 3. Delivery as the fault allows.
          if (prepared.expectation === 'all-delivered') {
            expect(run.stats.dropped).toBe(0);
            expect(ids?.distinct).toBe(run.stats.finished);
            // None twice — except a batch the collector had received when it was cut off.
            const allowed = prepared.ackLostIds?.() ?? new Set<string>();
            expect(ids?.repeated.filter((k) => !allowed.has(k))).toEqual([]);
          } else if (prepared.expectation === 'none-delivered') {
            if (defect?.check !== 'exported-means-delivered') {
              expect(run.stats.exported).toBe(0);
              expect(run.stats.dropped).toBe(run.stats.finished);
            }
            expect(run.stats.exportErrors).toBeGreaterThan(0);
          } else if (ids && !prepared.duplicatesPossible) {
            expect(ids.duplicates).toBe(0);
            // An acknowledged transport delivered at least what it counted as exported.
            if (b.transport !== 'udp' && defect?.check !== 'exported-means-delivered') expect(ids.distinct).toBeGreaterThanOrEqual(run.stats.exported);
          }
          if (prepared.expectation !== 'all-delivered' && prepared.expectation !== 'accounted') expect(run.stats.dropped).toBeGreaterThan(0);
          // Each failed export attempt is exactly one request to the collector: retries are the
          // pipeline's (bounded, counted in exportErrors), none hidden inside an adapter.
          // (SkyWalking's exporter also sends its own segment buffer at flush/shutdown: at most two
          // such calls per tracer — shutdown's flush and the exporter's own — 8 for the chain.)
          if (attempts !== undefined) {
            if (label === 'skywalking') {
              expect(attempts).toBeGreaterThanOrEqual(run.stats.exportErrors);
              expect(attempts).toBeLessThanOrEqual(run.stats.exportErrors + 8);
            } else {
              expect(attempts).toBe(run.stats.exportErrors);
            }
          }
          // 4. Warnings rate-limited, and there are some when spans were dropped.
          expect(excessWarnings(logs.lines, run.requestPhaseMs + run.shutdownMs)).toEqual([]);
          if (run.stats.dropped > 0) expect(warnLines.length).toBeGreaterThan(0);
        }, 30_000);
      }
    });
  }
}
