/**
 * Loopback socket helpers shared by the tests: listen on an ephemeral 127.0.0.1 port, close a
 * server with its keep-alive connections, a plain HTTP GET, and a port nothing listens on.
 *
 * @packageDocumentation
 */
import * as http from 'node:http';
import * as net from 'node:net';

/**
 * Starts `server` listening on 127.0.0.1 with an ephemeral port (`listen(0)`).
 *
 * @param server - an HTTP (or plain TCP) server that is not listening yet.
 * @returns the port once the server listens; rejects never (a listen error is emitted on the server).
 * @example
 * ```ts
 * const port = await listen(http.createServer((_req, res) => res.end('ok')));
 * const url = `http://127.0.0.1:${port}/`;
 * ```
 */
export function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

/**
 * Closes `server`, first dropping every open connection (keep-alive sockets of `fetch` would
 * otherwise hold `close()` open).
 *
 * @param server - a listening HTTP server.
 * @returns a promise resolving once the server has closed (also when it was not listening); never rejects.
 * @example
 * ```ts
 * afterAll(() => closeServer(server));
 * ```
 */
export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/**
 * GET `url` with node:http (no agent, so no connection is kept) and return the body as UTF-8.
 *
 * @param url - an `http://` URL.
 * @param headers - request headers, sent as given.
 * @returns the response body whatever the status; rejects on a socket error.
 * @example
 * ```ts
 * const body = await httpGet(`http://127.0.0.1:${port}/orders`, { traceparent });
 * ```
 */
export function httpGet(url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

/**
 * A 127.0.0.1 port nothing listens on: bound with `listen(0)`, then closed again, so a
 * connection to it is refused (unless another process happens to take it meanwhile).
 *
 * @returns the port; never rejects.
 * @example
 * ```ts
 * const endpoint = `http://127.0.0.1:${await deadPort()}/sampling`;
 * ```
 */
export async function deadPort(): Promise<number> {
  const srv = net.createServer();
  const port = await listen(srv);
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
