/**
 * The test helpers' dead port: refused, and outside the range `listen(0)` hands out, so a
 * server a test starts after picking it cannot take it (which once made the Zipkin exporter
 * of the reliability matrix post its spans to the traced gateway of the same test).
 */
import * as net from 'node:net';
import { deadPort, ephemeralLow, listen } from './http';

function connect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('deadPort', () => {
  it('gives a port below the ephemeral range that refuses connections, never one listen(0) then hands out', async () => {
    const low = ephemeralLow();
    const ports = await Promise.all(Array.from({ length: 5 }, () => deadPort()));
    for (const port of ports) expect(await connect(port)).toBe('ECONNREFUSED');
    // (a kernel whose ephemeral range starts at 10000 or lower leaves no such port: the helper falls back)
    if (low <= 10000) return;
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10000);
      expect(port).toBeLessThan(low);
    }
    // 50 ephemeral listeners: none lands on a dead port.
    const servers = Array.from({ length: 50 }, () => net.createServer());
    try {
      const taken = await Promise.all(servers.map((s) => listen(s)));
      expect(taken.filter((p) => ports.includes(p))).toEqual([]);
      expect(Math.min(...taken)).toBeGreaterThanOrEqual(low);
    } finally {
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    }
  });
});
