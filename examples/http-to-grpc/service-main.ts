/**
 * One demo service in its own process (spawned by demo.ts). Which service comes from
 * `DEMO_SERVICE`; its listening port from `<SERVICE>_PORT` (0 = ephemeral); the addresses
 * of the next hop from `ORDERS_URL`, `INVENTORY_ADDR`, `PRICING_ADDR`. The tracer comes
 * from `init()`, i.e. from the `TRACE_*` environment, so the same demo exports to any
 * backend with no code change.
 *
 * With the `console` backend, finished spans are forwarded to the demo runner over the
 * IPC channel, which prints the spans of all four processes as one waterfall per trace.
 */
import '../../adapters';
import { init, registerBackend, type FinishedSpan, type SpanExporter } from '../../src';
import { startGateway } from './services/gateway';
import { startInventory } from './services/inventory';
import { startOrders } from './services/orders';
import { startPricing, type RunningService } from './services/pricing';

/** Forwards finished spans to the parent process (the demo runner) as plain data. */
class IpcSpanForwarder implements SpanExporter {
  export(batch: readonly FinishedSpan[]): Promise<void> {
    const spans = batch.map((s) => JSON.parse(JSON.stringify(s)) as FinishedSpan);
    return new Promise((resolve, reject) => process.send!({ type: 'spans', spans }, undefined, {}, (err) => (err ? reject(err) : resolve())));
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

function addr(value: string | undefined, name: string): { host: string; port: number } {
  const m = /^(.+):(\d+)$/.exec(value ?? '');
  if (!m) throw new Error(`${name} must be host:port, got ${JSON.stringify(value)}`);
  return { host: m[1], port: Number(m[2]) };
}

async function main(): Promise<void> {
  const service = process.env.DEMO_SERVICE ?? '';
  if ((process.env.TRACE_TYPE ?? 'console').toLowerCase() === 'console' && process.send) {
    registerBackend('console', () => ({ exporter: new IpcSpanForwarder() }));
  }
  const tracer = init({ serviceName: service });
  const port = Number(process.env[`${service.toUpperCase()}_PORT`] ?? 0);
  let running: RunningService;
  switch (service) {
    case 'pricing':
      running = await startPricing(tracer, port);
      break;
    case 'inventory':
      running = await startInventory(tracer, addr(process.env.PRICING_ADDR, 'PRICING_ADDR'), port);
      break;
    case 'orders':
      running = await startOrders(tracer, addr(process.env.INVENTORY_ADDR, 'INVENTORY_ADDR'), port);
      break;
    case 'gateway':
      running = await startGateway(tracer, process.env.ORDERS_URL ?? '', port);
      break;
    default:
      throw new Error(`DEMO_SERVICE must be gateway, orders, inventory or pricing, got ${JSON.stringify(service)}`);
  }
  process.on('message', (msg: { type?: string }) => {
    if (msg?.type !== 'shutdown') return;
    void (async () => {
      await running.close();
      const result = await tracer.shutdown(10000);
      process.send!({ type: 'stopped', stats: tracer.stats(), dropped: result.dropped }, undefined, {}, () => process.disconnect());
    })();
  });
  process.send!({ type: 'ready', port: running.port });
}

main().catch((err: unknown) => {
  console.error(`[${process.env.DEMO_SERVICE}] failed to start: ${(err as Error).message}`);
  process.exit(1);
});
