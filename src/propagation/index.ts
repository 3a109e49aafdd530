/**
 * Propagation: codecs for W3C Trace Context + Baggage, B3 (single and multi), Jaeger and
 * SkyWalking sw8, a composite propagator, the `createPropagator` factory and carriers.
 *
 * @packageDocumentation
 */
export {
  DEFAULT_MAX_BAGGAGE_BYTES,
  DEFAULT_MAX_BAGGAGE_ITEMS,
  DEFAULT_MAX_HEADER_LENGTH,
  isBaggageExtractor,
  isSafeHeaderValue,
  isValidSpanId,
  isValidTraceId,
  resolvePropagatorOptions,
} from './common';
export type { BaggageExtractor, KeyedCarrierGetter, PropagatorOptions, ResolvedPropagatorOptions } from './common';
export { W3CTraceContextPropagator } from './W3CTraceContextPropagator';
export { W3CBaggagePropagator } from './W3CBaggagePropagator';
export { B3Propagator } from './B3Propagator';
export type { B3PropagatorOptions } from './B3Propagator';
export { JaegerPropagator } from './JaegerPropagator';
export {
  SkyWalkingPropagator,
  DEFAULT_MAX_CORRELATION_ITEMS,
  DEFAULT_MAX_CORRELATION_VALUE_BYTES,
  deriveSw8SpanId,
  deriveSw8TraceId,
} from './SkyWalkingPropagator';
export type { SkyWalkingPropagatorOptions } from './SkyWalkingPropagator';
export { CompositePropagator } from './CompositePropagator';
export { createPropagator, isPropagationFormat, PROPAGATION_FORMATS } from './createPropagator';
export type { CreatePropagatorOptions, PropagationFormats } from './createPropagator';
export {
  functionGetter,
  functionSetter,
  headerGetter,
  headerSetter,
  incomingHeadersGetter,
  metadataGetter,
  metadataSetter,
  objectGetter,
  objectSetter,
  outgoingMessageSetter,
} from './carriers';
export type { HeaderCarrier, HeaderWriter, MetadataLike } from './carriers';
