/**
 * The floors of the hot-path and heap tables: a bare span-like object with two clock reads,
 * and one `AsyncLocalStorage.run`.
 *
 * @packageDocumentation
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { CHILD_NAME, PARENT_NAME, TAG_KEYS, TAG_VALUES, type SpanImpl } from '../impl';

interface FloorSpan {
  name: string;
  start: number;
  end: number;
  attributes: Record<string, string>;
}

/** Keeps the floors' results observable so V8 cannot drop the work. */
export let floorSink: unknown = null;

/**
 * Floor 1: a plain object with 3 tags and two `performance.now()` clock reads per span,
 * no context at all. With `hold`, every object is kept in an array (the heap floor).
 *
 * @example
 * ```ts
 * createObjectFloor().run(10, 100);
 * ```
 */
export function createObjectFloor(hold = false): SpanImpl {
  const now = performance.now.bind(performance);
  const kept: FloorSpan[] = [];
  const keep = (s: FloorSpan): void => {
    if (hold) kept.push(s);
    else floorSink = s;
  };
  return {
    name: 'floor: object + 2 clock reads',
    run(parents: number, children: number): void {
      for (let p = 0; p < parents; p++) {
        const parent: FloorSpan = { name: PARENT_NAME, start: now(), end: 0, attributes: {} };
        for (let c = 0; c < children; c++) {
          const s: FloorSpan = { name: CHILD_NAME, start: now(), end: 0, attributes: {} };
          s.attributes[TAG_KEYS[0]] = TAG_VALUES[0];
          s.attributes[TAG_KEYS[1]] = TAG_VALUES[1];
          s.attributes[TAG_KEYS[2]] = TAG_VALUES[2];
          s.end = now();
          keep(s);
        }
        parent.end = now();
        keep(parent);
      }
    },
    drain: async () => {
      kept.length = 0;
    },
    close: async () => {
      kept.length = 0;
    },
    held: () => (hold ? kept.length : -1),
  };
}

/**
 * Floor 2: one `AsyncLocalStorage.run` per span with a constant store, nothing else.
 *
 * @example
 * ```ts
 * createAlsFloor().run(10, 100);
 * ```
 */
export function createAlsFloor(): SpanImpl {
  const als = new AsyncLocalStorage<string>();
  let n = 0;
  const body = (): void => {
    n++;
  };
  return {
    name: 'floor: one AsyncLocalStorage.run',
    run(parents: number, children: number): void {
      for (let p = 0; p < parents; p++) {
        als.run(PARENT_NAME, () => {
          for (let c = 0; c < children; c++) als.run(CHILD_NAME, body);
        });
      }
      floorSink = n;
    },
    drain: async () => {},
    close: async () => {},
    held: () => -1,
  };
}
