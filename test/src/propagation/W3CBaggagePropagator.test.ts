import { W3CBaggagePropagator } from '../../../src/propagation/W3CBaggagePropagator';
import { headerGetter } from '../../../src/propagation/carriers';
import type { SpanContext } from '../../../src/api/types';
import { headersProblem, recordGetter, recordSetter } from './helpers';

const bag = new W3CBaggagePropagator();
const ctx = (baggage: Record<string, string>): SpanContext => ({
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  sampled: true,
  debug: false,
  baggage,
});

describe('W3CBaggagePropagator — spec examples (W3C Baggage)', () => {
  test('§3.3.2 example with properties and optional white space', () => {
    expect(
      bag.extractBaggage({ baggage: 'key1=value1;property1;property2, key2 = value2, key3=value3; propertyKey=propertyValue' }, headerGetter),
    ).toEqual({ key1: 'value1', key2: 'value2', key3: 'value3' });
  });

  test('§3.3.3 example with a percent-encoded value', () => {
    expect(bag.extractBaggage({ baggage: 'userId=alice,serverNode=DF%2028,isProduction=false' }, headerGetter)).toEqual({
      userId: 'alice',
      serverNode: 'DF 28',
      isProduction: 'false',
    });
  });

  test('UTF-8 percent-encoding; invalid sequences become U+FFFD', () => {
    expect(bag.extractBaggage({ baggage: 'city=M%C3%BCnchen,bad=%FF%FEx,lit=100%' }, headerGetter)).toEqual({
      city: 'München',
      bad: '\uFFFD\uFFFDx',
      lit: '100%',
    });
  });

  test('invalid members are skipped, valid ones kept', () => {
    expect(bag.extractBaggage({ baggage: 'ok=1,no equals,bad key=2,quote="x",=empty,also=ok' }, headerGetter)).toEqual({ ok: '1', also: 'ok' });
  });

  test('extract alone returns undefined (baggage is not a trace context)', () => {
    expect(bag.extract({ baggage: 'a=1' }, headerGetter)).toBeUndefined();
  });

  test('repeated baggage headers are joined', () => {
    expect(bag.extractBaggage({ baggage: ['a=1', 'b=2'] }, headerGetter)).toEqual({ a: '1', b: '2' });
  });

  test('the first occurrence of a key wins, and __proto__ is not a key', () => {
    const out = bag.extractBaggage({ baggage: 'a=1,a=2,__proto__=x' }, headerGetter);
    expect(out).toEqual({ a: '1' });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
});

describe('W3CBaggagePropagator — inject and limits', () => {
  test('percent-encodes values so CR/LF, commas and non-ASCII cannot reach the header', () => {
    const out: Record<string, string> = {};
    const values = { crlf: 'a\r\nSet-Cookie: x=1', list: 'x,y;z=w', uni: 'Grüße 🌍', pct: '100%' };
    bag.inject(ctx(values), out, recordSetter);
    expect(headersProblem(out)).toBe('');
    expect(out.baggage).not.toMatch(/[\r\n]/);
    expect(bag.extractBaggage(out, recordGetter)).toEqual(values);
  });

  test('keys that are not tokens are skipped; empty baggage writes nothing', () => {
    const out: Record<string, string> = {};
    bag.inject(ctx({ 'bad key': '1', 'ok-key': '2', 'x\r\n': '3' }), out, recordSetter);
    expect(out.baggage).toBe('ok-key=2');
    const none: Record<string, string> = {};
    bag.inject(ctx({}), none, recordSetter);
    expect(none).toEqual({});
  });

  test('default limits: 64 items, 8192 bytes', () => {
    const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'v']));
    const out: Record<string, string> = {};
    bag.inject(ctx(many), out, recordSetter);
    expect(out.baggage.split(',')).toHaveLength(64);
    expect(Object.keys(bag.extractBaggage({ baggage: Object.entries(many).map(([k, v]) => `${k}=${v}`).join(',') }, headerGetter))).toHaveLength(64);

    const big = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, 'x'.repeat(1000)]));
    const out2: Record<string, string> = {};
    bag.inject(ctx(big), out2, recordSetter);
    expect(Buffer.byteLength(out2.baggage)).toBeLessThanOrEqual(8192);
    expect(out2.baggage.split(',')).toHaveLength(8);
  });

  test('limits are configurable', () => {
    const small = new W3CBaggagePropagator({ maxBaggageItems: 2, maxBaggageBytes: 20 });
    const out: Record<string, string> = {};
    small.inject(ctx({ a: '1', b: '2', c: '3' }), out, recordSetter);
    expect(out.baggage).toBe('a=1,b=2');
    expect(small.extractBaggage({ baggage: 'a=1,b=2,c=3' }, headerGetter)).toEqual({ a: '1', b: '2' });
    // byte budget: an item too big is skipped, later small ones still fit
    expect(small.extractBaggage({ baggage: `big=${'x'.repeat(30)},s=1` }, headerGetter)).toEqual({ s: '1' });
  });

  test('a header longer than maxHeaderLength is ignored', () => {
    expect(bag.extractBaggage({ baggage: `a=${'x'.repeat(9000)}` }, headerGetter)).toEqual({});
  });

  test('round trip', () => {
    const b = { userId: 'alice', 'serverNode': 'DF 28', empty: '', eq: 'a=b' };
    const out: Record<string, string> = {};
    bag.inject(ctx(b), out, recordSetter);
    expect(bag.extractBaggage(out, recordGetter)).toEqual(b);
  });

  test('never throws', () => {
    expect(() => bag.inject({ ...ctx({}), baggage: null as never }, {}, recordSetter)).not.toThrow();
    expect(() => bag.inject(ctx({ lone: '\uD800' }), {}, recordSetter)).not.toThrow();
    const out: Record<string, string> = {};
    bag.inject(ctx({ lone: '\uD800x' }), out, recordSetter);
    expect(out.baggage).toBe('lone=%EF%BF%BDx');
    expect(
      bag.extractBaggage({}, () => {
        throw new Error('x');
      }),
    ).toEqual({});
  });
});
