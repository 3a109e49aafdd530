import { floorBoundOverFloor, forkedCase, grpcTarget, headersSeenCounts, httpTarget, load, loopbackVerdict, ourIntegrations, takeMinimalSpans, type Target, type Variant } from '../../bench/loopback';
import { interleave } from '../../bench/harness';
import type { OurTracer } from '../../bench/ours';
import { createTracer, MemoryExporter, type FinishedSpan, type Tracer } from '../../src';

/**
 * The loopback section's setups trace what their names say: `ours` a server span continuing
 * each client span, the one-sided variants only their side — the other side's bare
 * AsyncLocalStorage runs through our library's storage (one storage in the process), and its
 * store must not become a parent of anything. The propagation floor (`als-header`) sends a
 * fresh, valid `traceparent` with every request; the minimal tracer by hand (`minimal`) one span record
 * per side and request, the server's continuing the client's trace.
 */
const REQUESTS = 40;

type Make = typeof httpTarget;

/** `calls` parents and `calls` children, each child naming (`parentOf`) a parent of its own trace. */
function expectEachContinues<T extends { traceId: string; spanId: string }>(parents: T[], children: T[], parentOf: (c: T) => string | undefined, calls: number): void {
  expect(parents).toHaveLength(calls);
  expect(children).toHaveLength(calls);
  const byId = new Map(parents.map((s) => [s.spanId, s]));
  for (const c of children) expect(byId.get(parentOf(c) ?? '')?.traceId).toBe(c.traceId);
}

/** Set up `variant`, run {@link REQUESTS} requests through it (all must complete), close it. */
async function runSetup(make: Make, variant: Variant, ours?: Parameters<Make>[1]): Promise<void> {
  const target: Target = await make(variant, ours, undefined);
  try {
    const r = await load(target, REQUESTS, 20_000);
    expect(r.requests).toBe(REQUESTS);
  } finally {
    await target.close();
  }
}

/** Spans of one setup, and how often its bare-ALS side ran through our storage (`withSpan`). */
async function spansOf(make: Make, variant: Variant): Promise<{ spans: FinishedSpan[]; ourStorageRuns: number }> {
  const tracer: Tracer = createTracer({ serviceName: 'bench-test', backend: 'memory', recordCaller: false });
  const lib = ourIntegrations();
  if (!lib) throw new Error('our integrations are not exported');
  let ourStorageRuns = 0;
  const integ = {
    ...lib,
    withSpan<T>(span: never, fn: () => T): T {
      ourStorageRuns++;
      return lib.withSpan(span, fn);
    },
  };
  await runSetup(make, variant, { tracer: tracer as unknown as OurTracer, integ });
  await tracer.flush();
  const spans = (tracer.exporter as MemoryExporter).getFinishedSpans();
  await tracer.shutdown(1000);
  return { spans, ourStorageRuns };
}

// The gRPC target makes one call while it is set up (to connect the channel).
describe.each<[string, Make, number]>([
  ['HTTP', httpTarget, REQUESTS],
  ['gRPC', grpcTarget, REQUESTS + 1],
])('bench loopback setups, %s', (proto, make, calls) => {
  it('ours: every server span continues a client span of the same trace', async () => {
    const { spans, ourStorageRuns } = await spansOf(make, 'ours');
    expect(ourStorageRuns).toBe(0);
    const exits = spans.filter((s) => s.kind === 'exit');
    const entries = spans.filter((s) => s.kind === 'entry');
    expectEachContinues(exits, entries, (e) => e.parentSpanId, calls);
  });

  it.each<[Variant, 'entry' | 'exit']>([
    ['ours-server', 'entry'],
    ['ours-client', 'exit'],
  ])('%s: root %s spans of that side only; the other side runs its bare ALS through our storage', async (variant, kind) => {
    const { spans, ourStorageRuns } = await spansOf(make, variant);
    expect(ourStorageRuns).toBe(calls); // one AsyncLocalStorage in the process, not a second one
    expect(spans).toHaveLength(calls);
    for (const s of spans) {
      expect(s.kind).toBe(kind);
      expect(s.parentSpanId).toBeUndefined();
    }
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(calls);
  });

  it('als-header: every request carries a fresh 55-character traceparent to the server', async () => {
    const before = headersSeenCounts();
    await runSetup(make, 'als-header');
    const after = headersSeenCounts();
    expect(after.valid - before.valid).toBe(calls);
    expect(after.changed - before.changed).toBe(calls);
  });

  it('minimal: one client and one server span record per request, each server record continuing its client\'s trace', async () => {
    takeMinimalSpans();
    await runSetup(make, 'minimal');
    const spans = takeMinimalSpans();
    const clients = spans.filter((s) => s.kind === 'client');
    const servers = spans.filter((s) => s.kind === 'server');
    expectEachContinues(clients, servers, (s) => s.parentId, calls);
    for (const s of servers) {
      expect(s.end).toBeGreaterThanOrEqual(s.start);
      expect(s.status).toBe(proto === 'HTTP' ? 200 : 0);
    }
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(2 * calls);
  });
});

describe('bench loopback: forkedCase', () => {
  it('hands a setup\'s rounds to its forks in turn, so that each fork warms up before any of its rounds is recorded', async () => {
    const ran: string[] = [];
    const forks = [0, 1, 2].map((f) => ({
      name: `ours#${f}`,
      round: async () => {
        ran.push(`${f}`);
        return { rps: 100 + f };
      },
      close: async () => {
        ran.push(`close${f}`);
      },
    }));
    const c = forkedCase('ours', forks);
    expect(c.name).toBe('ours');
    // one warm-up round per fork (warm-up × forks), then two recorded rounds per fork
    const res = await interleave([c], { rounds: 6, warmup: 3 });
    expect(ran.join('')).toBe('012' + '012012');
    expect(res.get('ours')!.rps).toMatchObject({ n: 6, values: [100, 101, 102, 100, 101, 102] });
    await c.close();
    expect(ran.slice(-3)).toEqual(['close0', 'close1', 'close2']);
  });
});

describe('bench loopback: loopbackVerdict', () => {
  it('judges the median ratio against the target, and says when the target lies inside the interval', () => {
    expect(loopbackVerdict(0.8, 0.87, { lo: 0.77, hi: 0.83 })).toBe('MISSED');
    expect(loopbackVerdict(0.9, 0.87, { lo: 0.88, hi: 0.93 })).toBe('met');
    expect(loopbackVerdict(0.9, 0.88, { lo: 0.53, hi: 1.26 })).toBe('met (target in CI)');
    expect(loopbackVerdict(0.84, 0.85, { lo: 0.8, hi: 0.86 })).toBe('MISSED (target in CI)');
    expect(loopbackVerdict(0.84, 0.85, undefined)).toBe('MISSED');
    expect(loopbackVerdict(NaN, 0.85, undefined)).toBe('n/a');
  });
});

describe('bench loopback: floorBoundOverFloor', () => {
  it('turns "within 5 points of the floor" into a bound on ours ÷ floor', () => {
    // floor at 0.90× untraced: ours must reach 0.85×, i.e. 0.85 / 0.90 of the floor
    expect(floorBoundOverFloor(0.9)).toBeCloseTo(0.85 / 0.9, 10);
    expect(floorBoundOverFloor(1)).toBeCloseTo(0.95, 10);
    expect(floorBoundOverFloor(NaN)).toBeNaN();
    expect(floorBoundOverFloor(0)).toBeNaN();
  });
});
