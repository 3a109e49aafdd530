import * as os from 'node:os';
import type { Metadata, ServiceError } from '@grpc/grpc-js';
import { KeyStringValuePair } from 'skywalking-backend-js/lib/proto/common/Common_pb';
import type { ManagementServiceClient } from 'skywalking-backend-js/lib/proto/management/Management_grpc_pb';
import { InstancePingPkg, InstanceProperties } from 'skywalking-backend-js/lib/proto/management/Management_pb';
import type { Logger, Resource } from '../../src';

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
}

/**
 * Registers this process with the OAP through SkyWalking's `ManagementService`:
 * `reportInstanceProperties` once (repeated on later ticks until one succeeds, never two at a time) and
 * `keepAlive` right away and then every `intervalMs` (20 s) on an `unref`'d timer, so it never
 * keeps the process alive. Failures are logged once per outage (no secrets: only the gRPC
 * status), never thrown.
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
  private readonly intervalMs: number;
  private readonly timeoutMs: number;

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
  }

  /** Sends properties and a first keep-alive, then starts the keep-alive timer. Idempotent. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
    this.tick();
  }

  /** Stops the timer. In-flight calls finish on their own deadline. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
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
        this.client.reportInstanceProperties(msg, this.metadata(), { deadline: Date.now() + this.timeoutMs }, (err) => {
          this.propertiesInFlight = false;
          if (err) this.failed('reportInstanceProperties', err);
          else {
            this.propertiesReported = true;
            this.failing = false;
          }
        });
      }
      const ping = new InstancePingPkg().setService(res.serviceName).setServiceinstance(res.serviceInstance);
      this.client.keepAlive(ping, this.metadata(), { deadline: Date.now() + this.timeoutMs }, (err) => {
        if (err) this.failed('keepAlive', err);
        else this.failing = false;
      });
    } catch (e) {
      // A closed channel throws synchronously; nothing to do but stop.
      this.failed('management', e as ServiceError);
      this.stop();
    }
  }

  private failed(call: string, err: Partial<ServiceError>): void {
    if (this.failing) return;
    this.failing = true;
    this.logger.warn(`skywalking: ${call} to the OAP failed (${err.code ?? ''} ${err.details ?? err.message ?? ''}); will retry every ${this.intervalMs} ms`);
  }
}
