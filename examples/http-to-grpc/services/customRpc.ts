/**
 * A tiny JSON-over-TCP RPC (one JSON object per line) whose request object carries the
 * trace in a `header` **string** field — the custom-RPC pattern traceandtrace supports
 * through `createEntrySpan` / `createExitSpan` with get/set functions.
 *
 * The header string is `key=value` pairs joined by `&` (URL-encoded), e.g.
 * `traceparent=00-…-01&baggage=…`.
 */
import * as net from 'node:net';

/** A request on the wire. */
export interface RpcRequest {
  id: number;
  method: string;
  /** Trace headers as one `k=v&k=v` string. */
  header: string;
  body: Record<string, unknown>;
}

/** A response on the wire. */
export interface RpcResponse {
  id: number;
  ok: boolean;
  result?: Record<string, unknown>;
  error?: string;
}

/** Read one key of a request's header string (keys compared lower-case). */
export function getHeader(req: RpcRequest, key: string): string | undefined {
  const params = new URLSearchParams(req.header ?? '');
  for (const [k, v] of params) if (k.toLowerCase() === key.toLowerCase()) return v;
  return undefined;
}

/** Write one key of a request's header string (replacing an earlier value). */
export function setHeader(req: RpcRequest, key: string, value: string): void {
  const params = new URLSearchParams(req.header ?? '');
  params.set(key, value);
  req.header = params.toString();
}

/** Serve line-delimited JSON requests with `handle`. */
export function serveRpc(handle: (req: RpcRequest) => Promise<RpcResponse>): net.Server {
  return net.createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let req: RpcRequest;
        try {
          req = JSON.parse(line) as RpcRequest;
        } catch {
          socket.write(JSON.stringify({ id: -1, ok: false, error: 'bad request' }) + '\n');
          continue;
        }
        handle(req).then(
          (res) => socket.write(JSON.stringify(res) + '\n'),
          (err: unknown) => socket.write(JSON.stringify({ id: req.id, ok: false, error: String(err) }) + '\n'),
        );
      }
    });
    socket.on('error', () => socket.destroy());
  });
}

let nextId = 1;

/** Send one request over a new connection and resolve with the response. */
export function callRpc(host: string, port: number, req: Omit<RpcRequest, 'id'> & { id?: number }, timeoutMs = 5000): Promise<RpcResponse> {
  const full: RpcRequest = { id: req.id ?? nextId++, method: req.method, header: req.header, body: req.body };
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    let buffer = '';
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`pricing RPC timed out after ${timeoutMs} ms`)));
    socket.on('connect', () => socket.write(JSON.stringify(full) + '\n'));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl >= 0) {
        socket.end();
        try {
          resolve(JSON.parse(buffer.slice(0, nl)) as RpcResponse);
        } catch (err) {
          reject(err);
        }
      }
    });
    socket.on('error', reject);
  });
}
