/**
 * Malformed-input robustness (issue 2 "10,000 random and truncated values", issue 7 "bad
 * input"): for every format, 10,000 random, truncated, mutated, over-long, wrong-case,
 * zero-id, non-ASCII and CR/LF header values. Extraction must never throw and must return
 * either `undefined` or a valid context; re-injecting that context in every format must only
 * produce headers node:http and grpc-js accept. Seeded PRNG: the run is reproducible.
 */
import { Metadata } from '@grpc/grpc-js';
import { createPropagator } from '../../../src/propagation/createPropagator';
import { headerGetter, metadataSetter } from '../../../src/propagation/carriers';
import type { PropagationFormat } from '../../../src/api/types';
import { contextProblem, headersProblem, hex, prng, recordSetter } from './helpers';

const ITERATIONS = 10_000;
const STRUCTURAL = '0123456789abcdefABCDEF-:=,;%+/ \t\r\n\u0000\u007f.@*_dxzXZ';
const b64 = (s: string): string => Buffer.from(s).toString('base64');

type Gen = (rand: () => number) => Record<string, string | string[]>;

/** Valid header sets per format, used as the seed for truncation and mutation. */
const VALID: Record<PropagationFormat, Gen> = {
  w3c: (r) => ({
    traceparent: `00-${hex(r, 32)}-${hex(r, 16)}-0${r() < 0.5 ? 1 : 0}`,
    tracestate: `rojo=${hex(r, 16)},congo=t61rcWkgMzE`,
    baggage: 'userId=alice,serverNode=DF%2028;prop=1,isProduction=false',
  }),
  b3: (r) => ({ b3: `${hex(r, r() < 0.5 ? 16 : 32)}-${hex(r, 16)}-${['0', '1', 'd'][Math.floor(r() * 3)]}-${hex(r, 16)}` }),
  b3multi: (r) => ({
    'x-b3-traceid': hex(r, r() < 0.5 ? 16 : 32),
    'x-b3-spanid': hex(r, 16),
    'x-b3-parentspanid': hex(r, 16),
    'x-b3-sampled': r() < 0.5 ? '1' : '0',
    'x-b3-flags': '1',
  }),
  jaeger: (r) => ({
    'uber-trace-id': `${hex(r, 1 + Math.floor(r() * 32))}:${hex(r, 16)}:${r() < 0.5 ? '0' : hex(r, 16)}:${Math.floor(r() * 4)}`,
    'uberctx-user': 'ann%20lee',
    'jaeger-debug-id': 'corr-id',
    'jaeger-baggage': 'k1=v1, k2=v2',
  }),
  sw8: (r) => ({
    sw8: [r() < 0.5 ? '1' : '0', b64(hex(r, 32)), b64(hex(r, 32)), String(Math.floor(r() * 5)), b64('svc'), b64('inst'), b64('/ep'), b64('127.0.0.1:80')].join('-'),
    'sw8-correlation': `${b64('k')}:${b64('v')},${b64('a')}:${b64('b')}`,
  }),
};

function randomChar(r: () => number): string {
  if (r() < 0.75) return STRUCTURAL[Math.floor(r() * STRUCTURAL.length)]!;
  return String.fromCharCode(Math.floor(r() * 0x10000)); // includes lone surrogates and non-ASCII
}

function randomString(r: () => number, max: number): string {
  const n = Math.floor(r() * max);
  let s = '';
  for (let i = 0; i < n; i++) s += randomChar(r);
  return s;
}

function mutate(r: () => number, v: string): string {
  const op = Math.floor(r() * 10);
  const i = Math.floor(r() * (v.length + 1));
  switch (op) {
    case 0:
      return v.slice(0, i); // truncated
    case 1:
      return v.slice(0, i) + randomChar(r) + v.slice(i + 1); // replaced
    case 2:
      return v.slice(0, i) + randomChar(r) + v.slice(i); // inserted
    case 3:
      return v.slice(0, i) + v.slice(i + 1); // deleted
    case 4:
      return v.toUpperCase(); // wrong case
    case 5:
      return v.replace(/[0-9a-f]{8,}/, (m) => '0'.repeat(m.length)); // zero id
    case 6:
      return v + randomString(r, 20); // trailing junk
    case 7:
      return v.repeat(Math.ceil(8300 / Math.max(1, v.length))); // over-long
    case 8:
      return v.slice(0, i) + '\r\nX-Injected: 1' + v.slice(i); // header injection attempt
    default:
      return v.replace(/[0-9a-f]/g, (c) => (r() < 0.1 ? 'g' : c)); // invalid hex
  }
}

function fuzzCarrier(r: () => number, format: PropagationFormat): Record<string, string | string[]> {
  const valid = VALID[format](r);
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(valid)) {
    const kind = r();
    const s = v as string;
    let value: string;
    if (kind < 0.25) value = randomString(r, 80); // random
    else if (kind < 0.35) value = s; // keep valid (so other fields get exercised)
    else value = mutate(r, r() < 0.3 ? mutate(r, s) : s);
    const key = r() < 0.1 ? k.toUpperCase() : k; // wrong-case header names
    out[key] = r() < 0.1 ? [value, randomString(r, 20)] : value; // repeated headers
  }
  if (format === 'jaeger' && r() < 0.3) out[`uberctx-${randomString(r, 10)}`] = randomString(r, 30);
  return out;
}

const everyFormat = createPropagator(['w3c', 'b3', 'b3multi', 'jaeger', 'sw8']);

describe.each(['w3c', 'b3', 'b3multi', 'jaeger', 'sw8'] as PropagationFormat[])('fuzz %s', (format) => {
  test(`${ITERATIONS} malformed carriers: never throw, only valid contexts, only safe outgoing headers`, () => {
    const r = prng(0xc0ffee ^ format.length ^ format.charCodeAt(0));
    const own = createPropagator([format]);
    let extracted = 0;
    let roots = 0;
    for (let n = 0; n < ITERATIONS; n++) {
      const carrier = fuzzCarrier(r, format);
      for (const p of [own, everyFormat]) {
        let ctx;
        try {
          ctx = p.extract(carrier, headerGetter);
        } catch (e) {
          throw new Error(`extract threw on ${JSON.stringify(carrier)}: ${(e as Error).message}`);
        }
        if (ctx === undefined) {
          roots++;
          continue;
        }
        extracted++;
        const problem = contextProblem(ctx);
        if (problem) throw new Error(`${problem} from ${JSON.stringify(carrier)}`);
        const out: Record<string, string> = {};
        everyFormat.inject({ ...ctx, isRemote: false }, out, recordSetter);
        const bad = headersProblem(out);
        if (bad) throw new Error(`${bad} after extracting ${JSON.stringify(carrier)}`);
        if (!out.traceparent || !out['uber-trace-id'] || !out.sw8 || !out.b3) throw new Error(`valid context not re-injected: ${JSON.stringify(ctx)}`);
        const md = new Metadata();
        for (const [k, v] of Object.entries(out)) {
          // grpc-js validates values: a safe header value is also a legal metadata value
          try {
            md.set(k, v);
          } catch (e) {
            if (!/key/i.test((e as Error).message)) throw new Error(`grpc-js rejects ${k}: ${JSON.stringify(v)}`);
          }
        }
        try {
          everyFormat.inject(ctx, md, metadataSetter);
        } catch (e) {
          throw new Error(`inject into Metadata threw: ${(e as Error).message}`);
        }
      }
    }
    // both outcomes are exercised
    if (process.env.FUZZ_STATS) console.log(format, { extracted, roots });
    expect(extracted).toBeGreaterThan(200);
    expect(roots).toBeGreaterThan(1000);
  });
});

test('over-long values of every header are ignored', () => {
  const huge = 'a'.repeat(8193);
  for (const f of ['w3c', 'b3', 'b3multi', 'jaeger', 'sw8'] as PropagationFormat[]) {
    const valid = VALID[f](prng(1));
    for (const k of Object.keys(valid)) {
      const carrier = { ...valid, [k]: `${valid[k] as string}${huge}` };
      expect(() => everyFormat.extract(carrier, headerGetter)).not.toThrow();
    }
    const allHuge = Object.fromEntries(Object.keys(valid).map((k) => [k, huge]));
    expect(createPropagator([f]).extract(allHuge, headerGetter)).toBeUndefined();
  }
});
