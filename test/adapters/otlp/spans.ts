/**
 * Hand-made finished spans for the OTLP adapter tests (no core needed).
 */
import type { FinishedSpan, Resource } from '../../../src';
import { finishedSpan, spanIdSequence, T0, testResource, type FinishedSpanOverrides } from '../../support/finishedSpan';

/** One process identity shared by the spans below (the OTLP serializers group by resource object). */
export const RESOURCE: Resource = testResource({
  serviceInstance: '4242@test-host',
  attributes: { region: 'eu-1', 'deployment.environment.name': 'test' },
});

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** A 16-hex span id, different on every call. */
export const nextSpanId: () => string = spanIdSequence(0xa000_0000_0000_0000n);

/** A finished span with sensible defaults (local span `op`, 100001 µs); `over` replaces any field. */
export function makeSpan(over: FinishedSpanOverrides = {}): FinishedSpan {
  return finishedSpan({
    name: 'op',
    kind: 'local',
    traceId: TRACE_ID,
    spanId: over.spanId ?? nextSpanId(),
    startTimeUs: T0,
    endTimeUs: 1_700_000_000_223_457,
    resource: RESOURCE,
    ...over,
  });
}

/**
 * A small trace: a server span continuing a remote caller, a client child with a peer,
 * a local grandchild that failed (exception event), a producer and a consumer.
 */
export function sampleTrace(): FinishedSpan[] {
  const server = makeSpan({
    name: 'GET /orders/:id',
    kind: 'entry',
    parentSpanId: '00f067aa0ba902b7',
    remoteParent: true,
    remoteParentContext: {
      traceId: TRACE_ID,
      spanId: '00f067aa0ba902b7',
      sampled: true,
      debug: false,
      baggage: {},
      traceState: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7',
      isRemote: true,
    },
    startTimeUs: 1_700_000_000_000_001,
    endTimeUs: 1_700_000_000_500_999,
    attributes: {
      'http.request.method': 'GET',
      'http.route': '/orders/:id',
      'http.response.status_code': 200,
      ratio: 1.5,
      cached: false,
      'items.ids': ['a', 'b'],
      'items.counts': [1, 2, 3],
    },
    peer: { host: '10.9.8.7', port: 51000 },
    status: { code: 'ok' },
  });
  const client = makeSpan({
    name: 'inventory.Inventory/Reserve',
    kind: 'exit',
    parentSpanId: server.spanId,
    localRootSpanId: server.spanId,
    startTimeUs: 1_700_000_000_100_000,
    endTimeUs: 1_700_000_000_100_250,
    attributes: { 'rpc.system': 'grpc', 'rpc.service': 'inventory.Inventory', 'rpc.method': 'Reserve', 'rpc.grpc.status_code': 0 },
    peer: { host: '127.0.0.1', port: 50051, service: 'inventory' },
  });
  const failed = makeSpan({
    name: 'reserve-stock',
    kind: 'local',
    parentSpanId: client.spanId,
    localRootSpanId: server.spanId,
    startTimeUs: 1_700_000_000_100_010,
    endTimeUs: 1_700_000_000_100_011,
    events: [
      { name: 'cache.miss', timeUs: 1_700_000_000_100_010, attributes: { key: 'sku-1' } },
      {
        name: 'exception',
        timeUs: 1_700_000_000_100_011,
        attributes: { 'exception.type': 'Error', 'exception.message': 'out of stock', 'exception.stacktrace': 'Error: out of stock\n    at x (y.ts:1:1)' },
      },
    ],
    status: { code: 'error', message: 'out of stock' },
  });
  const producer = makeSpan({ name: 'publish order', kind: 'producer', parentSpanId: server.spanId, localRootSpanId: server.spanId });
  const consumer = makeSpan({ name: 'consume order', kind: 'consumer', parentSpanId: producer.spanId, remoteParent: true });
  return [server, client, failed, producer, consumer];
}
