/**
 * An AsyncLocalStorage-backed context for zipkin-js.
 *
 * @packageDocumentation
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context, TraceId } from 'zipkin';

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
