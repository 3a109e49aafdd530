/**
 * The demo chain in one process, each service with its own tracer — used by the tests and
 * the conformance suite: gateway →HTTP→ orders →gRPC→ inventory (local span
 * `reserve-stock`) →custom RPC→ pricing.
 */
import { createTracer, type Tracer, type TracerConfig } from '../../src';
import { startGateway } from './services/gateway';
import { startInventory } from './services/inventory';
import { startOrders } from './services/orders';
import { startPricing, type RunningService } from './services/pricing';

/** Service names, in call order. */
export const DEMO_SERVICES = ['gateway', 'orders', 'inventory', 'pricing'] as const;

/** A running in-process demo chain. */
export interface DemoChain {
  /** `http://127.0.0.1:PORT` of the gateway; call `${gatewayUrl}/checkout?item=book`. */
  gatewayUrl: string;
  /** The four tracers, in {@link DEMO_SERVICES} order. */
  tracers: Tracer[];
  /** Flush every tracer (deliver all finished spans). */
  flush(): Promise<void>;
  /** Close the servers and shut the tracers down. */
  stop(): Promise<void>;
}

/**
 * Start the four services on 127.0.0.1 ephemeral ports, each with
 * `createTracer({ ...configFor(name), serviceName: name })`.
 */
export async function startDemoChain(configFor: (service: string) => Partial<TracerConfig>): Promise<DemoChain> {
  const tracers = DEMO_SERVICES.map((name) => createTracer({ ...configFor(name), serviceName: name } as TracerConfig));
  const [gt, ot, it, pt] = tracers;
  const running: RunningService[] = [];
  try {
    const pricing = await startPricing(pt);
    running.push(pricing);
    const inventory = await startInventory(it, { host: '127.0.0.1', port: pricing.port });
    running.push(inventory);
    const orders = await startOrders(ot, { host: '127.0.0.1', port: inventory.port });
    running.push(orders);
    const gateway = await startGateway(gt, `http://127.0.0.1:${orders.port}`);
    running.push(gateway);
    return {
      gatewayUrl: `http://127.0.0.1:${gateway.port}`,
      tracers,
      flush: async () => {
        for (const t of tracers) await t.flush();
      },
      stop: async () => {
        for (const r of running.reverse()) await r.close();
        await Promise.all(tracers.map((t) => t.shutdown(5000)));
      },
    };
  } catch (err) {
    for (const r of running.reverse()) await r.close().catch(() => undefined);
    await Promise.all(tracers.map((t) => t.shutdown(1000)));
    throw err;
  }
}
