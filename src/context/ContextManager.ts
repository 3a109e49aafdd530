import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventEmitter } from 'node:events';
import type { Span } from '../trace/Span';

/**
 * The process-wide store of the active span. One `AsyncLocalStorage` serves every tracer in
 * the process; the active span follows the async call chain across `await`, timers,
 * promises, `Promise.all` fan-out and streams, and concurrent requests never see each
 * other's spans because each runs under its own `run()` (never `enterWith()`).
 */
const storage = new AsyncLocalStorage<Span>();

/**
 * The active span, or `undefined` outside any traced context.
 * Never throws.
 *
 * @example
 * ```ts
 * currentSpan()?.setTag('user.id', id);
 * ```
 */
export function currentSpan(): Span | undefined {
  return storage.getStore();
}

/**
 * Run `fn` with `span` as the active span and return its result (a promise is returned as
 * is; the span stays active in every continuation of it). Errors thrown by `fn` propagate
 * unchanged. Passing `undefined` runs `fn` with no active span.
 *
 * @example
 * ```ts
 * await withSpan(span, async () => { await db.query(); }); // db spans are children of span
 * ```
 */
export function withSpan<T>(span: Span | undefined, fn: () => T): T {
  return storage.run(span as Span, fn);
}

/**
 * Run `fn(...args)` with `span` active, allocating no closure (for the span hot path).
 * @internal
 */
export function runWithSpan<A extends unknown[], T>(span: Span, fn: (...args: A) => T, ...args: A): T {
  return storage.run(span, fn, ...args);
}

/**
 * Bind `fn` to the current async context (the active span now), so it sees that span
 * whenever it is later called, e.g. from a connection pool's callback queue.
 * Never throws itself; what the bound function throws reaches its caller unchanged.
 *
 * @example
 * ```ts
 * pool.acquire(bind((conn) => { currentSpan(); /* the span active at bind time *\/ }));
 * ```
 */
export function bind<F extends (...args: never[]) => unknown>(fn: F): F {
  return AsyncLocalStorage.bind(fn) as F;
}

const BOUND = Symbol('traceandtrace.boundListeners');
type Listener = (...args: unknown[]) => void;
type BoundEmitter = EventEmitter & { [BOUND]?: WeakMap<Listener, Listener> };

/**
 * Make every listener later added to `emitter` run in the async context that was current
 * when the listener was added (not the one that emits), so handlers registered inside a
 * traced request see that request's span. `removeListener`/`off` keep working with the
 * original function. Idempotent. Returns the emitter.
 *
 * @example
 * ```ts
 * withSpan(span, () => { bindEmitter(socket); socket.on('data', onData); });
 * ```
 */
export function bindEmitter<E extends EventEmitter>(emitter: E): E {
  const e = emitter as BoundEmitter;
  if (e[BOUND]) return emitter;
  const map = new WeakMap<Listener, Listener>();
  e[BOUND] = map;
  const wrapAdd = (method: 'on' | 'addListener' | 'once' | 'prependListener' | 'prependOnceListener') => {
    const original = e[method] as (event: string | symbol, l: Listener) => E;
    (e as unknown as Record<string, unknown>)[method] = function (this: E, event: string | symbol, listener: Listener) {
      let bound = map.get(listener);
      if (!bound) {
        bound = AsyncLocalStorage.bind(listener) as Listener;
        map.set(listener, bound);
      }
      return original.call(this, event, bound);
    };
  };
  const wrapRemove = (method: 'off' | 'removeListener') => {
    const original = e[method] as (event: string | symbol, l: Listener) => E;
    (e as unknown as Record<string, unknown>)[method] = function (this: E, event: string | symbol, listener: Listener) {
      return original.call(this, event, map.get(listener) ?? listener);
    };
  };
  wrapAdd('on'); wrapAdd('addListener'); wrapAdd('once'); wrapAdd('prependListener'); wrapAdd('prependOnceListener');
  wrapRemove('off'); wrapRemove('removeListener');
  return emitter;
}
