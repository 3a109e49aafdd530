import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { addRpcClientTracing, traceHttpHandler, type Tracer } from '../../../src';
import { loadInventoryPackage } from './inventory';
import type { RunningService } from './pricing';

interface InventoryClient extends grpc.Client {
  Reserve(req: { item: string; quantity: number }, cb: (err: grpc.ServiceError | null, reply: { item: string; reserved: number; price: number }) => void): void;
}

/**
 * Start the `orders` HTTP service: `GET /orders?item=…` reserves the item through the
 * `inventory` gRPC service (client interceptors inject the trace into the metadata).
 */
export async function startOrders(tracer: Tracer, inventoryAddr: { host: string; port: number }, port = 0): Promise<RunningService> {
  const { Inventory } = loadInventoryPackage();
  const target = `${inventoryAddr.host}:${inventoryAddr.port}`;
  const tracing = addRpcClientTracing('inventory', { tracer, peer: target });
  const client = new Inventory(target, grpc.credentials.createInsecure(), tracing.options) as unknown as InventoryClient;
  const server = http.createServer(
    traceHttpHandler(
      async (req, res) => {
        const url = new URL(req.url ?? '/', 'http://orders');
        if (url.pathname === '/orders/legacy') {
          res.writeHead(302, { location: `/orders${url.search}` }).end();
          return;
        }
        if (url.pathname !== '/orders') {
          res.writeHead(404).end();
          return;
        }
        const item = url.searchParams.get('item') ?? 'book';
        try {
          const reply = await new Promise<{ item: string; reserved: number; price: number }>((resolve, reject) =>
            client.Reserve({ item, quantity: 1 }, (err, r) => (err ? reject(err) : resolve(r))),
          );
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ order: reply }));
        } catch (err) {
          res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (err as grpc.ServiceError).details ?? String(err) }));
        }
      },
      { tracer },
    ),
  );
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      client.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
