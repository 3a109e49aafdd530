import { registerBackend } from './BackendRegistry';
import { ConsoleExporter } from './ConsoleExporter';
import { MemoryExporter } from './MemoryExporter';
import { NoopExporter } from './NoopExporter';

/**
 * Registers the built-in backends `memory`, `console` and `noop`. Their default propagation
 * is W3C Trace Context + baggage for injection and every known format for extraction.
 * @internal imported for its side effect by the package entry.
 */
const everyFormat = { inject: ['w3c' as const], extract: ['w3c' as const, 'b3multi' as const, 'b3' as const, 'jaeger' as const, 'sw8' as const] };
registerBackend('memory', () => ({ exporter: new MemoryExporter(), defaultPropagation: everyFormat }));
registerBackend('console', () => ({ exporter: new ConsoleExporter(), defaultPropagation: everyFormat }));
registerBackend('noop', () => ({ exporter: new NoopExporter(), defaultPropagation: everyFormat }));
