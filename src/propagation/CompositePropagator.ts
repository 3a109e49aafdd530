import type { CarrierGetter, CarrierSetter, Propagator, SpanContext } from '../api/types';
import { boundBaggage, isBaggageExtractor, resolvePropagatorOptions, type PropagatorOptions, type ResolvedPropagatorOptions } from './common';

/**
 * Combines propagators: injects with every injector and extracts with the first extractor
 * (in the configured order) that finds a valid context.
 *
 * - `extract` returns the first valid context, then merges baggage from every extractor
 *   that carries baggage (W3C `baggage`, Jaeger `uberctx-*`, SkyWalking `sw8-correlation`):
 *   the winning context's own baggage first, then the others in configured order; the first
 *   value of a key wins; the result is bounded by `maxBaggageItems`/`maxBaggageBytes`.
 *   Baggage without any valid trace context is not returned (a {@link SpanContext} needs ids).
 * - `inject` calls every injector; one that fails does not stop the others.
 * - `fields` is the union of all fields, in order, without duplicates.
 * - Never throws.
 *
 * @example
 * ```ts
 * const p = new CompositePropagator(
 *   [new W3CTraceContextPropagator(), new W3CBaggagePropagator(), new B3Propagator()],
 *   [new W3CTraceContextPropagator(), new W3CBaggagePropagator(), new B3Propagator(), new JaegerPropagator()],
 * );
 * const ctx = p.extract(req.headers, headerGetter); // W3C if valid, else B3, else Jaeger
 * ```
 */
export class CompositePropagator implements Propagator {
  /** Union of the injectors' and extractors' fields. */
  readonly fields: readonly string[];
  /** The injectors, in order. */
  readonly injectors: readonly Propagator[];
  /** The extractors, in order. */
  readonly extractors: readonly Propagator[];
  private readonly options: ResolvedPropagatorOptions;

  /**
   * @param injectors - propagators used by `inject`, all of them, in order.
   * @param extractors - propagators tried by `extract`, in order. Defaults to `injectors`.
   * @param options - limits applied to the merged baggage.
   */
  constructor(injectors: readonly Propagator[], extractors: readonly Propagator[] = injectors, options?: PropagatorOptions) {
    this.injectors = [...injectors];
    this.extractors = [...extractors];
    this.options = resolvePropagatorOptions(options);
    const seen = new Set<string>();
    for (const p of [...this.injectors, ...this.extractors]) for (const f of p.fields) seen.add(f);
    this.fields = [...seen];
  }

  /**
   * Inject with every injector. Never throws.
   *
   * An injector that throws is skipped; the others still write.
   *
   * @example
   * ```ts
   * const both = new CompositePropagator([new W3CTraceContextPropagator(), new B3Propagator()]);
   * both.inject(span.context(), headers, headerSetter); // traceparent and x-b3-*
   * ```
   */
  inject<C>(context: SpanContext, carrier: C, setter: CarrierSetter<C>): void {
    const injectors = this.injectors;
    for (let i = 0; i < injectors.length; i++) {
      try {
        injectors[i]!.inject(context, carrier, setter);
      } catch {
        // one bad injector must not stop the others
      }
    }
  }

  /**
   * First valid context from the extractors, with baggage merged (see class doc). Never throws.
   *
   * @example
   * ```ts
   * const ctx = new CompositePropagator([], [new W3CTraceContextPropagator(), new JaegerPropagator()]).extract(req.headers, headerGetter);
   * ```
   */
  extract<C>(carrier: C, getter: CarrierGetter<C>): SpanContext | undefined {
    let found: SpanContext | undefined;
    let winner = -1;
    for (let i = 0; i < this.extractors.length; i++) {
      try {
        const ctx = this.extractors[i]!.extract(carrier, getter);
        if (ctx) {
          found = ctx;
          winner = i;
          break;
        }
      } catch {
        // try the next one
      }
    }
    if (!found) return undefined;
    try {
      // Collect the other formats' baggage first: in the common case there is none, and the
      // winning context is returned as is (no copy).
      let extra: Array<Record<string, string>> | undefined;
      for (let i = 0; i < this.extractors.length; i++) {
        const p = this.extractors[i]!;
        if (i === winner || !isBaggageExtractor(p)) continue;
        try {
          const b = p.extractBaggage(carrier, getter);
          for (const _k in b) {
            (extra ??= []).push(b);
            break;
          }
        } catch {
          // skip this source
        }
      }
      if (!extra) return found;
      const { maxBaggageItems, maxBaggageBytes } = this.options;
      const baggage = boundBaggage(Object.entries(found.baggage ?? {}), maxBaggageItems, maxBaggageBytes);
      for (const b of extra) boundBaggage(Object.entries(b), maxBaggageItems, maxBaggageBytes, baggage);
      return { ...found, baggage };
    } catch {
      return found;
    }
  }
}
