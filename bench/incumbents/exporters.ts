/**
 * Section 5's incumbents: each vendor's own client sending the shared workload's finished
 * spans to the same local discard receiver our adapter sends to, timed the way ours is.
 *
 * Ours is timed from a queue of finished spans to the last batch acknowledged (`flush()`:
 * encoding and sending). Each vendor client here holds the finished spans of a round as its
 * tracer hands them over (untimed, like our queue), then the timed part gives them to its own
 * reporting path and waits until every span is acknowledged:
 * - jaeger-client 3.19: `RemoteReporter.report()` per span (its Thrift conversion) into an
 *   `HTTPSender` (batches of its default 100 spans, each POSTed when full, keep-alive) or a
 *   `UDPSender` (`emitBatch` datagrams of up to 65,000 bytes; one datagram in flight, the next
 *   report waiting for the send, as ours sends over UDP: handed a burst at once, its sender puts
 *   the span that overflowed each datagram back into its batch after the send, unchecked, and the
 *   next datagram outgrows 65,000 bytes, EMSGSIZE), then `flush()` (again for spans put back, as
 *   its flush timer would); acknowledged = its `reporterSuccess` metric;
 * - zipkin-js 0.22: zipkin-transport-http's `HttpLogger.logSpan()` per span (its JSON v2
 *   encoding), `processQueue()` after every 512 (our batch size; its own timer would send the
 *   whole queue as one body), keep-alive agent; acknowledged = its `success` events;
 * - SkyWalking agent 0.9: its gRPC `TraceReportClient` (the agent's reporter, made without
 *   `agent.start()`, which would patch modules), buffering finished segments as in the agent,
 *   then `flush()` (one `collect` stream, a `SegmentObject` per trace).
 * A round in which anything fails or goes unacknowledged throws (the row shows the error).
 *
 * @packageDocumentation
 */
import * as http from 'node:http';
import type { Reporter } from 'jaeger-client';
import { jsonEncoder, type model } from 'zipkin';
import { HttpLogger } from 'zipkin-transport-http';
import type Segment from 'skywalking-backend-js/lib/trace/context/Segment';
import { buildTracer, workload as jaegerWorkload } from './jaeger';
import { loadSkyWalking, skywalkingWorkload } from './skywalking';
import { zipkinWorkload } from './zipkin';

/** One incumbent row of section 5: a round fills and sends `parents × (children + 1)` spans. */
export interface ExportCase {
  round(): Promise<{ spansPerSec: number }>;
  close(): Promise<void>;
}

/** Longest a round may wait for its acknowledgements, ms. */
const ROUND_TIMEOUT_MS = 60_000;

/**
 * A promise settled by `done()` / `fail()`, or rejected after {@link ROUND_TIMEOUT_MS}
 * (60 s) with `what: not acknowledged within … ms`. `done()` after the first settle is a no-op.
 *
 * @example
 * ```ts
 * const w = waiter('zipkin-js');
 * logger.on('success', () => w.done());
 * await w.promise;
 * ```
 */
export function waiter(what: string): { promise: Promise<void>; done(): void; fail(err: unknown): void } {
  let done!: () => void;
  let fail!: (err: unknown) => void;
  const promise = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: not acknowledged within ${ROUND_TIMEOUT_MS} ms`)), ROUND_TIMEOUT_MS);
    done = () => {
      clearTimeout(timer);
      resolve();
    };
    fail = (err) => {
      clearTimeout(timer);
      reject(err instanceof Error ? err : new Error(String(err)));
    };
  });
  return { promise, done, fail };
}

interface Counter {
  increment(n: number): void;
}
/** What the bench reads of a jaeger-client sender: its pending batch. */
interface JaegerSender {
  _batch?: { spans: unknown[] };
}
interface JaegerClassesLike {
  RemoteReporter: new (sender: JaegerSender, options: { logger?: unknown; bufferFlushInterval?: number; metrics?: unknown }) => Reporter & {
    flush(cb?: () => void): void;
    close(cb?: () => void): void;
  };
}
/* eslint-disable @typescript-eslint/no-require-imports */
const { RemoteReporter } = require('jaeger-client') as JaegerClassesLike;
const HTTPSender = (require('jaeger-client/dist/src/reporters/http_sender') as { default: new (o: object) => JaegerSender }).default;
const UDPSender = (require('jaeger-client/dist/src/reporters/udp_sender') as { default: new (o: object) => JaegerSender }).default;
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * jaeger-client's `RemoteReporter` with its HTTP sender (to a collector's `/api/traces`) or
 * its UDP sender (to an agent's `emitBatch` port).
 *
 * @param to - `{ http: 'http://127.0.0.1:PORT/api/traces' }` or `{ udp: PORT }` (on 127.0.0.1).
 * @throws Error from a round: a failed or dropped send, or no acknowledgement within 60 s.
 * @example
 * ```ts
 * const c = jaegerExportCase({ udp: ports.udp }, 500, 99);
 * console.log((await c.round()).spansPerSec);
 * ```
 */
export function jaegerExportCase(to: { http: string } | { udp: number }, parents: number, children: number): ExportCase {
  let acknowledged = 0;
  let failure: string | undefined;
  // Called with the spans a callback settled: 0 for a report that only filled the batch.
  let onChange: ((settled: number) => void) | undefined;
  const quiet = { info: (): void => {}, error: (msg: string): void => void (failure ??= msg) };
  const ok: Counter = {
    increment: (n) => {
      acknowledged += n;
      onChange?.(n);
    },
  };
  const bad: Counter = {
    increment: (n) => {
      if (n > 0) failure ??= `${n} spans not delivered`;
      onChange?.(n);
    },
  };
  const metrics = { reporterSuccess: ok, reporterDropped: bad, reporterFailure: bad };
  const sender =
    'http' in to
      ? new HTTPSender({ endpoint: to.http, logger: quiet })
      : new UDPSender({ host: '127.0.0.1', port: to.udp, logger: quiet });
  const paced = !('http' in to);
  const remote = new RemoteReporter(sender, { logger: quiet, bufferFlushInterval: 1e9, metrics });
  const held: Parameters<Reporter['report']>[0][] = [];
  const holding: Reporter = {
    report: (span) => void held.push(span),
    setProcess: (name: string, tags: unknown) => (remote as unknown as { setProcess(n: string, t: unknown): void }).setProcess(name, tags),
    close: (cb?: () => void) => cb?.(),
  } as Reporter;
  const tracer = buildTracer(holding);
  const run = jaegerWorkload(tracer);
  const spans = parents * (children + 1);
  return {
    async round() {
      run(parents, children);
      if (held.length !== spans) throw new Error(`jaeger-client finished ${held.length}/${spans} spans`);
      const before = acknowledged;
      const w = waiter('jaeger-client');
      let flushQueued = false;
      let reporting = true;
      let ack: (() => void) | undefined;
      onChange = (settled) => {
        if (settled > 0 || failure !== undefined) {
          const a = ack; // a datagram's send has settled: the paced loop may go on
          ack = undefined;
          a?.();
        }
        if (failure !== undefined) w.fail(failure);
        else if (acknowledged - before >= spans) w.done();
        else if (!reporting && !flushQueued && (sender._batch?.spans.length ?? 0) > 0) {
          // UDPSender puts the span that overflowed a datagram back into its batch only in
          // the send's callback: send those too, as its flush timer would.
          flushQueued = true;
          setImmediate(() => {
            flushQueued = false;
            remote.flush();
          });
        }
      };
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < held.length; i++) {
        remote.report(held[i]);
        // UDP: a report that filled a datagram started its send with the batch emptied; wait for
        // it (one datagram in flight, as ours sends over UDP), or the spans put back after each
        // send overfill the next datagram past 65,000 bytes (EMSGSIZE) — a known gap of its sender.
        if (paced && (sender._batch?.spans.length ?? 1) === 0) {
          await new Promise<void>((resolve) => (ack = resolve));
          if (failure !== undefined) break;
        }
      }
      held.length = 0;
      reporting = false;
      remote.flush();
      await w.promise;
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      onChange = undefined;
      return { spansPerSec: spans / s };
    },
    close: () =>
      new Promise<void>((resolve) => {
        onChange = undefined;
        remote.close(() => tracer.close(() => resolve()));
      }),
  };
}

/** HttpLogger members its declarations omit. */
interface HttpLoggerInternals {
  queue: string[];
  processQueue(fetchImpl: unknown): void;
  fetchImplementation: unknown;
  on(event: 'success' | 'error', listener: (arg?: unknown) => void): void;
}

/**
 * zipkin-js with zipkin-transport-http's `HttpLogger` (JSON v2, its default fetch) to a
 * collector's `/api/v2/spans`.
 *
 * @param url - e.g. `http://127.0.0.1:PORT/api/v2/spans`.
 * @throws Error from a round: an `error` event (non-2xx or network), or no answer within 60 s.
 * @example
 * ```ts
 * const c = zipkinExportCase(`http://127.0.0.1:${ports.http}/api/v2/spans`, 500, 99);
 * ```
 */
export function zipkinExportCase(url: string, parents: number, children: number): ExportCase {
  const agent = new http.Agent({ keepAlive: true });
  const logger = new HttpLogger({
    endpoint: url,
    jsonEncoder: jsonEncoder.JSON_V2,
    httpInterval: 1e9,
    agent,
    log: { error: (): void => {} },
  } as ConstructorParameters<typeof HttpLogger>[0]) as HttpLogger & HttpLoggerInternals;
  let answered = 0;
  let onChange: ((err?: unknown) => void) | undefined;
  logger.on('success', () => {
    answered++;
    onChange?.();
  });
  logger.on('error', (err: unknown) => onChange?.(err ?? new Error('zipkin HttpLogger error')));
  const held: model.Span[] = [];
  const run = zipkinWorkload({ logSpan: (span: model.Span) => void held.push(span) });
  const spans = parents * (children + 1);
  const BATCH = 512;
  return {
    async round() {
      run(parents, children);
      if (held.length !== spans) throw new Error(`zipkin-js finished ${held.length}/${spans} spans`);
      const batches = Math.ceil(spans / BATCH);
      const before = answered;
      const w = waiter('zipkin-js');
      onChange = (err) => {
        if (err !== undefined) w.fail(err);
        else if (answered - before >= batches) w.done();
      };
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < held.length; i++) {
        logger.logSpan(held[i]);
        if ((i + 1) % BATCH === 0) logger.processQueue(logger.fetchImplementation);
      }
      logger.processQueue(logger.fetchImplementation);
      held.length = 0;
      await w.promise;
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      onChange = undefined;
      return { spansPerSec: spans / s };
    },
    async close() {
      onChange = undefined;
      logger.queue.length = 0;
      agent.destroy();
    },
  };
}

interface TraceReportClientLike {
  buffer: Segment[];
  reporterClient: {
    collect(...args: unknown[]): unknown;
    waitForReady(deadline: number, cb: (err?: Error) => void): void;
  };
  flush(): Promise<void> | null;
  destroy(): void;
}

/**
 * The SkyWalking agent's gRPC `TraceReportClient` to an OAP's `TraceSegmentReportService`.
 * Resolves once its channel is ready.
 *
 * @param address - `host:port` of the OAP (stand-in).
 * @throws Error (rejects) when the channel is not ready within 10 s; from a round: a failed
 * `collect` stream, or no answer within 60 s.
 * @example
 * ```ts
 * const c = await skywalkingExportCase(`127.0.0.1:${ports.grpc}`, 500, 99);
 * ```
 */
export async function skywalkingExportCase(address: string, parents: number, children: number): Promise<ExportCase> {
  const { ContextManager } = loadSkyWalking();
  /* eslint-disable @typescript-eslint/no-require-imports */
  const cfg = (require('skywalking-backend-js/lib/config/AgentConfig') as { default: { collectorAddress: string } }).default;
  cfg.collectorAddress = address;
  const Client = (require('skywalking-backend-js/lib/agent/protocol/grpc/clients/TraceReportClient') as { default: new () => TraceReportClientLike }).default;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const client = new Client();
  await new Promise<void>((resolve, reject) =>
    client.reporterClient.waitForReady(Date.now() + 10_000, (err) => (err ? reject(err) : resolve())),
  );
  // The agent logs a failed stream and resolves flush() all the same: catch the error here.
  let streamError: unknown;
  const collect = client.reporterClient.collect.bind(client.reporterClient);
  client.reporterClient.collect = (...args: unknown[]) => {
    const cb = args[args.length - 1] as (err: unknown, res: unknown) => void;
    args[args.length - 1] = (err: unknown, res: unknown): void => {
      if (err) streamError ??= err;
      cb(err, res);
    };
    return collect(...args);
  };
  const run = skywalkingWorkload(ContextManager);
  const spans = parents * (children + 1);
  return {
    async round() {
      run(parents, children);
      let buffered = 0;
      for (const seg of client.buffer) buffered += seg.spans.length;
      if (buffered !== spans) throw new Error(`SkyWalking agent buffered ${buffered}/${spans} spans`);
      streamError = undefined;
      const w = waiter('SkyWalking agent');
      const t0 = process.hrtime.bigint();
      const flushed = client.flush();
      if (flushed === null) throw new Error('SkyWalking agent: nothing to flush');
      flushed.then(w.done, w.fail);
      await w.promise;
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      if (streamError !== undefined) throw streamError instanceof Error ? streamError : new Error(String(streamError));
      if (client.buffer.length !== 0) throw new Error('SkyWalking agent: segments left unsent (channel not ready)');
      return { spansPerSec: spans / s };
    },
    async close() {
      client.destroy();
    },
  };
}
