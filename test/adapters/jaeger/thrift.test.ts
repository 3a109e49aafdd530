import { toThriftProcess, toThriftSpan } from '../../../adapters/jaeger/mapping';
import { encodeBatch, loadJaegerThrift, type ThriftSpan } from '../../../adapters/jaeger/thrift';
import { ReusableBuffer } from '../../../src';
import { makeSpan, resource } from './fixtures';

const codecs = loadJaegerThrift();
const process = toThriftProcess(resource);

/** `count` Thrift spans (the same bytes on every call) whose last one ends with a string of `tail` bytes (the last thing written but the STOP bytes). */
function spans(count: number, tail = 'x'): ThriftSpan[] {
  const out: ThriftSpan[] = [];
  for (let i = 0; i < count; i++) {
    out.push(toThriftSpan(makeSpan({ name: `op-${i}`, spanId: (0x2000 + i).toString(16).padStart(16, '0'), attributes: { i, last: i === count - 1 ? tail : 'v' } })));
  }
  return out;
}

/** What thriftrw's own two-pass `toBuffer` produces. */
function reference(list: ThriftSpan[]): Buffer {
  const r = codecs.batch.toBuffer({ process, spans: list });
  if (r.err) throw r.err;
  return r.value;
}

describe('encodeBatch (Thrift Batch into the exporter\'s kept buffer)', () => {
  it('writes exactly the bytes of thriftrw.toBuffer, first sized, then in one pass into the kept buffer', () => {
    const scratch = new ReusableBuffer();
    const want20 = reference(spans(20));
    const want10 = reference(spans(10));
    const byteLength = jest.spyOn(codecs.batch, 'byteLength');
    try {
      const first = encodeBatch(codecs, { process, spans: spans(20) }, scratch);
      expect(first.err).toBeUndefined();
      expect(first.value!.equals(want20)).toBe(true);
      expect(byteLength).toHaveBeenCalledTimes(1); // nothing kept yet: sized, then written
      scratch.release(first.value!);

      const second = encodeBatch(codecs, { process, spans: spans(10) }, scratch);
      expect(second.value!.equals(want10)).toBe(true);
      expect(byteLength).toHaveBeenCalledTimes(1); // fitted the kept buffer: no sizing pass
      expect(second.value!.buffer).toBe(first.value!.buffer); // the kept memory, trimmed
      expect(scratch.inUse).toBe(true);
      scratch.release(second.value!); // releasing the trimmed view frees the kept buffer
      expect(scratch.inUse).toBe(false);
    } finally {
      byteLength.mockRestore();
    }
  });

  it('a batch that overruns the kept buffer anywhere is redone exactly, never sent cut short', () => {
    const scratch = new ReusableBuffer();
    scratch.release(scratch.acquire(1)); // keeps 4,096 bytes
    const kept = scratch.retainedBytes;
    // Batches ending just below, at and past the kept size, so the overrun hits the last
    // string, its length prefix, or the closing STOP bytes.
    const base = reference(spans(3, '')).length;
    for (let extra = kept - base - 8; extra <= kept - base + 8; extra++) {
      if (extra < 0) continue;
      const tail = 'y'.repeat(extra);
      const want = reference(spans(3, tail));
      const got = encodeBatch(codecs, { process, spans: spans(3, tail) }, scratch);
      expect(got.err).toBeUndefined();
      expect(got.value!.length).toBe(want.length);
      expect(got.value!.equals(want)).toBe(true);
      scratch.release(got.value!);
    }
    expect(scratch.retainedBytes).toBe(2 * kept); // grown by the batch that did not fit
    expect(scratch.inUse).toBe(false);
  });

  it('while the kept buffer is lent (an export in flight), a second batch gets its own bytes', () => {
    const scratch = new ReusableBuffer();
    const a = encodeBatch(codecs, { process, spans: spans(5, 'a') }, scratch).value!;
    scratch.release(a);
    const inFlight = encodeBatch(codecs, { process, spans: spans(5, 'b') }, scratch).value!;
    const snapshot = Buffer.from(inFlight);
    const other = encodeBatch(codecs, { process, spans: spans(5, 'c') }, scratch).value!;
    expect(other.buffer).not.toBe(inFlight.buffer);
    expect(other.equals(reference(spans(5, 'c')))).toBe(true);
    expect(inFlight.equals(snapshot)).toBe(true); // untouched by the second encoding
  });

  it('returns thriftrw\'s error for a span the IDL rejects, and lends nothing', () => {
    const scratch = new ReusableBuffer();
    scratch.release(scratch.acquire(1));
    const bad = { ...spans(1)[0]!, operationName: undefined } as unknown as ThriftSpan;
    const r = encodeBatch(codecs, { process, spans: [bad] }, scratch);
    expect(r.err).toBeInstanceOf(Error);
    expect(String(r.err?.message)).toMatch(/operationName/);
    expect(scratch.inUse).toBe(false);
  });
});
