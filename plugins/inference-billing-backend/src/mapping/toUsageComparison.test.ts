import {
  comparisonPeriods,
  nextDay,
  toUsageComparison,
} from './toUsageComparison';

describe('comparisonPeriods', () => {
  it('compares this month to date with the same days of last month', () => {
    expect(comparisonPeriods(new Date('2026-12-06T13:00:00Z'))).toEqual({
      thisMonth: { from: '2026-12-01', to: '2026-12-06' },
      lastMonth: { from: '2026-11-01', to: '2026-11-06' },
    });
  });

  it("ends on last month's last day when it is shorter", () => {
    expect(
      comparisonPeriods(new Date('2027-03-31T00:00:00Z')).lastMonth,
    ).toEqual({ from: '2027-02-01', to: '2027-02-28' });
  });

  it('crosses the year in January', () => {
    expect(comparisonPeriods(new Date('2027-01-02T23:59:59Z'))).toEqual({
      thisMonth: { from: '2027-01-01', to: '2027-01-02' },
      lastMonth: { from: '2026-12-01', to: '2026-12-02' },
    });
  });
});

describe('nextDay', () => {
  it('steps over month ends', () => {
    expect(nextDay('2026-02-28')).toBe('2026-03-01');
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
  });
});

describe('toUsageComparison', () => {
  const day = (
    d: string,
    requests: number,
    promptTokens: number,
    completionTokens: number,
    cost: string,
  ) => ({ day: d, requests, promptTokens, completionTokens, cost });

  it('sums each period exactly and fills every day', () => {
    const comparison = toUsageComparison({
      now: new Date('2026-12-03T08:00:00Z'),
      currency: 'USD',
      days: [
        day('2026-11-01', 2, 10, 5, '0.1'),
        day('2026-11-03', 1, 1, 1, '0.2'),
        // After the compared days of last month: left out.
        day('2026-11-04', 100, 100, 100, '100'),
        day('2026-12-01', 3, 30, 3, '0.000000000000000001'),
        day('2026-12-03', 4, 40, 4, '0.3'),
      ],
    });
    expect(comparison.currency).toBe('USD');
    expect(comparison.thisMonth).toEqual({
      from: '2026-12-01',
      to: '2026-12-03',
      requests: 7,
      tokens: 77,
      revenue: '0.300000000000000001',
    });
    expect(comparison.lastMonth).toEqual({
      from: '2026-11-01',
      to: '2026-11-03',
      requests: 3,
      tokens: 17,
      revenue: '0.3',
    });
    expect(comparison.daily).toEqual([
      {
        day: '2026-12-01',
        requests: 3,
        tokens: 33,
        revenue: '0.000000000000000001',
      },
      { day: '2026-12-02', requests: 0, tokens: 0, revenue: '0' },
      { day: '2026-12-03', requests: 4, tokens: 44, revenue: '0.3' },
    ]);
    expect(comparison.lastMonthDaily.map(d => d.day)).toEqual([
      '2026-11-01',
      '2026-11-02',
      '2026-11-03',
    ]);
  });

  it('answers zeros without usage', () => {
    const comparison = toUsageComparison({
      now: new Date('2026-12-01T00:00:00Z'),
      currency: 'USD',
      days: [],
    });
    expect(comparison.thisMonth).toEqual({
      from: '2026-12-01',
      to: '2026-12-01',
      requests: 0,
      tokens: 0,
      revenue: '0',
    });
    expect(comparison.daily).toHaveLength(1);
  });
});
