import { FunctionSampler } from '../../../src/sampling/FunctionSampler';
import { recordingLogger, remoteParent } from './helpers';

const ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('FunctionSampler', () => {
  it('passes operation name and parent to the function', () => {
    const seen: Array<[string, boolean | undefined]> = [];
    const s = new FunctionSampler((op, parent) => {
      seen.push([op, parent?.sampled]);
      return !op.startsWith('GET /health');
    });
    expect(s.shouldSample('GET /orders', undefined, ID)).toBe(true);
    expect(s.shouldSample('GET /healthz', remoteParent(true), ID)).toBe(false);
    expect(seen).toEqual([['GET /orders', undefined], ['GET /healthz', true]]);
  });

  it('a throwing function counts as false and is logged once, without secrets in the log', () => {
    const logger = recordingLogger();
    const s = new FunctionSampler(function exploding() {
      throw new Error('bad sampler');
    }, logger);
    for (let i = 0; i < 50; i++) expect(s.shouldSample('op', undefined, ID)).toBe(false);
    expect(logger.messages).toHaveLength(1);
    expect(logger.messages[0][0]).toBe('warn');
    expect(logger.messages[0][1]).toContain('bad sampler');
    expect(String(s)).toBe('FunctionSampler{exploding}');
  });

  it('non-boolean results count as false; a throwing logger is survived', () => {
    const s = new FunctionSampler(() => 1 as unknown as boolean);
    expect(s.shouldSample('op', undefined, ID)).toBe(false);
    const t = new FunctionSampler(() => {
      throw new Error('x');
    }, { debug() {}, info() {}, warn() { throw new Error('logger down'); }, error() {} });
    expect(t.shouldSample('op', undefined, ID)).toBe(false);
  });
});
