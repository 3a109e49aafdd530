/**
 * Child process of section 4: one loopback setup (protocol × variant) per process, so that
 * the untraced baseline really runs without async hooks (one `AsyncLocalStorage.run` anywhere
 * in a process enables them for every later request of that process) and no variant's JIT or
 * heap state leaks into another's.
 *
 * Started by `bench/loopback.ts` with `fork(file, [proto, variant])`. Messages: the child sends
 * `{ type: 'ready' }` (or `{ type: 'error', message }`) once its server listens; then answers each
 * `{ type: 'round', count, capMs }` with `{ type: 'result', metrics }` (see `load()`), and exits on
 * `{ type: 'close' }`. Only the variant's own tracer is created: `untraced` loads no tracer.
 *
 * @packageDocumentation
 */
import { grpcTarget, httpTarget, load, ourIntegrations, type Target, type Variant } from './loopback';
import { createOurTracer, DISCARD_BACKEND, registerDiscardBackend } from './ours';

/** A message from the parent. */
type Command = { type: 'round'; count: number; capMs: number } | { type: 'close' };

async function setUp(proto: string, variant: Variant): Promise<{ target: Target; close(): Promise<void> }> {
  const make = proto === 'grpc' ? grpcTarget : httpTarget;
  if (variant === 'ours' || variant === 'ours-server' || variant === 'ours-client') {
    const integ = ourIntegrations();
    // The same pipeline as the OpenTelemetry row: finished spans queued and batch-exported.
    registerDiscardBackend();
    const tracer = integ ? createOurTracer(DISCARD_BACKEND, undefined, { queueSize: 1 << 16 }) : undefined;
    if (!integ || !tracer) throw new Error('our integrations are not exported');
    const target = await make(variant, { tracer, integ }, undefined);
    return { target, close: async () => { await target.close(); await tracer.shutdown(1000); } };
  }
  if (variant === 'otel') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createOtelTracer } = require('./incumbents/otel') as typeof import('./incumbents/otel');
    const otel = createOtelTracer();
    const target = await make('otel', undefined, otel.tracer);
    return { target, close: async () => { await target.close(); await otel.close(); } };
  }
  const target = await make(variant, undefined, undefined);
  return { target, close: () => target.close() };
}

async function main(): Promise<void> {
  const [proto = 'http', variant = 'untraced'] = process.argv.slice(2);
  const send = (m: unknown): void => void process.send?.(m);
  let setup: { target: Target; close(): Promise<void> };
  try {
    setup = await setUp(proto, variant as Variant);
  } catch (err) {
    send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
  process.on('message', (m: Command) => {
    if (m.type === 'close') {
      void setup.close().finally(() => process.exit(0));
      return;
    }
    load(setup.target, m.count, m.capMs).then(
      (metrics) => send({ type: 'result', metrics }),
      (err: unknown) => send({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
  });
  send({ type: 'ready' });
}

void main();
