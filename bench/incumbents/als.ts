/**
 * Shared AsyncLocalStorage helpers for the incumbents that have no context manager of
 * their own (jaeger-client, zipkin-js), and the two floors of the hot-path table.
 *
 * @packageDocumentation
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context, TraceId } from 'zipkin';
import { CHILD_NAME, PARENT_NAME, TAG_KEYS, TAG_VALUES, type SpanImpl } from '../impl';

/**
 * A zipkin-js `Context` backed by AsyncLocalStorage (zipkin-js ships only `ExplicitContext`,
 * which does not follow async work, and the CLS-based `zipkin-context-cls`). It works as
 * zipkin-context-cls does: each `scoped`/`letContext` runs the callback in a new store (a
 * one-field box), `setContext` replaces the value inside the current box.
 *
 * @example
 * ```ts
 * const tracer = new Tracer({ ctxImpl: new AlsZipkinContext(), recorder, localServiceName: 'svc' });
 * ```
 */
export class AlsZipkinContext implements Context<TraceId> {
  private readonly als = new AsyncLocalStorage<{ ctx: TraceId | null }>();

  /** Replace the current context (inside the current scope). */
  setContext(ctx: TraceId): void {
    const box = this.als.getStore();
    if (box) box.ctx = ctx;
    else this.als.enterWith({ ctx });
  }

  /** The current context; zipkin treats null as "no trace". */
  getContext(): TraceId {
    const box = this.als.getStore();
    return (box ? box.ctx : null) as TraceId;
  }

  /** Run `callback` in a new scope that starts with the current context. */
  scoped<V>(callback: () => V): V {
    const box = this.als.getStore();
    return this.als.run({ ctx: box ? box.ctx : null }, callback);
  }

  /** Run `callback` with `ctx` as the current context. */
  letContext<V>(ctx: TraceId, callback: () => V): V {
    return this.als.run({ ctx }, callback);
  }
}

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
