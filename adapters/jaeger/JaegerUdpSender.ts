import * as dgram from 'node:dgram';
import { isIP } from 'node:net';
import { exportError } from './JaegerHttpSender';

/**
 * Options of {@link JaegerUdpSender}.
 *
 * @example
 * ```ts
 * const o: JaegerUdpSenderOptions = { host: '127.0.0.1', port: 6832 };
 * ```
 */
export interface JaegerUdpSenderOptions {
  /** Agent host name or IP (default `localhost`). */
  host: string;
  /** Agent port (default 6832, the agent's Thrift-binary port). */
  port: number;
}

/**
 * Sends datagrams (each one Thrift-binary `Agent::emitBatch` message) to a Jaeger agent, as
 * jaeger-client's UDPSender does, but on an `unref`'d socket so an idle tracer never keeps the
 * process alive. Splitting batches under the 65,000-byte limit is the caller's job
 * (see {@link JaegerExporter}).
 *
 * Errors: `send()` rejects (never throws) with a retryable `ExportError` when the socket
 * reports one (e.g. DNS failure, `EMSGSIZE`, an ICMP port-unreachable surfaced as
 * `ECONNREFUSED`). UDP has no acknowledgement: a datagram to a dead agent usually "succeeds".
 *
 * @see https://www.jaegertracing.io/docs/1.x/deployment/#agent (port 6832: `jaeger.thrift` over binary Thrift)
 * @example
 * ```ts
 * const sender = new JaegerUdpSender({ host: '127.0.0.1', port: 6832 });
 * await sender.send(emitBatchBytes);
 * await sender.close();
 * ```
 */
export class JaegerUdpSender {
  private readonly socket: dgram.Socket;
  private closed = false;
  /** `host:port`, for messages. */
  readonly target: string;

  constructor(private readonly opts: JaegerUdpSenderOptions) {
    this.target = `${opts.host}:${opts.port}`;
    this.socket = dgram.createSocket(isIP(opts.host) === 6 ? 'udp6' : 'udp4');
    // Async socket errors must never become an 'error' event without a listener (process crash).
    this.socket.on('error', () => undefined);
    this.socket.unref();
  }

  /**
   * Send one datagram.
   *
   * @param datagram - at most 65,000 bytes of Thrift-binary `emitBatch`
   * @returns resolves once the OS accepted the datagram; rejects with a retryable `ExportError`
   */
  send(datagram: Buffer): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.closed) {
        reject(exportError(`jaeger agent sender ${this.target} is closed`, false));
        return;
      }
      try {
        this.socket.send(datagram, this.opts.port, this.opts.host, (err) => {
          if (err) {
            const code = (err as NodeJS.ErrnoException).code ?? err.message;
            reject(exportError(`jaeger agent ${this.target}: ${code}`, true));
          } else resolve();
        });
      } catch (err) {
        reject(exportError(`jaeger agent ${this.target}: ${(err as Error).message}`, false));
      }
    });
  }

  /** Close the socket. Idempotent; resolves when closed. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise<void>((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve(); // never bound: nothing to close
      }
    });
  }
}
