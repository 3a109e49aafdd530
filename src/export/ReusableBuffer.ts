/**
 * One output buffer an exporter encodes its batches into, kept between batches.
 *
 * Why: a batch of 512 spans is 100–300 KB on the wire. A fresh `Buffer` of that size per
 * batch is a fresh `mmap` region whose pages the kernel must fault in (and zero) on first
 * write, then unmap again: measured here, that allocation alone was ~13 % of the Jaeger
 * adapter's CPU per span and up to half of it while the host was busy. Reusing one buffer
 * takes that cost once per exporter instead of once per batch.
 *
 * Ownership: {@link ReusableBuffer.acquire} lends the kept buffer (a view of its first
 * `length` bytes) until {@link ReusableBuffer.release}; while it is lent, or when the batch
 * is larger than `maxRetainedBytes`, `acquire` hands out a fresh buffer instead, so two
 * exports in flight never share bytes. Release only once the transport is done with the
 * bytes (the HTTP request closed, the datagram sent): the kernel copies from it until then.
 *
 * Encoders that learn the length only by writing (one pass instead of size-then-write) use
 * {@link ReusableBuffer.lendKept} (the whole kept buffer) and {@link ReusableBuffer.trim}
 * (narrow the lent view to the bytes written); if the batch does not fit they release it and
 * fall back to `acquire(exactLength)`, which grows the kept buffer for the next batch.
 *
 * @packageDocumentation
 */

/** Default cap of the kept buffer: 4 MiB (a batch bigger than this gets its own buffer). */
export const DEFAULT_MAX_RETAINED_BYTES = 4 * 1024 * 1024;

/**
 * A reusable output buffer for encoded batches (see the module doc for why and the ownership
 * rules). Not thread-safe by design: one per exporter, used from the event loop.
 *
 * Memory: keeps at most `maxRetainedBytes` (default 4 MiB) for the exporter's lifetime —
 * in practice the next power of two above the largest batch (256 KB for 512 typical spans).
 *
 * @example
 * ```ts
 * const scratch = new ReusableBuffer();
 * const body = scratch.acquire(encodedLength);      // Buffer of exactly encodedLength bytes
 * codec.writeInto(message, body, 0);
 * send(body).finally(() => scratch.release(body));  // after the request has closed
 * ```
 */
export class ReusableBuffer {
  /** Cap of the kept buffer in bytes. */
  readonly maxRetainedBytes: number;
  private kept: Buffer | undefined;
  private lent: Buffer | undefined;

  /**
   * @param maxRetainedBytes - largest buffer kept between batches, bytes (default 4 MiB); 0 keeps none
   * @throws RangeError when `maxRetainedBytes` is negative or not an integer
   * @example
   * ```ts
   * const scratch = new ReusableBuffer(1024 * 1024); // keep at most 1 MiB
   * ```
   */
  constructor(maxRetainedBytes: number = DEFAULT_MAX_RETAINED_BYTES) {
    if (!Number.isInteger(maxRetainedBytes) || maxRetainedBytes < 0) {
      throw new RangeError(`ReusableBuffer: maxRetainedBytes must be a non-negative integer, got ${maxRetainedBytes}`);
    }
    this.maxRetainedBytes = maxRetainedBytes;
  }

  /**
   * A buffer of exactly `length` bytes (contents undefined: write all of it). The kept buffer
   * when it is free and `length ≤ maxRetainedBytes` (grown to the next power of two when too
   * small), else a fresh `Buffer.allocUnsafe(length)`. Never throws for a valid length.
   *
   * @param length - bytes needed (a non-negative integer)
   * @throws RangeError for a negative or non-integer length (a caller bug, as with `Buffer.alloc`)
   * @example
   * ```ts
   * const body = scratch.acquire(1200); // body.length === 1200
   * ```
   */
  acquire(length: number): Buffer {
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`ReusableBuffer: invalid length ${length}`);
    if (this.lent !== undefined || length > this.maxRetainedBytes) return Buffer.allocUnsafe(length);
    let kept = this.kept;
    if (kept === undefined || kept.length < length) {
      let size = 4096;
      while (size < length) size *= 2;
      kept = Buffer.allocUnsafeSlow(Math.min(size, this.maxRetainedBytes));
      this.kept = kept;
    }
    const view = kept.subarray(0, length);
    this.lent = view;
    return view;
  }

  /**
   * Lend the whole kept buffer (all {@link ReusableBuffer.retainedBytes} of it, contents
   * undefined) to an encoder that writes first and knows the length after; narrow it with
   * {@link ReusableBuffer.trim} and release what `trim` returns. `undefined` (nothing lent)
   * when no buffer is kept yet or the kept one is lent out: use `acquire(exactLength)` then.
   * Never throws.
   *
   * @example
   * ```ts
   * const whole = scratch.lendKept();
   * const end = whole && tryWrite(whole); // bytes written, or -1 when it did not fit
   * if (whole && end >= 0) send(scratch.trim(whole, end)); else if (whole) scratch.release(whole);
   * ```
   */
  lendKept(): Buffer | undefined {
    if (this.lent !== undefined || this.kept === undefined) return undefined;
    this.lent = this.kept;
    return this.kept;
  }

  /**
   * The first `length` bytes of a lent buffer, as the buffer now lent (release this view, not
   * the wider one). For a buffer that is not lent from here it is just
   * `buffer.subarray(0, length)`. Never throws.
   *
   * @param buffer - what {@link ReusableBuffer.lendKept} or `acquire` returned
   * @param length - bytes written, `0 ≤ length ≤ buffer.length` (clamped)
   * @example
   * ```ts
   * const body = scratch.trim(whole, written); // body.length === written
   * req.on('close', () => scratch.release(body));
   * ```
   */
  trim(buffer: Buffer, length: number): Buffer {
    const view = buffer.subarray(0, length);
    if (buffer === this.lent) this.lent = view;
    return view;
  }

  /**
   * Give back a buffer from {@link ReusableBuffer.acquire}. Releasing a fresh (not kept)
   * buffer, or the same one twice, does nothing. Never throws.
   *
   * @param buffer - what `acquire` returned
   * @example
   * ```ts
   * req.on('close', () => scratch.release(body));
   * ```
   */
  release(buffer: Buffer): void {
    if (buffer === this.lent) this.lent = undefined;
  }

  /** True while the kept buffer is lent out. */
  get inUse(): boolean {
    return this.lent !== undefined;
  }

  /** Bytes currently kept between batches (0 before the first `acquire`). */
  get retainedBytes(): number {
    return this.kept?.length ?? 0;
  }
}
