/**
 * The ReadableSpan view of our finished spans, read as OpenTelemetry's encoders read it.
 */
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { OtlpReadableSpan } from '../../../adapters/otlp';
import { makeSpan, TRACE_ID } from './spans';
import { decodeProtobuf } from './standin';

describe('OtlpReadableSpan', () => {
  it('gives the duration as [s, ns] of end − start, made when read', () => {
    const r = new OtlpReadableSpan(makeSpan({ startTimeUs: 1_700_000_000_999_999, endTimeUs: 1_700_000_002_000_001 }));
    expect(r.duration).toEqual([1, 2_000]);
    expect(r.startTime).toEqual([1_700_000_000, 999_999_000]);
    expect(r.endTime).toEqual([1_700_000_002, 1_000]);
  });

  it('maps each status code; an error keeps its message, and only an error', () => {
    const of = (status: { code: 'unset' | 'ok' | 'error'; message?: string }): unknown => new OtlpReadableSpan(makeSpan({ status })).status;
    expect(of({ code: 'unset' })).toEqual({ code: 0 });
    expect(of({ code: 'ok', message: 'ignored' })).toEqual({ code: 1 });
    expect(of({ code: 'error' })).toEqual({ code: 2 });
    expect(of({ code: 'error', message: 'out of stock' })).toEqual({ code: 2, message: 'out of stock' });
  });

  it('shares its constant parts between spans without letting one span change another', () => {
    const a = new OtlpReadableSpan(makeSpan({ status: { code: 'ok' } }));
    const b = new OtlpReadableSpan(makeSpan({ status: { code: 'ok' } }));
    expect(a.status).toBe(b.status);
    expect(Object.isFrozen(a.status)).toBe(true);
    expect(() => {
      (a.status as { code: number }).code = 2;
    }).toThrow(TypeError);
    expect(b.status.code).toBe(1);
    expect([a.links, a.events, a.ended, a.droppedAttributesCount, a.droppedEventsCount, a.droppedLinksCount]).toEqual([[], [], true, 0, 0, 0]);
  });

  it('has one span context shape with or without a tracestate, and the encoders read both', () => {
    const plain = new OtlpReadableSpan(makeSpan({ name: 'plain' }));
    const withState = new OtlpReadableSpan(
      makeSpan({
        name: 'continued',
        parentSpanId: '00f067aa0ba902b7',
        remoteParent: true,
        remoteParentContext: { traceId: TRACE_ID, spanId: '00f067aa0ba902b7', sampled: true, debug: false, baggage: {}, traceState: 'rojo=00f067aa0ba902b7', isRemote: true },
      }),
    );
    expect(Object.keys(plain.spanContext())).toEqual(Object.keys(withState.spanContext()));
    expect(plain.spanContext().traceState).toBeUndefined();
    const decoded = decodeProtobuf(ProtobufTraceSerializer.serializeRequest([plain, withState])!);
    expect(decoded.map((s) => [s.name, s.traceState || ''])).toEqual([
      ['plain', ''],
      ['continued', 'rojo=00f067aa0ba902b7'],
    ]);
  });
});
