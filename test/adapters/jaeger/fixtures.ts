import type { FinishedSpan, Logger, Resource } from '../../../src';

/** A resource like the core builds. */
export const resource: Resource = {
  serviceName: 'orders',
  serviceInstance: '123@test-host',
  hostname: 'test-host',
  ip: '10.1.2.3',
  sdkVersion: 'traceandtrace-node-0.1.0',
  attributes: { region: 'eu-1' },
};

let seq = 0;

/** A hand-made finished span; any field can be overridden. Times in µs. */
export function makeSpan(over: Partial<FinishedSpan> = {}): FinishedSpan {
  seq++;
  const spanId = (0x1000 + seq).toString(16).padStart(16, '0');
  return {
    name: 'op',
    kind: 'local',
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId,
    parentSpanId: undefined,
    remoteParent: false,
    localRootSpanId: spanId,
    segmentId: 'seg',
    segmentSpanIndex: 0,
    segmentParentIndex: -1,
    sampled: true,
    debug: false,
    startTimeUs: 1_700_000_000_123_456,
    endTimeUs: 1_700_000_000_123_456 + 250,
    attributes: {},
    events: [],
    status: { code: 'unset' },
    peer: undefined,
    layer: 'unknown',
    component: undefined,
    baggage: {},
    remoteParentContext: undefined,
    resource,
    ...over,
  };
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
