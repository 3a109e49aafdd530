/**
 * `npm run demo` — the main job: four services, each in its own Node process on 127.0.0.1
 * ephemeral ports, traced end to end:
 *
 *   gateway  --HTTP-->  orders  --gRPC-->  inventory (local span reserve-stock)  --custom RPC-->  pricing
 *
 * Sends `DEMO_REQUESTS` (default 5) requests to the gateway, one of which fails on purpose in
 * `pricing` (item `cursed`), then flushes and shuts every service down and exits 0.
 * The backend comes from `TRACE_TYPE` (default `console`: the spans of all four processes are
 * gathered here and printed as one waterfall per trace); every `TRACE_*` variable is honoured.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { formatWaterfall, type FinishedSpan, type TracerStats } from '../../src';

interface ServiceHandle {
  name: string;
  child: ChildProcess;
  port: number;
}

const spans: FinishedSpan[] = [];

function startService(name: string, env: Record<string, string>): Promise<ServiceHandle> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'service-main.js'), [], {
      env: { ...process.env, ...env, DEMO_SERVICE: name },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 15 s`)), 15000);
    child.on('message', (msg: { type: string; port?: number; spans?: FinishedSpan[] }) => {
      if (msg.type === 'ready') {
        clearTimeout(timer);
        resolve({ name, child, port: msg.port! });
      } else if (msg.type === 'spans') spans.push(...msg.spans!);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`${name} exited with code ${code}`));
    });
  });
}

function stopService(s: ServiceHandle): Promise<{ stats: TracerStats; dropped: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${s.name} did not stop within 20 s`)), 20000);
    s.child.on('message', (msg: { type: string; stats?: TracerStats; dropped?: number }) => {
      if (msg.type === 'stopped') {
        clearTimeout(timer);
        resolve({ stats: msg.stats!, dropped: msg.dropped ?? 0 });
      }
    });
    s.child.send({ type: 'shutdown' });
  });
}

async function main(): Promise<void> {
  const requests = Number(process.env.DEMO_REQUESTS ?? 5);
  if (!Number.isInteger(requests) || requests < 1) throw new Error(`DEMO_REQUESTS must be a positive integer, got ${process.env.DEMO_REQUESTS}`);
  const backend = (process.env.TRACE_TYPE ?? 'console').toLowerCase();
  const baseEnv = { TRACE_TYPE: process.env.TRACE_TYPE ?? 'console' };
  console.log(`traceandtrace demo: backend ${backend}${process.env.TRACE_ENDPOINT ? ` at ${process.env.TRACE_ENDPOINT}` : ''}, ${requests} requests`);

  const services: ServiceHandle[] = [];
  try {
    const pricing = await startService('pricing', baseEnv);
    services.push(pricing);
    const inventory = await startService('inventory', { ...baseEnv, PRICING_ADDR: `127.0.0.1:${pricing.port}` });
    services.push(inventory);
    const orders = await startService('orders', { ...baseEnv, INVENTORY_ADDR: `127.0.0.1:${inventory.port}` });
    services.push(orders);
    const gateway = await startService('gateway', { ...baseEnv, ORDERS_URL: `http://127.0.0.1:${orders.port}` });
    services.push(gateway);
    for (const s of services) console.log(`  ${s.name.padEnd(9)} pid ${s.child.pid}  127.0.0.1:${s.port}`);

    const items = ['book', 'pen', 'lamp', 'mug', 'chair'];
    const failAt = Math.min(2, requests - 1);
    console.log('\nrequests:');
    for (let i = 0; i < requests; i++) {
      const item = i === failAt ? 'cursed' : items[i % items.length];
      const res = await fetch(`http://127.0.0.1:${gateway.port}/checkout?item=${item}`);
      const body = (await res.json()) as { traceId?: string; error?: string };
      console.log(`  GET /checkout?item=${item.padEnd(6)} → ${res.status}  trace ${body.traceId ?? '-'}${body.error ? `  (${body.error})` : ''}`);
    }
  } finally {
    const results = await Promise.allSettled([...services].reverse().map((s) => stopService(s).then((r) => ({ name: s.name, ...r }))));
    console.log('\nexport pipeline:');
    for (const r of results) {
      if (r.status === 'fulfilled') {
        const { stats } = r.value;
        console.log(`  ${r.value.name.padEnd(9)} started ${stats.started}  exported ${stats.exported}  dropped ${stats.dropped}  export errors ${stats.exportErrors}`);
      } else console.log(`  ${r.reason}`);
    }
  }
  if (backend === 'console') {
    console.log(`\n${spans.length} spans from ${new Set(spans.map((s) => s.resource.serviceName)).size} processes:\n`);
    process.stdout.write(formatWaterfall(spans));
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`demo failed: ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);
