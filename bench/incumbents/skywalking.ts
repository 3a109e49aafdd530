/**
 * The SkyWalking Node agent's `ContextManager` (skywalking-backend-js 0.9), used directly
 * without `agent.start()` (which would patch `http` and open a gRPC channel to an OAP).
 *
 * What it needs to create real spans rather than `DummySpan`s without `agent.start()`:
 * 1. `finalizeConfig(AgentConfig)` — before it, `AgentConfig.reIgnoreOperation` is
 *    `RegExp('')`, which matches every operation name, so every span is a DummySpan;
 * 2. the per-reporting-frame segment limiter (`SpanContext.nActiveSegments <
 *    AgentConfig.maxBufferSize`, default 1000) must be reset: the agent's reporter does it by
 *    emitting `segments-sent` on its internal emitter every second; we emit it in `drain()`
 *    and raise `maxBufferSize` so one run never reaches it.
 * The setup checks that the spans it gets are real (not DummySpan) and throws otherwise.
 *
 * Activation: the agent's own — `span.start()` pushes the span on the ContextManager's
 * AsyncLocalStorage span stack (`enterWith`), `span.stop()` pops it.
 *
 * Modes: `discard` → finished segments are dropped (no reporter listening);
 * `encode` → each finished segment is buffered as the agent's TraceReportClient does and
 * encoded at drain with the agent's own `SegmentObjectAdapter(segment).serializeBinary()`
 * (the SegmentObject protobuf its gRPC stream writes); `hold` → segments stay in the buffer.
 *
 * @packageDocumentation
 */
import { CHILD_NAME, PARENT_NAME, TAG_KEYS, TAG_VALUES, type Mode, type SpanImpl } from '../impl';
import type SwSpan from 'skywalking-backend-js/lib/trace/span/Span';
import type Segment from 'skywalking-backend-js/lib/trace/context/Segment';
import type { Tag } from 'skywalking-backend-js/lib/Tag';
import type { EventEmitter } from 'node:events';

/** What the bench uses of the agent's `ContextManager`. */
export interface ContextManagerLike {
  readonly current: { newLocalSpan(operation: string): SwSpan };
}
type AdapterCtor = new (segment: Segment) => { serializeBinary(): Uint8Array };

/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * The agent's modules this bench uses, with its config finalized (service `bench`, instance
 * `bench-1`, segment limiter out of reach) so that `ContextManager` hands out real spans.
 *
 * @example
 * ```ts
 * const { ContextManager } = loadSkyWalking();
 * ```
 */
export function loadSkyWalking(): {
  ContextManager: ContextManagerLike;
  emitter: EventEmitter;
  SegmentObjectAdapter: AdapterCtor;
  DummySpan: abstract new (...args: never[]) => unknown;
} {
  const cfg = require('skywalking-backend-js/lib/config/AgentConfig') as {
    default: { serviceName: string; serviceInstance: string; maxBufferSize: number };
    finalizeConfig(c: object): void;
  };
  cfg.default.serviceName = 'bench';
  cfg.default.serviceInstance = 'bench-1';
  cfg.default.maxBufferSize = 1 << 30;
  cfg.finalizeConfig(cfg.default);
  return {
    ContextManager: (require('skywalking-backend-js/lib/trace/context/ContextManager') as { default: ContextManagerLike }).default,
    emitter: (require('skywalking-backend-js/lib/lib/EventEmitter') as { emitter: EventEmitter }).emitter,
    SegmentObjectAdapter: (require('skywalking-backend-js/lib/agent/protocol/grpc/SegmentObjectAdapter') as { default: AdapterCtor }).default,
    DummySpan: (require('skywalking-backend-js/lib/trace/span/DummySpan') as { default: abstract new (...args: never[]) => unknown }).default,
  };
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** Bytes of SegmentObject protobuf produced by `encode`-mode runs. */
export let skywalkingBytes = 0;

let activeListener: ((segment: Segment) => void) | undefined;

/**
 * The SkyWalking agent's ContextManager for one mode. Only one instance listens for
 * finished segments at a time (the agent has one global emitter): creating a new one
 * detaches the previous one's listener.
 *
 * @throws Error when the agent hands out DummySpans (the setup above did not take).
 * @example
 * ```ts
 * const impl = await createSkyWalkingImpl('encode');
 * impl.run(10, 100); await impl.drain();
 * ```
 */
export async function createSkyWalkingImpl(mode: Mode): Promise<SpanImpl> {
  const { ContextManager, emitter, SegmentObjectAdapter, DummySpan } = loadSkyWalking();
  const probe = ContextManager.current.newLocalSpan('probe');
  if (probe instanceof DummySpan) throw new Error('skywalking-backend-js returned a DummySpan: config not finalized');
  const buffer: Segment[] = [];
  let spansHeld = 0;
  const listener = (segment: Segment): void => {
    if (mode === 'discard') return;
    buffer.push(segment);
    spansHeld += segment.spans.length;
  };
  if (activeListener) emitter.off('segment-finished', activeListener);
  activeListener = listener;
  emitter.on('segment-finished', listener);
  return {
    name: 'SkyWalking agent',
    run: skywalkingWorkload(ContextManager),
    async drain(): Promise<void> {
      if (mode === 'encode') {
        for (const segment of buffer) skywalkingBytes += new SegmentObjectAdapter(segment).serializeBinary().length;
      }
      buffer.length = 0;
      spansHeld = 0;
      emitter.emit('segments-sent');
    },
    async close(): Promise<void> {
      emitter.off('segment-finished', listener);
      if (activeListener === listener) activeListener = undefined;
      buffer.length = 0;
    },
    held(): number {
      return mode === 'hold' ? spansHeld : -1;
    },
  };
}

/**
 * The shared workload ({@link SpanImpl.run}) on the agent's `ContextManager`: each parent and
 * child is a local span, `start()`ed (active) and `stop()`ped; each trace finishes one segment.
 *
 * @example
 * ```ts
 * skywalkingWorkload(loadSkyWalking().ContextManager)(10, 99); // 10 segments of 100 spans
 * ```
 */
export function skywalkingWorkload(ContextManager: ContextManagerLike): (parents: number, children: number) => void {
  const tags: Tag[] = TAG_KEYS.map((key, i) => ({ key, val: TAG_VALUES[i], overridable: false }));
  const t0 = tags[0], t1 = tags[1], t2 = tags[2];
  return (parents: number, children: number): void => {
    for (let p = 0; p < parents; p++) {
      const parent = ContextManager.current.newLocalSpan(PARENT_NAME);
      parent.start();
      for (let c = 0; c < children; c++) {
        const span = ContextManager.current.newLocalSpan(CHILD_NAME);
        span.start();
        span.tag(t0);
        span.tag(t1);
        span.tag(t2);
        span.stop();
      }
      parent.stop();
    }
  };
}
