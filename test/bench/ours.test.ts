import * as http from 'node:http';
import { createOurTracer, registerZipkinIdentityBackend, ZIPKIN_IDENTITY_BACKEND } from '../../bench/ours';

/**
 * Section 5's like-for-like Zipkin row: the bench backend sends what the `zipkin` backend
 * sends, but never gzipped (as zipkin-js's HttpLogger), while the `zipkin` backend gzips.
 */
test('bench-zipkin-identity posts plain JSON v2; the zipkin backend gzips the same batch', async () => {
  const seen: Array<{ encoding: string | undefined; bytes: number }> = [];
  const server = http.createServer((req, res) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      seen.push({ encoding: req.headers['content-encoding'], bytes });
      res.writeHead(202);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    expect(registerZipkinIdentityBackend()).toBe(true);
    for (const backend of [ZIPKIN_IDENTITY_BACKEND, 'zipkin']) {
      const tracer = createOurTracer(backend, undefined, { queueSize: 1024, flushInterval: 1e9, endpoint: `http://127.0.0.1:${port}/api/v2/spans` })!;
      for (let i = 0; i < 50; i++) tracer.startSpan('op', {}).end();
      await tracer.flush();
      expect(tracer.stats().exported).toBe(50);
      await tracer.shutdown(1000);
    }
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  expect(seen).toHaveLength(2);
  expect(seen[0].encoding).toBeUndefined();
  expect(seen[1].encoding).toBe('gzip');
  expect(seen[0].bytes).toBeGreaterThan(seen[1].bytes);
});
