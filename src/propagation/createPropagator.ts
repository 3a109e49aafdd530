import type { PropagationFormat, Propagator } from '../api/types';
import { B3Propagator } from './B3Propagator';
import { CompositePropagator } from './CompositePropagator';
import { JaegerPropagator } from './JaegerPropagator';
import { SkyWalkingPropagator, type SkyWalkingPropagatorOptions } from './SkyWalkingPropagator';
import { W3CBaggagePropagator } from './W3CBaggagePropagator';
import { W3CTraceContextPropagator } from './W3CTraceContextPropagator';

/** Every built-in format name, in the order of the documentation. */
export const PROPAGATION_FORMATS: readonly PropagationFormat[] = ['w3c', 'b3', 'b3multi', 'jaeger', 'sw8'];

/**
 * The formats to inject and to extract. A plain list means "inject all of these, extract any
 * of these in this order" (the `propagation` key of `TracerConfig`).
 *
 * @example
 * ```ts
 * const formats: PropagationFormats = { inject: ['w3c', 'b3multi'], extract: ['w3c', 'b3', 'jaeger'] };
 * ```
 */
export type PropagationFormats = readonly PropagationFormat[] | { inject: readonly PropagationFormat[]; extract: readonly PropagationFormat[] };

/**
 * Limits passed to every built-in propagator: baggage count/bytes, header length and the
 * SkyWalking correlation limits (map `LimitsConfig.maxBaggageItems`/`maxBaggageBytes` here).
 *
 * @example
 * ```ts
 * createPropagator(['w3c'], { maxBaggageItems: 32, maxBaggageBytes: 4096 });
 * ```
 */
export type CreatePropagatorOptions = SkyWalkingPropagatorOptions;

/**
 * True when `name` is a built-in format name.
 *
 * @example
 * ```ts
 * isPropagationFormat('b3multi'); // true
 * ```
 */
export function isPropagationFormat(name: unknown): name is PropagationFormat {
  return typeof name === 'string' && (PROPAGATION_FORMATS as readonly string[]).includes(name);
}

function checkList(list: unknown, what: string): readonly PropagationFormat[] {
  const where = what ? `propagation.${what}` : 'propagation';
  if (!Array.isArray(list)) throw new TypeError(`${where} must be a list of formats (${PROPAGATION_FORMATS.join(', ')})`);
  for (const f of list) {
    if (!isPropagationFormat(f)) {
      throw new TypeError(`${where}: unknown format ${JSON.stringify(f)}; expected one of ${PROPAGATION_FORMATS.join(', ')}`);
    }
  }
  return list as readonly PropagationFormat[];
}

function injectorsFor(format: PropagationFormat, o: CreatePropagatorOptions): Propagator[] {
  switch (format) {
    case 'w3c':
      return [new W3CTraceContextPropagator(o), new W3CBaggagePropagator(o)];
    case 'b3':
      return [new B3Propagator({ ...o, single: true })];
    case 'b3multi':
      return [new B3Propagator({ ...o, single: false })];
    case 'jaeger':
      return [new JaegerPropagator(o)];
    case 'sw8':
      return [new SkyWalkingPropagator(o)];
  }
}

/**
 * Build the propagator for a set of format names:
 *
 * | name      | headers                                   |
 * |-----------|-------------------------------------------|
 * | `w3c`     | `traceparent`, `tracestate`, `baggage`    |
 * | `b3`      | single `b3`                               |
 * | `b3multi` | `X-B3-TraceId`, `-SpanId`, `-ParentSpanId`, `-Sampled`, `-Flags` |
 * | `jaeger`  | `uber-trace-id`, `uberctx-*`, `jaeger-debug-id` |
 * | `sw8`     | `sw8`, `sw8-correlation`                  |
 *
 * On extract, `b3` and `b3multi` each accept both B3 forms (listing both costs nothing
 * extra: the second is skipped). Duplicates are ignored. The result is a
 * {@link CompositePropagator}: first valid context in `extract` order, baggage merged from
 * every baggage-carrying format, all `inject` formats written.
 *
 * @param formats - a list (inject all, extract in order) or `{ inject, extract }`.
 * @param options - limits for every propagator.
 * @throws TypeError at configuration time when a name is unknown or the shape is wrong (the
 *   message names the offending value). The returned propagator itself never throws.
 * @example
 * ```ts
 * const p = createPropagator({ inject: ['w3c', 'b3multi'], extract: ['w3c', 'b3', 'jaeger', 'sw8'] });
 * p.inject(span.context(), outgoingHeaders, headerSetter);
 * const parent = p.extract(req.headers, headerGetter);
 * ```
 */
export function createPropagator(formats: PropagationFormats, options?: CreatePropagatorOptions): CompositePropagator {
  let inject: readonly PropagationFormat[];
  let extract: readonly PropagationFormat[];
  if (Array.isArray(formats)) {
    inject = extract = checkList(formats, '');
  } else if (formats !== null && typeof formats === 'object') {
    const f = formats as { inject?: unknown; extract?: unknown };
    inject = checkList(f.inject, 'inject');
    extract = checkList(f.extract, 'extract');
  } else {
    throw new TypeError(`propagation must be a list of formats or { inject, extract }; got ${typeof formats}`);
  }
  const o: CreatePropagatorOptions = options ?? {};
  const injectors: Propagator[] = [];
  const injected = new Set<PropagationFormat>();
  for (const f of inject) {
    if (injected.has(f)) continue;
    injected.add(f);
    injectors.push(...injectorsFor(f, o));
  }
  const extractors: Propagator[] = [];
  const extracted = new Set<string>();
  for (const f of extract) {
    const key = f === 'b3multi' ? 'b3' : f;
    if (extracted.has(key)) continue;
    extracted.add(key);
    extractors.push(...injectorsFor(f, o));
  }
  return new CompositePropagator(injectors, extractors, o);
}
