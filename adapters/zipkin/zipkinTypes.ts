/**
 * Corrections to the hand-written TypeScript declarations of the `zipkin` npm package
 * (0.22, `node_modules/zipkin/index.d.ts`).
 *
 * Its `.d.ts` misses members that exist at run time (see `node_modules/zipkin/src`):
 * - `model.Endpoint` declares only setters: the `serviceName`, `ipv4` and `port` fields the
 *   setters write (and that `JSON_V2.encode` serialises) are not declared;
 * - `Tracer` lacks `join(traceId)` (used by `Instrumentation.HttpServer`), `setTags(tags)` and
 *   the `localEndpoint` getter;
 * - `Instrumentation.HttpServer.recordRequest` types its header reader as the generic
 *   `<T>(header: string) => option.IOption<T>`, which no real reader can satisfy without a
 *   cast; at run time it reads header strings, so an overload taking
 *   `(header: string) => option.IOption<string>` is added.
 * (`TraceId`'s constructor also declares `spanId` optional although it throws without one;
 * a constructor cannot be augmented, so the adapter simply always passes it.)
 *
 * This module augments the package's declarations with exactly those members, so the
 * adapter and its tests compile against what the package really has. The test
 * `test/adapters/zipkin/zipkinTypes.test.ts` compiles only with these declarations
 * (checked by `npm run typecheck`) and asserts at run time that every member declared here
 * exists on the real objects, so a zipkin upgrade that removes one fails loudly.
 *
 * Importing this module has no run-time effect.
 *
 * @example
 * ```ts
 * import './zipkinTypes';
 * import { model } from 'zipkin';
 * const ep = new model.Endpoint({ serviceName: 'orders' });
 * ep.serviceName; // 'orders' — typed thanks to this augmentation
 * ```
 * @packageDocumentation
 */
import type { model as ZipkinModel, option as ZipkinOption, TraceId as ZipkinTraceId } from 'zipkin';

declare module 'zipkin' {
  namespace model {
    /** Fields written by the Endpoint setters (lower-cased service name, ipv4, port). */
    interface Endpoint {
      /** Lower-cased service name (the setter lower-cases it), or undefined. */
      serviceName?: string;
      /** IPv4 address in dotted-quad form, or undefined. */
      ipv4?: string;
      /** Port, or undefined (the setter turns 0 into undefined). */
      port?: number;
    }
  }

  /** Members of `zipkin.Tracer` present at run time but missing from the package's `.d.ts`. */
  interface Tracer {
    /**
     * Continues an extracted trace id on the server side. With `supportsJoin: true`
     * (zipkin-js's default) it returns the same ids and marks them shared; with
     * `supportsJoin: false` it returns a new child id.
     */
    join(traceId: ZipkinTraceId): ZipkinTraceId;
    /** Adds tags (`recordBinary` each) to the span of the current trace id. */
    setTags(tags: { [key: string]: string | number | boolean }): void;
    /** The tracer's local endpoint (service name, optional ipv4/port). */
    readonly localEndpoint: ZipkinModel.Endpoint;
  }

  namespace Instrumentation {
    /** The header reader `recordRequest` really calls: header name in, optional string out. */
    interface HttpServer {
      recordRequest(method: string, requestUrl: string, readHeader: (header: string) => ZipkinOption.IOption<string>): ZipkinTraceId;
    }
  }
}

export {};
