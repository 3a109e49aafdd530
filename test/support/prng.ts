/**
 * A seeded pseudo-random number generator, so tests that need many "random" inputs (ids,
 * fuzz cases, sampling rates) are reproducible.
 *
 * @packageDocumentation
 */

/**
 * mulberry32: a small deterministic PRNG (Tommy Ettinger's 32-bit generator).
 *
 * @param seed - any number; only its low 32 bits are used.
 * @returns a function returning the next float in [0, 1) on every call; never throws.
 * @example
 * ```ts
 * const rand = mulberry32(42);
 * const coin = rand() < 0.5;
 * ```
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
