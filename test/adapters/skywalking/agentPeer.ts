/**
 * A peer instrumented with the SkyWalking Node agent (`skywalking-backend-js`) used directly:
 * its `ContextManager`, `ContextCarrier` (sw8) and its own gRPC `TraceReportClient`, without
 * `agent.start()` (which would patch `http` and install plugins). Only the agent's config
 * object is set and finalised, so its span ignore-regexps are valid.
 *
 * @packageDocumentation
 */
import AgentConfig, { finalizeConfig } from 'skywalking-backend-js/lib/config/AgentConfig';
import TraceReportClient from 'skywalking-backend-js/lib/agent/protocol/grpc/clients/TraceReportClient';
import ContextManager from 'skywalking-backend-js/lib/trace/context/ContextManager';
import { ContextCarrier } from 'skywalking-backend-js/lib/trace/context/ContextCarrier';
import { Component } from 'skywalking-backend-js/lib/trace/Component';
import { SpanLayer } from 'skywalking-backend-js/lib/proto/language-agent/Tracing_pb';
import type Span from 'skywalking-backend-js/lib/trace/span/Span';

export { ContextManager, ContextCarrier, Component, SpanLayer };
export type { Span as AgentSpan };

/** The agent peer's service name. */
export const AGENT_SERVICE = 'sw-agent-peer';

/** A running agent reporter pointed at a stand-in OAP. */
export interface AgentReporter {
  /** Flushes the agent's buffer until `done()` holds (the agent skips sending while its channel connects). */
  flushUntil(done: () => boolean, timeoutMs?: number): Promise<void>;
  /** Removes the agent's listener and closes its gRPC channel. */
  close(): void;
}

/**
 * Configures the agent (service `sw-agent-peer`, collector `address`) and starts its
 * `TraceReportClient`, which collects every segment the agent finishes from now on.
 *
 * @example
 * ```ts
 * const reporter = startAgentReporter(oap.address);
 * // … agent spans …
 * await reporter.flushUntil(() => oap.segments.length > 0);
 * reporter.close();
 * ```
 */
export function startAgentReporter(address: string): AgentReporter {
  Object.assign(AgentConfig, { serviceName: AGENT_SERVICE, serviceInstance: `${AGENT_SERVICE}-1`, collectorAddress: address, secure: false });
  finalizeConfig(AgentConfig);
  const client = new TraceReportClient();
  return {
    async flushUntil(done, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (!done()) {
        if (Date.now() > until) throw new Error('agent reporter: timed out');
        await client.flush();
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close() {
      client.destroy();
      (client as unknown as { reporterClient: { close(): void } }).reporterClient.close();
    },
  };
}
