import { ConstSampler } from '../../../src/sampling/ConstSampler';
import { traceIds } from './helpers';

describe('ConstSampler', () => {
  it('always returns its decision', () => {
    const ids = traceIds(1000);
    const yes = new ConstSampler(true);
    const no = new ConstSampler(false);
    expect(ids.every((id) => yes.shouldSample('op', undefined, id))).toBe(true);
    expect(ids.some((id) => no.shouldSample('op', undefined, id))).toBe(false);
  });
  it('describes itself', () => {
    expect(String(new ConstSampler(true))).toBe('ConstSampler{true}');
    expect(String(new ConstSampler(false))).toBe('ConstSampler{false}');
  });
});
