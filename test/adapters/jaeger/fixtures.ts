import type { FinishedSpan, Logger, Resource } from '../../../src';
import { finishedSpan, spanIdSequence, T0, testResource, type FinishedSpanOverrides } from '../../support/finishedSpan';

/** A resource like the core builds (`orders`, `123@test-host`, `test-host`, `10.1.2.3`, tag `region=eu-1`). */
export const resource: Resource = testResource();

const nextSpanId = spanIdSequence(0x1000n);

/** A hand-made finished span: local span `op` lasting 250 µs; any field can be overridden. Times in µs. */
export function makeSpan(over: FinishedSpanOverrides = {}): FinishedSpan {
  const spanId = nextSpanId();
  return finishedSpan({
    name: 'op',
    kind: 'local',
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId,
    localRootSpanId: spanId,
    startTimeUs: T0,
    endTimeUs: T0 + 250,
    resource,
    ...over,
  });
}

/**
 * Register cleanups that run after each test even when it fails (so a failing test never
 * leaves a socket open and jest always exits). Call at the top level of a test file.
 */
export function deferCleanups(): (cleanup: () => unknown) => void {
  const pending: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of pending.splice(0).reverse()) {
      try {
        await c();
      } catch {
        // best effort
      }
    }
  });
  return (cleanup) => {
    pending.push(cleanup);
  };
}

/** A logger that records messages. */
export function recordingLogger(): Logger & { messages: string[] } {
  const messages: string[] = [];
  const push = (m: string): void => {
    messages.push(m);
  };
  return { messages, debug: push, info: push, warn: push, error: push };
}
