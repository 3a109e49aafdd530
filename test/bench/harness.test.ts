import { failures, interleave, type RoundCase } from '../../bench/harness';

describe('bench harness: interleave', () => {
  it('runs every case once per round, each round starting one case further along', async () => {
    const order: string[] = [];
    const cases: RoundCase[] = ['A', 'B', 'C'].map((name) => ({
      name,
      round: async () => {
        order.push(name);
        return { us: name.charCodeAt(0) };
      },
    }));
    const res = await interleave(cases, { rounds: 3, warmup: 1 });
    expect(order.join('')).toBe('ABC' + 'BCA' + 'CAB' + 'ABC');
    // no case always follows the same neighbour
    const after = (x: string) => new Set(order.flatMap((c, i) => (i > 0 && c === x ? [order[i - 1]] : [])));
    expect(after('A').size).toBeGreaterThan(1);
    // warm-up rounds are not recorded
    expect(res.get('B')!.us).toMatchObject({ median: 66, n: 3 });
  });

  it('drops a case that throws from later rounds and keeps its message', async () => {
    let calls = 0;
    const res = await interleave(
      [
        { name: 'ok', round: async () => ({ us: 1 }) },
        { name: 'bad', round: async () => { calls++; throw new Error('boom'); } },
      ],
      { rounds: 5, warmup: 0 },
    );
    expect(calls).toBe(1);
    expect(res.get('bad')).toEqual({});
    expect(failures.get('bad')).toBe('boom');
    expect(res.get('ok')!.us).toMatchObject({ median: 1, n: 5 });
  });
});
