/**
 * Diagnostic for section 4: the JavaScript that traceandtrace itself runs per traced HTTP
 * request, without sockets — the server side through `traceHttpHandler` (extract, entry span,
 * 8 tags, `finish` listener, end) on plain request/response stand-ins, and the client side's
 * span work (exit span, 4 tags, inject into a headers object, status tag, end). Spans go
 * through the real pipeline (queued, batch-exported to a discarding exporter).
 *
 * Run it to split the loopback overhead into "our code" and "what Node does around it":
 * `node dist/bench/profileRequestPath.js [rounds]` prints CPU ns per request (min and median
 * over rounds of 4,000 requests); add `--cpu-prof` for a profile.
 *
 * @packageDocumentation
 */
import { EventEmitter } from 'node:events';
import type * as http from 'node:http';
import { traceHttpHandler, type Tracer } from '../src';
import { createOurTracer, DISCARD_BACKEND, registerDiscardBackend } from './ours';

const PER_ROUND = 4000;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function setUp(): Tracer {
  if (!registerDiscardBackend()) throw new Error('the core is not available');
  return createOurTracer(DISCARD_BACKEND, undefined, { queueSize: 1 << 16 }) as unknown as Tracer;
}

function serverRound(traced: (req: http.IncomingMessage, res: http.ServerResponse) => void): void {
  const socket = { remoteAddress: '127.0.0.1', remotePort: 50_000, localPort: 8080 };
  for (let i = 0; i < PER_ROUND; i++) {
    const req = { method: 'GET', url: '/work', headers: { host: '127.0.0.1:8080', traceparent: TRACEPARENT, connection: 'keep-alive' }, socket };
    const res = Object.assign(new EventEmitter(), { statusCode: 200, writableFinished: true });
    traced(req as unknown as http.IncomingMessage, res as unknown as http.ServerResponse);
    res.emit('finish');
    res.emit('close');
  }
}

function clientRound(tracer: Tracer): void {
  const headers: Record<string, string> = {};
  const set = (h: Record<string, string>, k: string, v: string): void => {
    h[k] = v;
  };
  for (let i = 0; i < PER_ROUND; i++) {
    const span = tracer.startSpan('GET /work', { kind: 'exit', layer: 'http', component: 'http', peer: { host: '127.0.0.1', port: 8080 } });
    span.setTag('http.request.method', 'GET');
    span.setTag('url.full', 'http://127.0.0.1:8080/work');
    span.setTag('server.address', '127.0.0.1');
    span.setTag('server.port', 8080);
    tracer.inject(span.context(), headers, set);
    span.setTag('http.response.status_code', 200);
    span.end();
  }
}

function cpuNs(fn: () => void): number {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) * 1000) / PER_ROUND;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '300');
  const tracer = setUp();
  const traced = traceHttpHandler((_req, res) => void (res.statusCode = 200), { tracer });
  const server: number[] = [];
  const client: number[] = [];
  for (let r = 0; r < rounds; r++) {
    server.push(cpuNs(() => serverRound(traced)));
    client.push(cpuNs(() => clientRound(tracer)));
    await new Promise((resolve) => setTimeout(resolve, 2)); // let the pipeline export
  }
  const show = (label: string, v: number[]): string => {
    const s = [...v].sort((a, b) => a - b);
    return `${label}: min ${s[0]!.toFixed(0)} ns, median ${s[s.length >> 1]!.toFixed(0)} ns per request`;
  };
  process.stdout.write(`${show('server side (traceHttpHandler)', server)}\n${show('client side (exit span + inject)', client)}\n`);
  await tracer.shutdown(1000);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
