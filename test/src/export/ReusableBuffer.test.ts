import { DEFAULT_MAX_RETAINED_BYTES, ReusableBuffer } from '../../../src';

describe('ReusableBuffer', () => {
  it('lends the same memory again once released, sized exactly as asked', () => {
    const scratch = new ReusableBuffer();
    const a = scratch.acquire(1000);
    expect(a.length).toBe(1000);
    expect(scratch.inUse).toBe(true);
    a.fill(1);
    scratch.release(a);
    expect(scratch.inUse).toBe(false);
    const b = scratch.acquire(700);
    expect(b.length).toBe(700);
    expect(b.buffer).toBe(a.buffer); // the kept ArrayBuffer, not a new allocation
    expect(b.byteOffset).toBe(a.byteOffset);
    expect(scratch.retainedBytes).toBe(4096);
  });

  it('hands out a separate buffer while the kept one is lent: two batches never share bytes', () => {
    const scratch = new ReusableBuffer();
    const first = scratch.acquire(100);
    const second = scratch.acquire(100);
    expect(second.buffer).not.toBe(first.buffer);
    first.fill(0xaa);
    second.fill(0xbb);
    expect(first.every((b) => b === 0xaa)).toBe(true);
    // releasing the fresh one does not free the kept one
    scratch.release(second);
    expect(scratch.inUse).toBe(true);
    const third = scratch.acquire(10);
    expect(third.buffer).not.toBe(first.buffer);
    scratch.release(first);
    expect(scratch.acquire(10).buffer).toBe(first.buffer);
  });

  it('grows to the next power of two and keeps the larger buffer', () => {
    const scratch = new ReusableBuffer();
    scratch.release(scratch.acquire(10));
    expect(scratch.retainedBytes).toBe(4096);
    const big = scratch.acquire(300_000);
    expect(big.length).toBe(300_000);
    expect(scratch.retainedBytes).toBe(524_288);
    scratch.release(big);
    expect(scratch.acquire(5000).buffer).toBe(big.buffer);
  });

  it('never keeps more than maxRetainedBytes: a larger batch gets its own buffer', () => {
    const scratch = new ReusableBuffer(10_000);
    const huge = scratch.acquire(20_000);
    expect(huge.length).toBe(20_000);
    expect(scratch.retainedBytes).toBe(0);
    expect(scratch.inUse).toBe(false);
    const mid = scratch.acquire(9_000);
    expect(scratch.retainedBytes).toBe(10_000); // capped, not rounded up to 16 KiB
    scratch.release(mid);
    const none = new ReusableBuffer(0);
    expect(none.acquire(0).length).toBe(0);
    expect(none.acquire(1).length).toBe(1);
    expect(none.retainedBytes).toBe(0);
    expect(DEFAULT_MAX_RETAINED_BYTES).toBe(4 * 1024 * 1024);
  });

  it('ignores a double release and a buffer it did not lend', () => {
    const scratch = new ReusableBuffer();
    const a = scratch.acquire(64);
    scratch.release(a);
    const b = scratch.acquire(64);
    scratch.release(a); // stale: b stays lent
    expect(scratch.inUse).toBe(true);
    scratch.release(Buffer.alloc(64));
    expect(scratch.inUse).toBe(true);
    scratch.release(b);
    expect(scratch.inUse).toBe(false);
  });

  it('lendKept lends the whole kept buffer once; trim narrows what is lent and its release frees it', () => {
    const scratch = new ReusableBuffer();
    expect(scratch.lendKept()).toBeUndefined(); // nothing kept yet
    scratch.release(scratch.acquire(10));
    const whole = scratch.lendKept()!;
    expect(whole.length).toBe(4096);
    expect(scratch.inUse).toBe(true);
    expect(scratch.lendKept()).toBeUndefined(); // lent: not twice
    expect(scratch.acquire(5).buffer).not.toBe(whole.buffer);
    const body = scratch.trim(whole, 123);
    expect(body.length).toBe(123);
    expect(body.buffer).toBe(whole.buffer);
    scratch.release(whole); // the wider view is no longer the lent one
    expect(scratch.inUse).toBe(true);
    scratch.release(body);
    expect(scratch.inUse).toBe(false);
    expect(scratch.lendKept()!.buffer).toBe(whole.buffer);
  });

  it('trim of a buffer it did not lend is a plain subarray and leaves the kept one alone', () => {
    const scratch = new ReusableBuffer();
    scratch.release(scratch.acquire(10));
    const fresh = Buffer.alloc(50, 7);
    const t = scratch.trim(fresh, 20);
    expect(t.length).toBe(20);
    expect(scratch.inUse).toBe(false);
  });

  it('rejects invalid sizes with a RangeError naming the value', () => {
    expect(() => new ReusableBuffer(-1)).toThrow(/maxRetainedBytes.*-1/);
    expect(() => new ReusableBuffer(1.5)).toThrow(RangeError);
    const scratch = new ReusableBuffer();
    expect(() => scratch.acquire(-3)).toThrow(/invalid length -3/);
    expect(() => scratch.acquire(Number.NaN)).toThrow(RangeError);
    expect(scratch.inUse).toBe(false);
  });
});
