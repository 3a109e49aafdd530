/**
 * jaeger-client 3.19 (`initTracer`, const sampler) with AsyncLocalStorage for the active
 * span (jaeger-client has no context manager; OpenTracing leaves that to the app).
 *
 * Modes: `discard` → a reporter object that drops spans (report/close/setProcess);
 * `encode` → the client's own `RemoteReporter` + `UDPSender` (Thrift `emitBatch`, converted
 * at `finish()` as the client does) with the socket's `send` replaced by a no-op;
 * `hold` → `InMemoryReporter` (span objects) — see also {@link createJaegerThriftHoldImpl}.
 *
 * @packageDocumentation
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { initTracer, type Reporter } from 'jaeger-client';
import type { Span } from 'opentracing';
import { CHILD_NAME, PARENT_NAME, TAG_KEYS, TAG_VALUES, type Mode, type SpanImpl } from '../impl';

interface UdpSenderLike {
  _client: { send: (...args: unknown[]) => void; close(): void };
  flush(cb?: () => void): void;
}
type UdpSenderCtor = new (options: { host: string; port: number; logger?: unknown }) => UdpSenderLike;
interface InMemoryReporterLike extends Reporter {
  readonly spans: unknown[];
  clear(): void;
}
interface JaegerExtras {
  InMemoryReporter: new () => InMemoryReporterLike;
  RemoteReporter: new (sender: UdpSenderLike, options: { logger?: unknown; bufferFlushInterval?: number }) => Reporter;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { InMemoryReporter, RemoteReporter } = require('jaeger-client') as JaegerExtras;
interface ThriftUtilsLike {
  spanToThrift(span: Span): unknown;
}

const quietLogger = { info: (): void => {}, error: (): void => {} };

/** Bytes of Thrift produced by `encode`-mode senders. */
export let jaegerBytes = 0;

/**
 * jaeger-client's tracer (`initTracer`, const sampler, quiet logger) reporting to `reporter`.
 *
 * @example
 * ```ts
 * const tracer = buildTracer(new InMemoryReporter());
 * ```
 */
export function buildTracer(reporter: Reporter): ReturnType<typeof initTracer> {
  return initTracer(
    { serviceName: 'bench', sampler: { type: 'const', param: 1 } },
    { reporter, logger: quietLogger },
  );
}

/**
 * The shared workload ({@link SpanImpl.run}) on a jaeger-client tracer, the active span kept
 * in an AsyncLocalStorage of its own.
 *
 * @example
 * ```ts
 * workload(buildTracer(reporter))(10, 99); // 1,000 spans reported
 * ```
 */
export function workload(tracer: ReturnType<typeof initTracer>): (parents: number, children: number) => void {
  const als = new AsyncLocalStorage<Span>();
  const k0 = TAG_KEYS[0], k1 = TAG_KEYS[1], k2 = TAG_KEYS[2];
  const v0 = TAG_VALUES[0], v1 = TAG_VALUES[1], v2 = TAG_VALUES[2];
  const child = (): void => {
    const span = als.getStore() as Span;
    span.setTag(k0, v0);
    span.setTag(k1, v1);
    span.setTag(k2, v2);
    span.finish();
  };
  const parentBody = (children: number): void => {
    for (let c = 0; c < children; c++) {
      const span = tracer.startSpan(CHILD_NAME, { childOf: als.getStore() });
      als.run(span, child);
    }
  };
  return (parents: number, children: number): void => {
    for (let p = 0; p < parents; p++) {
      const parent = tracer.startSpan(PARENT_NAME);
      als.run(parent, parentBody, children);
      parent.finish();
    }
  };
}

/**
 * jaeger-client for one mode.
 *
 * @example
 * ```ts
 * const impl = await createJaegerImpl('encode');
 * impl.run(10, 100); await impl.drain();
 * ```
 */
export async function createJaegerImpl(mode: Mode): Promise<SpanImpl> {
  let reporter: Reporter;
  let memory: InMemoryReporterLike | undefined;
  let sender: UdpSenderLike | undefined;
  if (mode === 'discard') {
    reporter = { report: () => {}, close: (cb?: () => void) => cb?.(), setProcess: () => {} };
  } else if (mode === 'hold') {
    memory = new InMemoryReporter();
    reporter = memory;
  } else {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const UDPSender = (require('jaeger-client/dist/src/reporters/udp_sender') as { default: UdpSenderCtor }).default;
    sender = new UDPSender({ host: '127.0.0.1', port: 9, logger: quietLogger });
    const s = sender;
    s._client.close();
    s._client = {
      send: (...args: unknown[]): void => {
        const buf = args[0] as Buffer;
        jaegerBytes += buf.length;
        const cb = args[args.length - 1] as (err: Error | null, sent: number) => void;
        cb(null, buf.length);
      },
      close: () => {},
    };
    reporter = new RemoteReporter(s, { logger: quietLogger, bufferFlushInterval: 1e9 });
  }
  const tracer = buildTracer(reporter);
  const run = workload(tracer);
  return {
    name: 'jaeger-client',
    run,
    async drain(): Promise<void> {
      if (sender) sender.flush();
      if (memory) memory.clear();
    },
    async close(): Promise<void> {
      await new Promise<void>((resolve) => tracer.close(() => resolve()));
    },
    held(): number {
      return memory ? memory.spans.length : -1;
    },
  };
}

/**
 * jaeger-client in `hold` mode with spans kept as the Thrift objects its RemoteReporter
 * buffers (`ThriftUtils.spanToThrift` at `finish()`), i.e. what its real queue holds.
 *
 * @example
 * ```ts
 * const impl = await createJaegerThriftHoldImpl();
 * ```
 */
export async function createJaegerThriftHoldImpl(): Promise<SpanImpl> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ThriftUtils = (require('jaeger-client/dist/src/thrift') as { default: ThriftUtilsLike }).default;
  const queue: unknown[] = [];
  const reporter: Reporter = {
    report: (span) => {
      queue.push(ThriftUtils.spanToThrift(span));
    },
    close: (cb?: () => void) => cb?.(),
    setProcess: () => {},
  };
  const tracer = buildTracer(reporter);
  return {
    name: 'jaeger-client (as Thrift)',
    run: workload(tracer),
    drain: async () => {
      queue.length = 0;
    },
    close: async () => {
      await new Promise<void>((resolve) => tracer.close(() => resolve()));
    },
    held: () => queue.length,
  };
}
