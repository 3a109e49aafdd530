import type { Sampler } from '../../../src/api/types';
import { ConstSampler } from '../../../src/sampling/ConstSampler';
import { ParentBasedSampler } from '../../../src/sampling/ParentBasedSampler';
import { ProbabilisticSampler } from '../../../src/sampling/ProbabilisticSampler';
import { remoteParent, traceIds } from './helpers';

describe('ParentBasedSampler', () => {
  const ids = traceIds(2000, 3);

  it('honours a sampled remote parent even when the root says no', () => {
    const s = new ParentBasedSampler(new ConstSampler(false));
    expect(ids.every((id) => s.shouldSample('op', remoteParent(true), id))).toBe(true);
  });

  it('honours an unsampled remote parent even when the root says yes', () => {
    const s = new ParentBasedSampler(new ConstSampler(true));
    expect(ids.some((id) => s.shouldSample('op', remoteParent(false), id))).toBe(false);
  });

  it('debug forces sampling', () => {
    const s = new ParentBasedSampler(new ConstSampler(false));
    expect(s.shouldSample('op', remoteParent(false, true), ids[0])).toBe(true);
  });

  it('asks the root without a parent', () => {
    const s = new ParentBasedSampler(new ProbabilisticSampler(0.5));
    const root = new ProbabilisticSampler(0.5);
    for (const id of ids) expect(s.shouldSample('op', undefined, id)).toBe(root.shouldSample('op', undefined, id));
  });

  it('a throwing root counts as false; close() reaches the root', () => {
    let closed = false;
    const bad: Sampler = {
      shouldSample: () => {
        throw new Error('boom');
      },
      close: () => {
        closed = true;
      },
      toString: () => 'Bad',
    };
    const s = new ParentBasedSampler(bad);
    expect(s.shouldSample('op', undefined, ids[0])).toBe(false);
    s.close();
    expect(closed).toBe(true);
    expect(String(s)).toBe('ParentBasedSampler{root=Bad}');
  });
});
