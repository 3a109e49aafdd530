import * as os from 'node:os';
import type { ClientUnaryCall, Metadata, ServiceError } from '@grpc/grpc-js';
import { KeyStringValuePair } from 'skywalking-backend-js/lib/proto/common/Common_pb';
import type { ManagementServiceClient } from 'skywalking-backend-js/lib/proto/management/Management_grpc_pb';
import { InstancePingPkg, InstanceProperties } from 'skywalking-backend-js/lib/proto/management/Management_pb';
import { type Logger, type Resource, collectorReason } from '../../src';

/**
 * Settings of a {@link ManagementReporter} (ms).
 *
 * @example
 * ```ts
 * new ManagementReporter(client, md, resource, logger, { intervalMs: 20_000, timeoutMs: 10_000 });
 * ```
 */
export interface ManagementReporterOptions {
  /** Keep-alive period in ms. Default 20000 (what SkyWalking agents use). */
  intervalMs?: number;
  /** Deadline of each call in ms. Default 10000. */
  timeoutMs?: number;
  /** Secrets sent in the metadata (see `secretVariants`): removed from the OAP's status details before they are logged. */
  secrets?: readonly string[];
}

/**
 * Registers this process with the OAP through SkyWalking's `ManagementService`:
 * `reportInstanceProperties` once (repeated on later ticks until one succeeds, never two at a time) and
 * `keepAlive` right away and then every `intervalMs` (20 s) on an `unref`'d timer, so it never
 * keeps the process alive. Failures are logged once per outage (no secrets: the gRPC status
 * and a short excerpt of its details with every secret we sent removed), never thrown.
 * `stop()` cancels calls in flight.
 *
 * Properties sent: `language=NodeJS`, `OS Name`, `hostname`, `Process No.`, `ipv4`,
 * `agent version` (our SDK version) and the tracer's `tags`.
 *
 * @see https://github.com/apache/skywalking-data-collect-protocol/blob/master/management/Management.proto
 * @example
 * ```ts
 * const mgmt = new ManagementReporter(client, () => metadata.clone(), resource, logger);
 * mgmt.start();
 * // …
 * mgmt.stop();
 * ```
 */
export class ManagementReporter {
  private timer: NodeJS.Timeout | undefined;
  private propertiesReported = false;
  private propertiesInFlight = false;
  private failing = false;
  private stopped = false;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly secrets: readonly string[];
  /** Calls not yet answered: `stop()` cancels them. */
  private readonly calls = new Set<ClientUnaryCall>();

  /**
   * @param client - the generated `ManagementServiceClient`
   * @param metadata - returns fresh call metadata (authentication token, extra headers)
   * @param resource - service, instance and host identity
   * @param logger - where one warning per outage goes
   * @param options - period and deadline
   */
  constructor(
    private readonly client: ManagementServiceClient,
    private readonly metadata: () => Metadata,
    private readonly resource: Resource,
    private readonly logger: Logger,
    options: ManagementReporterOptions = {},
  ) {
    this.intervalMs = Math.max(1, options.intervalMs ?? 20_000);
    this.timeoutMs = Math.max(1, options.timeoutMs ?? 10_000);
    this.secrets = options.secrets ?? [];
  }

  /** Sends properties and a first keep-alive, then starts the keep-alive timer. Idempotent. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
    this.tick();
  }

  /** Stops the timer and cancels calls in flight (so a hanging OAP cannot keep the process alive). Idempotent. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.stopped = true;
    for (const call of this.calls) call.cancel();
    this.calls.clear();
  }

  private tick(): void {
    const res = this.resource;
    try {
      if (!this.propertiesReported && !this.propertiesInFlight) {
        this.propertiesInFlight = true;
        const props: Array<[string, string]> = [
          ['language', 'NodeJS'],
          ['OS Name', os.platform()],
          ['hostname', res.hostname],
          ['Process No.', String(process.pid)],
          ['ipv4', res.ip],
          ['agent version', res.sdkVersion],
        ];
        for (const [k, v] of Object.entries(res.attributes)) props.push([k, v]);
        const msg = new InstanceProperties()
          .setService(res.serviceName)
          .setServiceinstance(res.serviceInstance)
          .setPropertiesList(props.map(([k, v]) => new KeyStringValuePair().setKey(k).setValue(v)));
        const props$ = this.client.reportInstanceProperties(msg, this.metadata(), { deadline: Date.now() + this.timeoutMs }, (err) => {
          this.calls.delete(props$);
          this.propertiesInFlight = false;
          if (err) this.failed('reportInstanceProperties', err);
          else {
            this.propertiesReported = true;
            this.failing = false;
          }
        });
        this.calls.add(props$);
      }
      const ping = new InstancePingPkg().setService(res.serviceName).setServiceinstance(res.serviceInstance);
      const ping$ = this.client.keepAlive(ping, this.metadata(), { deadline: Date.now() + this.timeoutMs }, (err) => {
        this.calls.delete(ping$);
        if (err) this.failed('keepAlive', err);
        else this.failing = false;
      });
      this.calls.add(ping$);
    } catch (e) {
      // A closed channel throws synchronously; nothing to do but stop.
      this.failed('management', e as ServiceError);
      this.stop();
    }
  }

  private failed(call: string, err: Partial<ServiceError>): void {
    if (this.failing || this.stopped) return;
    this.failing = true;
    // The details are the OAP's (or a gateway's) text and may quote our metadata: scrubbed, short.
    const reason = collectorReason(err.details ?? err.message, this.secrets);
    this.logger.warn(`skywalking: ${call} to the OAP failed (${err.code ?? ''} ${reason}); will retry every ${this.intervalMs} ms`);
  }
}
