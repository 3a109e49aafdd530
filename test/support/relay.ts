/**
 * The middle service of the adapter interop tests: a traced HTTP server that, for every
 * request, calls a peer's URL with `tracedFetch` and answers `relayed <peer's body>`.
 *
 * @packageDocumentation
 */
import * as http from 'node:http';
import { traceHttpHandler, tracedFetch, type Tracer } from '../../src';
import { listen } from './http';

/** A listening relay server and its `/relay` URL. */
export interface RelayServer {
  /** The HTTP server (close it with `closeServer`). */
  server: http.Server;
  /** `http://127.0.0.1:<port>/relay`. */
  url: string;
}

/**
 * Starts the relay on an ephemeral 127.0.0.1 port: each request gets a server span from
 * `traceHttpHandler`, and inside it a client span from `tracedFetch(leafUrl)`.
 *
 * @param tracer - the tracer both spans belong to.
 * @param leafUrl - the URL called for every request.
 * @returns the server and its URL once it listens; never rejects.
 * @example
 * ```ts
 * const tracer = createTracer({ serviceName: 'ours', backend: 'zipkin', endpoint });
 * const { server, url } = await startRelay(tracer, peer.leafUrl);
 * ```
 */
export async function startRelay(tracer: Tracer, leafUrl: string): Promise<RelayServer> {
  const server = http.createServer(
    traceHttpHandler(
      async (_req, res) => {
        const r = await tracedFetch(leafUrl, undefined, { tracer });
        res.end(`relayed ${await r.text()}`);
      },
      { tracer },
    ),
  );
  const port = await listen(server);
  return { server, url: `http://127.0.0.1:${port}/relay` };
}
