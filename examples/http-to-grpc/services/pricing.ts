import type { AddressInfo } from 'node:net';
import type { Tracer } from '../../../src';
import { callRpc, getHeader, serveRpc, setHeader, type RpcRequest } from './customRpc';

/** Prices by item; `cursed` fails on purpose so the demo shows the error path. */
const PRICES: Record<string, number> = { book: 12.5, pen: 1.2, lamp: 30, mug: 7.9, chair: 45 };

/** A running service. */
export interface RunningService {
  port: number;
  close(): Promise<void>;
}

/**
 * Start the `pricing` service: a custom JSON-over-TCP RPC server. Each request continues
 * the caller's trace from the request's `header` string through `createEntrySpan` with a
 * get function.
 */
export async function startPricing(tracer: Tracer, port = 0): Promise<RunningService> {
  const server = serveRpc(async (req) => {
    const span = tracer.createEntrySpan(`pricing.${req.method}`, (key) => getHeader(req, key), { layer: 'rpc', component: 'custom-rpc' });
    span.setTag('rpc.system', 'custom-json');
    span.setTag('rpc.method', req.method);
    return tracer.withSpan(span, async () => {
      try {
        const item = String(req.body.item ?? '');
        await new Promise((r) => setTimeout(r, 2));
        if (item === 'cursed') throw new Error(`no price for item "${item}": the price list refuses it`);
        const price = PRICES[item] ?? 9.99;
        span.setTag('pricing.item', item);
        return { id: req.id, ok: true, result: { price } };
      } catch (err) {
        span.recordError(err);
        return { id: req.id, ok: false, error: (err as Error).message };
      } finally {
        span.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Client of the pricing RPC: an exit span (child of the active span) whose context is
 * written into the request's `header` string with a set function.
 */
export async function quote(tracer: Tracer, host: string, port: number, item: string): Promise<number> {
  const req: RpcRequest = { id: 0, method: 'quote', header: '', body: { item } };
  const span = tracer.createExitSpan('pricing.quote', `${host}:${port}`, (key, value) => setHeader(req, key, value), { layer: 'rpc', component: 'custom-rpc' });
  span.setTag('rpc.system', 'custom-json');
  span.setTag('rpc.method', 'quote');
  try {
    const res = await callRpc(host, port, req);
    if (!res.ok) throw new Error(res.error ?? 'pricing failed');
    return Number(res.result?.price);
  } catch (err) {
    span.recordError(err);
    throw err;
  } finally {
    span.end();
  }
}
