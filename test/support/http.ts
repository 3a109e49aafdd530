/**
 * Loopback socket helpers shared by the tests: listen on an ephemeral 127.0.0.1 port, close a
 * server with its keep-alive connections, a plain HTTP GET, and a port nothing listens on.
 *
 * @packageDocumentation
 */
import * as fs from 'node:fs';
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
 * Lowest port of the kernel's ephemeral range (Linux), at most 32768 (Linux's default; macOS
 * starts at 49152): `listen(0)` hands out no port below it.
 *
 * @returns the port number; never throws.
 * @example
 * ```ts
 * ephemeralLow(); // 32768
 * ```
 */
export function ephemeralLow(): number {
  try {
    const low = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? Math.min(low, 32768) : 32768;
  } catch {
    return 32768;
  }
}

/** Whether a listener can be bound on 127.0.0.1:`port` now (then nothing listens there). */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A 127.0.0.1 port nothing listens on, so that a connection to it is refused (ECONNREFUSED),
 * as with a collector that is not running.
 *
 * The port is picked at random below the kernel's ephemeral range (10000 up to it) and checked
 * free: `listen(0)` and outgoing connections only take ports inside that range, so no server
 * another test starts later can land on it (a port released by `listen(0)` can be handed to
 * the next `listen(0)`, e.g. a traced service of the same test, which then receives — and
 * traces — the exporter's requests), and a connection to it cannot connect to itself (same
 * source and destination port). Falls back to a released ephemeral port when no such port
 * is found.
 *
 * @returns the port; never rejects.
 * @example
 * ```ts
 * const endpoint = `http://127.0.0.1:${await deadPort()}/sampling`;
 * ```
 */
export async function deadPort(): Promise<number> {
  const low = ephemeralLow();
  if (low > 10000) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = 10000 + Math.floor(Math.random() * (low - 10000));
      if (await canBind(port)) return port;
    }
  }
  const srv = net.createServer();
  const port = await listen(srv);
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
