import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { traceHttpHandler, tracedFetch, traceLogFields, type Tracer } from '../../../src';
import type { RunningService } from './pricing';

/**
 * Start the `gateway` HTTP service: `GET /checkout?item=…` calls `orders` over HTTP with
 * the traced fetch client and answers with the order and the trace id.
 */
export async function startGateway(tracer: Tracer, ordersUrl: string, port = 0): Promise<RunningService> {
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer(
    traceHttpHandler(
      async (req, res) => {
        const url = new URL(req.url ?? '/', 'http://gateway');
        if (url.pathname === '/healthz') {
          res.writeHead(200).end('ok');
          return;
        }
        if (url.pathname !== '/checkout') {
          res.writeHead(404).end();
          return;
        }
        // `item=a,b,c` fans out to orders in parallel; `redirect=1` goes through orders' legacy URL (a 302).
        const items = (url.searchParams.get('item') ?? 'book').split(',').filter(Boolean);
        const path = url.searchParams.get('redirect') === '1' ? '/orders/legacy' : '/orders';
        const { trace_id } = traceLogFields();
        const results = await Promise.all(
          items.map(async (item) => {
            const upstream = await tracedFetch(`${ordersUrl}${path}?item=${encodeURIComponent(item)}`, undefined, { tracer });
            return { ok: upstream.ok, body: (await upstream.json()) as Record<string, unknown> };
          }),
        );
        const status = results.every((r) => r.ok) ? 200 : 500;
        const body = results.length === 1 ? results[0].body : { orders: results.map((r) => r.body) };
        res.writeHead(status, { 'content-type': 'application/json', 'x-trace-id': trace_id ?? '' }).end(JSON.stringify({ traceId: trace_id, ...body }));
      },
      { tracer },
    ),
  );
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
