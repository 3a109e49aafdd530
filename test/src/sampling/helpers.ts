import type { Logger, SpanContext } from '../../../src/api/types';
import { mulberry32 } from '../../support/prng';

/** Deterministic PRNG (mulberry32) so sampling-rate tests are reproducible. */
export const seededRandom: (seed: number) => () => number = mulberry32;

/** `n` random 32-hex trace ids from a seeded generator. */
export function traceIds(n: number, seed = 42): string[] {
  const r = seededRandom(seed);
  const hex8 = (): string => Math.floor(r() * 4294967296).toString(16).padStart(8, '0');
  return Array.from({ length: n }, () => hex8() + hex8() + hex8() + hex8());
}

/** A remote parent context. */
export function remoteParent(sampled: boolean, debug = false): SpanContext {
  return { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', sampled, debug, baggage: {}, isRemote: true };
}

/** A logger that records messages. */
export function recordingLogger(): Logger & { messages: Array<[string, string]> } {
  const messages: Array<[string, string]> = [];
  return {
    messages,
    debug: (m) => void messages.push(['debug', m]),
    info: (m) => void messages.push(['info', m]),
    warn: (m) => void messages.push(['warn', m]),
    error: (m) => void messages.push(['error', m]),
  };
}
