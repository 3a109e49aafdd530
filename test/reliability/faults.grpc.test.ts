/**
 * Fault × backend matrix for the gRPC and UDP transports: skywalking, otlp (gRPC), jaeger
 * (UDP agent). See `matrix.ts` for what each cell asserts.
 */
import { runMatrix } from './matrix';

runMatrix('grpc-udp', ['skywalking', 'otlp-grpc', 'jaeger-udp']);
