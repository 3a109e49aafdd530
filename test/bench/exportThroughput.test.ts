import * as http from 'node:http';
import * as path from 'node:path';
import { runNode } from '../support/childProcess';

/**
 * Section 5's OpenTelemetry incumbent is timed to its last acknowledgement, including the
 * batch its BatchSpanProcessor starts during the fill (which `forceFlush()` does not wait for),
 * and a round fails when the collector refuses a batch.
 *
 * `otelExportCase` runs in a child process from the compiled `dist/` (built by the suite's
 * global setup), as `npm run bench` runs it: OpenTelemetry's OTLP exporters load their HTTP
 * transport by a dynamic `import()`, which jest's module sandbox refuses.
 */
const ROOT = path.resolve(__dirname, '..', '..');

/** `rounds` rounds of `otelExportCase('http', port, parents, 99)`: their results, or the first error's message. */
async function runRounds(port: number, parents: number, rounds: number): Promise<{ results: Array<{ spansPerSec: number }>; error?: string }> {
  const child = `
const { otelExportCase } = require(${JSON.stringify(path.join(ROOT, 'dist', 'bench', 'exportThroughput.js'))});
(async () => {
  const c = otelExportCase('http', ${port}, ${parents}, 99);
  const results = [];
  let error;
  try {
    for (let i = 0; i < ${rounds}; i++) results.push(await c.round());
  } catch (e) {
    error = String(e && e.message || e);
  }
  await c.close().catch(() => {});
  // exit once the line is written: process.exit() right after write() may cut a pipe short
  process.stdout.write(JSON.stringify({ results, error }), () => process.exit(0));
})();`;
  const run = await runNode(['-e', child], { cwd: ROOT, killAfterMs: 60_000 });
  try {
    return JSON.parse(run.stdout) as { results: Array<{ spansPerSec: number }>; error?: string };
  } catch {
    throw new Error(`child printed no result (code ${run.code}): ${run.stdout}${run.stderr}`);
  }
}

describe('otelExportCase (OTLP/HTTP)', () => {
  let server: http.Server;
  let port: number;
  /** Bodies received, and how long the next answer is held back (ms). */
  let bodies: number[];
  let delays: number[];
  let status: number;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let n = 0;
      req.on('data', (c: Buffer) => (n += c.length));
      req.on('end', () => {
        bodies.push(n);
        setTimeout(() => {
          res.writeHead(status, { 'content-type': 'application/x-protobuf' });
          res.end();
        }, delays.shift() ?? 0);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });

  beforeEach(() => {
    bodies = [];
    delays = [];
    status = 200;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('waits for the batch exported during the fill, answered after forceFlush() resolved', async () => {
    // 6 traces × 100 spans: 512 are exported as soon as they are queued (during the fill), the
    // other 88 by forceFlush(); the first answer comes 400 ms late.
    delays = [400];
    const r = await runRounds(port, 6, 1);
    expect(r.error).toBeUndefined();
    expect(bodies).toHaveLength(2);
    // timed to the late acknowledgement: 600 spans in more than 0.3 s
    expect(r.results[0]!.spansPerSec).toBeGreaterThan(0);
    expect(r.results[0]!.spansPerSec).toBeLessThan(600 / 0.3);
  });

  test('rounds answered at once count all of their spans', async () => {
    const r = await runRounds(port, 6, 2);
    expect(r.error).toBeUndefined();
    expect(bodies).toHaveLength(4);
    expect(r.results).toHaveLength(2);
    for (const x of r.results) expect(Number.isFinite(x.spansPerSec) && x.spansPerSec > 600 / 0.3).toBe(true);
  });

  test('a collector answering 500 fails the round', async () => {
    status = 500;
    const r = await runRounds(port, 2, 1);
    expect(r.results).toHaveLength(0);
    expect(r.error).toBeDefined();
    expect(bodies.length).toBeGreaterThanOrEqual(1);
  });
});
