/**
 * Fault × backend matrix for the HTTP transports: jaeger (HTTP collector), zipkin, otlp
 * (HTTP/protobuf). See `matrix.ts` for what each cell asserts.
 */
import { runMatrix } from './matrix';

runMatrix('http', ['jaeger-http', 'zipkin', 'otlp-http']);
