/**
 * An HTTP proxy for export tests: forwards every request to a stand-in collector on
 * 127.0.0.1, holding it `holdMs` first, and counts how many requests were open at once — to
 * see on the wire how many batches an exporter sends together.
 *
 * @packageDocumentation
 */
import * as http from 'node:http';
import { closeServer, listen } from './http';

/** A running {@link startHoldingProxy}. */
export interface HoldingProxy {
  /** The proxy's port on 127.0.0.1. */
  readonly port: number;
  /** Most requests open at the same time so far. */
  mostOpen(): number;
  stop(): Promise<void>;
}

/**
 * Start a proxy on 127.0.0.1:0 that reads each request, waits `holdMs`, forwards it (method,
 * path, headers, body) to `127.0.0.1:targetPort` and relays the answer.
 *
 * @param targetPort - the stand-in collector's port
 * @param holdMs - delay before forwarding each request, ms
 * @example
 * ```ts
 * const proxy = await startHoldingProxy(collectorPort, 40);
 * // point the exporter at http://127.0.0.1:${proxy.port}/…, flush, then:
 * expect(proxy.mostOpen()).toBeGreaterThan(1);
 * ```
 */
export async function startHoldingProxy(targetPort: number, holdMs: number): Promise<HoldingProxy> {
  let open = 0;
  let most = 0;
  const server = http.createServer((req, res) => {
    open++;
    most = Math.max(most, open);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      setTimeout(() => {
        const out = http.request({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('end', () => open--);
        });
        out.on('error', () => {
          open--;
          res.writeHead(502).end();
        });
        out.end(Buffer.concat(chunks));
      }, holdMs);
    });
  });
  const port = await listen(server);
  return { port, mostOpen: () => most, stop: () => closeServer(server) };
}
