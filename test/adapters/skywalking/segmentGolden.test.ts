/**
 * Golden regression test for the SkyWalking mapping: a fixed set of spans covering every
 * mapping branch (entry with an sw8 CrossProcess ref, exit with a peer, local, renamed and
 * duplicated tag keys, array/number/boolean tag values, events, `recordError`'s exception log,
 * an error status without one, a continuation segment with a CrossThread ref) goes through
 * `SegmentAssembler.take` → `toSegmentObject` → `serializeBinary()`, is decoded with the
 * agent package's generated classes, and must equal the literal below — recorded from the
 * mapping before its performance rework, so the rework provably changed nothing on the wire.
 */
import { createHash } from 'node:crypto';
import { SegmentObject } from 'skywalking-backend-js/lib/proto/language-agent/Tracing_pb';
import { SegmentAssembler } from '../../../adapters/skywalking/SegmentAssembler';
import { toSegmentObject, type TagPairCache } from '../../../adapters/skywalking/segmentMapping';
import { span, sw8Parent } from './fixtures';

const T = 1_700_000_000_000_000; // µs

function goldenBatches() {
  const seg = 'c0ffee0000000001';
  const root = span({
    segmentId: seg,
    segmentSpanIndex: 0,
    spanId: seg,
    name: 'GET /orders/:id',
    kind: 'entry',
    layer: 'http',
    component: 'http',
    remoteParent: true,
    remoteParentContext: sw8Parent(),
    startTimeUs: T,
    endTimeUs: T + 12_600, // 12.6 ms → rounds up
    attributes: { 'http.request.method': 'GET', 'url.full': 'http://orders/orders/7', 'http.response.status_code': 500, caller: 'handler (app.js:10)' },
    status: { code: 'error', message: 'upstream failed' },
  });
  const exit = span({
    segmentId: seg,
    segmentSpanIndex: 1,
    segmentParentIndex: 0,
    spanId: 'e000000000000001',
    name: '/pkg.Svc/Get',
    kind: 'exit',
    layer: 'rpc',
    component: 'grpc',
    peer: { host: '10.0.0.5', port: 50051, service: 'inventory' },
    startTimeUs: T + 1_000,
    endTimeUs: T + 1_400, // 0.4 ms → start and end in the same ms
    attributes: { 'rpc.system': 'grpc', retries: 2, cached: false, ids: ['a', 'b', 3] },
    events: [
      { name: 'exception', timeUs: T + 1_300, attributes: { 'exception.type': 'Error', 'exception.message': 'boom', 'exception.stacktrace': 'Error: boom\n    at x', extra: 'y' } },
    ],
    status: { code: 'error', message: 'boom' },
  });
  const db = span({
    segmentId: seg,
    segmentSpanIndex: 2,
    segmentParentIndex: 0,
    spanId: 'e000000000000002',
    name: 'SELECT orders',
    kind: 'exit',
    layer: 'database',
    component: 'pg',
    peer: { host: '::1', port: 5432 },
    startTimeUs: T + 2_000,
    endTimeUs: T + 5_000,
    attributes: { 'db.system': 'postgresql', 'db.name': 'orders', 'db.query.text': 'SELECT 1', 'peer.service': 'pg-main' },
    events: [{ name: 'cache.miss', timeUs: T + 2_500, attributes: { key: 'order:7', size: 12 } }],
  });
  const local = span({
    segmentId: seg,
    segmentSpanIndex: 3,
    segmentParentIndex: 2,
    spanId: 'e000000000000003',
    name: 'render',
    kind: 'local',
    startTimeUs: T + 6_000,
    endTimeUs: T + 7_000,
  });
  // Ends after the segment was sent: a continuation segment with a CrossThread ref.
  const lateParent = span({
    segmentId: seg,
    segmentSpanIndex: 4,
    segmentParentIndex: 0,
    spanId: 'e000000000000004',
    name: 'audit',
    kind: 'producer',
    layer: 'mq',
    component: 'kafka',
    peer: { service: 'kafka-cluster' },
    startTimeUs: T + 8_000,
    endTimeUs: T + 30_000,
    attributes: { 'messaging.destination.name': 'audit' },
  });
  const lateChild = span({
    segmentId: seg,
    segmentSpanIndex: 5,
    segmentParentIndex: 4,
    spanId: 'e000000000000005',
    name: 'serialize',
    kind: 'local',
    startTimeUs: T + 9_000,
    endTimeUs: T + 9_999,
    attributes: { 'db.namespace': 'ns' },
  });
  // A second segment without a SkyWalking parent: no ref, our own trace id.
  const consumer = span({
    segmentId: 'c0ffee0000000002',
    segmentSpanIndex: 0,
    spanId: 'c0ffee0000000002',
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    name: 'orders.created',
    kind: 'consumer',
    component: '41',
    startTimeUs: T + 40_000,
    endTimeUs: T + 41_000,
  });
  return [
    [exit, db, local, root],
    [lateChild, lateParent, consumer],
  ];
}

function encodeAll(withCache = false): Uint8Array[] {
  const assembler = new SegmentAssembler();
  const out: Uint8Array[] = [];
  for (const batch of goldenBatches()) {
    const assembly = assembler.take(batch, false);
    const cache: TagPairCache | undefined = withCache ? new Map() : undefined; // one per batch, as the exporter
    for (const seg of assembly.segments) out.push(toSegmentObject(seg, cache).serializeBinary());
    assembly.delivered();
  }
  return out;
}

const kv = (key: string, value: string) => ({ key, value });
const noRefs: never[] = [];

/** Decoded `SegmentObject.toObject()` of the segments above, recorded before the rework. */
const EXPECTED = [
  {
    traceid: 'a1b2c3d4.123.456',
    tracesegmentid: 'c0ffee0000000001',
    spansList: [
      {
        spanid: 0,
        parentspanid: -1,
        starttime: 1_700_000_000_000,
        endtime: 1_700_000_000_013,
        refsList: [
          {
            reftype: 0, // CrossProcess
            traceid: 'a1b2c3d4.123.456',
            parenttracesegmentid: 'callerseg',
            parentspanid: 3,
            parentservice: 'gateway',
            parentserviceinstance: 'gateway-1@host',
            parentendpoint: 'GET /checkout',
            networkaddressusedatpeer: '127.0.0.1:8080',
          },
        ],
        operationname: 'GET /orders/:id',
        peer: '',
        spantype: 0, // Entry
        spanlayer: 3, // Http
        componentid: 49,
        iserror: true,
        tagsList: [
          kv('http.method', 'GET'),
          kv('url', 'http://orders/orders/7'),
          kv('http.status_code', '500'),
          kv('status_code', '500'),
          kv('caller', 'handler (app.js:10)'),
        ],
        logsList: [{ time: 1_700_000_000_013, dataList: [kv('event', 'error'), kv('message', 'upstream failed')] }],
        skipanalysis: false,
      },
      {
        spanid: 1,
        parentspanid: 0,
        starttime: 1_700_000_000_001,
        endtime: 1_700_000_000_001,
        refsList: noRefs,
        operationname: '/pkg.Svc/Get',
        peer: '10.0.0.5:50051',
        spantype: 1, // Exit
        spanlayer: 2, // RPCFramework
        componentid: 23,
        iserror: true,
        tagsList: [kv('rpc.system', 'grpc'), kv('retries', '2'), kv('cached', 'false'), kv('ids', 'a,b,3')],
        logsList: [
          {
            time: 1_700_000_000_001,
            dataList: [kv('event', 'error'), kv('error.kind', 'Error'), kv('message', 'boom'), kv('stack', 'Error: boom\n    at x'), kv('extra', 'y')],
          },
        ],
        skipanalysis: false,
      },
      {
        spanid: 2,
        parentspanid: 0,
        starttime: 1_700_000_000_002,
        endtime: 1_700_000_000_005,
        refsList: noRefs,
        operationname: 'SELECT orders',
        peer: '[::1]:5432',
        spantype: 1,
        spanlayer: 1, // Database
        componentid: 22,
        iserror: false,
        tagsList: [kv('db.type', 'postgresql'), kv('db.instance', 'orders'), kv('db.statement', 'SELECT 1'), kv('peer.service', 'pg-main')],
        logsList: [{ time: 1_700_000_000_003, dataList: [kv('event', 'cache.miss'), kv('key', 'order:7'), kv('size', '12')] }],
        skipanalysis: false,
      },
      {
        spanid: 3,
        parentspanid: 2,
        starttime: 1_700_000_000_006,
        endtime: 1_700_000_000_007,
        refsList: noRefs,
        operationname: 'render',
        peer: '',
        spantype: 2, // Local
        spanlayer: 0, // Unknown
        componentid: 0,
        iserror: false,
        tagsList: [],
        logsList: [],
        skipanalysis: false,
      },
    ],
    service: 'orders',
    serviceinstance: 'orders-1@host',
    issizelimited: false,
  },
  {
    traceid: 'a1b2c3d4.123.456',
    tracesegmentid: 'c0ffee0000000001-c1',
    spansList: [
      {
        spanid: 0,
        parentspanid: -1,
        starttime: 1_700_000_000_008,
        endtime: 1_700_000_000_030,
        refsList: [
          {
            reftype: 1, // CrossThread
            traceid: 'a1b2c3d4.123.456',
            parenttracesegmentid: 'c0ffee0000000001',
            parentspanid: 0,
            parentservice: 'orders',
            parentserviceinstance: 'orders-1@host',
            parentendpoint: 'GET /orders/:id',
            networkaddressusedatpeer: '',
          },
        ],
        operationname: 'audit',
        peer: 'kafka-cluster',
        spantype: 1,
        spanlayer: 4, // MQ
        componentid: 40,
        iserror: false,
        tagsList: [kv('mq.topic', 'audit')],
        logsList: [],
        skipanalysis: false,
      },
      {
        spanid: 1,
        parentspanid: 0,
        starttime: 1_700_000_000_009,
        endtime: 1_700_000_000_010,
        refsList: noRefs,
        operationname: 'serialize',
        peer: '',
        spantype: 2,
        spanlayer: 0,
        componentid: 0,
        iserror: false,
        tagsList: [kv('db.instance', 'ns')],
        logsList: [],
        skipanalysis: false,
      },
    ],
    service: 'orders',
    serviceinstance: 'orders-1@host',
    issizelimited: false,
  },
  {
    traceid: '4bf92f3577b34da6a3ce929d0e0e4736',
    tracesegmentid: 'c0ffee0000000002',
    spansList: [
      {
        spanid: 0,
        parentspanid: -1,
        starttime: 1_700_000_000_040,
        endtime: 1_700_000_000_041,
        refsList: noRefs,
        operationname: 'orders.created',
        peer: '',
        spantype: 0,
        spanlayer: 4, // MQ (consumer without a layer)
        componentid: 41,
        iserror: false,
        tagsList: [],
        logsList: [],
        skipanalysis: false,
      },
    ],
    service: 'orders',
    serviceinstance: 'orders-1@host',
    issizelimited: false,
  },
];

/** sha256 of the concatenated bytes, recorded before the rework (field order and values unchanged). */
const EXPECTED_SHA256 = '0fa01c46257d7626d2b05ea15553ef4a94853890d4a0e2ffd3411926e66cb7cc';

describe('SkyWalking segment encoding (golden)', () => {
  it('decodes to exactly the recorded SegmentObjects', () => {
    const decoded = encodeAll().map((bytes) => SegmentObject.deserializeBinary(bytes).toObject());
    expect(decoded).toEqual(EXPECTED);
  });

  it('produces byte-for-byte the recorded encoding', () => {
    const hash = createHash('sha256');
    for (const bytes of encodeAll()) hash.update(bytes);
    expect(hash.digest('hex')).toBe(EXPECTED_SHA256);
  });

  it('with a per-batch TagPairCache (the exporter\'s path): the same bytes', () => {
    const hash = createHash('sha256');
    for (const bytes of encodeAll(true)) hash.update(bytes);
    expect(hash.digest('hex')).toBe(EXPECTED_SHA256);
  });
});
