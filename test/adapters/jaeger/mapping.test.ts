import { hexToId, toThriftProcess, toThriftSpan, toThriftTag } from '../../../adapters/jaeger/mapping';
import { makeSpan, resource } from './fixtures';

describe('jaeger mapping (pure functions)', () => {
  it('hexToId pads short ids and never throws on bad input', () => {
    expect(hexToId('1').toString('hex')).toBe('0000000000000001');
    expect(hexToId('ffffffffffffffff').toString('hex')).toBe('ffffffffffffffff');
    expect(hexToId('zz').toString('hex')).toBe('0000000000000000');
    expect(hexToId(undefined).toString('hex')).toBe('0000000000000000');
  });

  it('toThriftTag types values as Jaeger does', () => {
    expect(toThriftTag('a', 'x')).toEqual({ key: 'a', vType: 'STRING', vStr: 'x' });
    expect(toThriftTag('b', true)).toEqual({ key: 'b', vType: 'BOOL', vBool: true });
    expect(toThriftTag('c', 42)).toEqual({ key: 'c', vType: 'LONG', vLong: 42 });
    expect(toThriftTag('d', 1.5)).toEqual({ key: 'd', vType: 'DOUBLE', vDouble: 1.5 });
    expect(toThriftTag('e', 2 ** 60)).toEqual({ key: 'e', vType: 'DOUBLE', vDouble: 2 ** 60 });
    expect(toThriftTag('f', [1, 2])).toEqual({ key: 'f', vType: 'STRING', vStr: '[1,2]' });
  });

  it('explicit attributes win over derived tags (span.kind, error, peer.*)', () => {
    const t = toThriftSpan(
      makeSpan({
        kind: 'exit',
        attributes: { 'span.kind': 'client', error: false, 'peer.port': 1 },
        status: { code: 'error' },
        peer: { host: 'h', port: 2 },
      }),
    );
    const keys = t.tags.map((x) => x.key);
    expect(keys.filter((k) => k === 'span.kind')).toHaveLength(1);
    expect(keys.filter((k) => k === 'error')).toHaveLength(1);
    expect(t.tags.find((x) => x.key === 'peer.port')).toEqual({ key: 'peer.port', vType: 'LONG', vLong: 1 });
  });

  it('an event that already has an `event` field keeps it', () => {
    const t = toThriftSpan(makeSpan({ events: [{ name: 'n', timeUs: 5, attributes: { event: 'custom' } }] }));
    expect(t.logs[0].fields).toEqual([{ key: 'event', vType: 'STRING', vStr: 'custom' }]);
  });

  it('process tags: user tags override the defaults of the same key', () => {
    const p = toThriftProcess({ ...resource, attributes: { hostname: 'override', team: 'a' } });
    expect(p.tags).toEqual([
      { key: 'hostname', vType: 'STRING', vStr: 'override' },
      { key: 'ip', vType: 'STRING', vStr: '10.1.2.3' },
      { key: 'jaeger.version', vType: 'STRING', vStr: 'traceandtrace-node-0.1.0' },
      { key: 'team', vType: 'STRING', vStr: 'a' },
    ]);
  });
});
