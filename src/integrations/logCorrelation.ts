import { currentSpan } from '../context/ContextManager';
import type { Span } from '../trace/Span';

/**
 * Log fields that tie a log line to the active trace, for pino (`mixin`) or winston
 * (`format`): `{ trace_id, span_id, trace_flags }` (W3C/OpenTelemetry field names;
 * `trace_flags` is `'01'` when sampled, `'00'` otherwise). Returns `{}` outside a trace.
 * Never throws.
 *
 * @param span - the span to describe (default: the active span)
 * @example
 * ```ts
 * const logger = pino({ mixin: () => traceLogFields() });
 * const wlogger = winston.createLogger({ format: winston.format((info) => Object.assign(info, traceLogFields()))() });
 * ```
 */
export function traceLogFields(span: Span | undefined = currentSpan()): { trace_id?: string; span_id?: string; trace_flags?: string } {
  if (!span) return {};
  return { trace_id: span.traceId, span_id: span.spanId, trace_flags: span.sampled ? '01' : '00' };
}
