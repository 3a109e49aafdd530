import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { addRpcServerTracing, type Tracer } from '../../../src';
import { quote, type RunningService } from './pricing';

/** Locate inventory.proto next to the sources (works from ts and from dist/). */
export function protoPath(): string {
  const candidates = [
    path.join(__dirname, '..', 'inventory.proto'),
    path.join(__dirname, '..', '..', '..', '..', 'examples', 'http-to-grpc', 'inventory.proto'),
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`inventory.proto not found (looked in ${candidates.join(', ')})`);
  return found;
}

/** The generated client/service constructors for demo.inventory.Inventory. */
export function loadInventoryPackage(): { Inventory: grpc.ServiceClientConstructor } {
  const def = protoLoader.loadSync(protoPath(), { keepCase: true, longs: Number, defaults: true });
  const pkg = grpc.loadPackageDefinition(def) as unknown as { demo: { inventory: { Inventory: grpc.ServiceClientConstructor } } };
  return pkg.demo.inventory;
}

/**
 * Start the `inventory` gRPC service. Its server interceptors continue the caller's trace;
 * `Reserve` runs a local span `reserve-stock`, then calls `pricing` over the custom RPC.
 */
export async function startInventory(tracer: Tracer, pricingAddr: { host: string; port: number }, port = 0): Promise<RunningService> {
  const { Inventory } = loadInventoryPackage();
  const tracing = addRpcServerTracing('inventory', { tracer });
  const server = new grpc.Server(tracing.options);
  server.addService(Inventory.service, {
    Reserve: (call: grpc.ServerUnaryCall<{ item: string; quantity: number }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const { item, quantity } = call.request;
      (async () => {
        const reserve = tracer.createLocalSpan('reserve-stock');
        reserve.setTag('inventory.item', item).setTag('inventory.quantity', quantity);
        await tracer.withSpan(reserve, () => new Promise((r) => setTimeout(r, 1)));
        reserve.end();
        const price = await quote(tracer, pricingAddr.host, pricingAddr.port, item);
        return { item, reserved: quantity, price };
      })().then(
        (reply) => callback(null, reply),
        (err: Error) => callback({ code: grpc.status.INTERNAL, details: err.message }),
      );
    },
  });
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port: bound,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
