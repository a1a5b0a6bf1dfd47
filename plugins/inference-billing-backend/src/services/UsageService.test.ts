import { parseIsoInstant, usageDays } from './UsageService';

describe('usageDays', () => {
  it('takes dates as whole UTC days, end exclusive', () => {
    expect(
      usageDays({ start_date: '2026-10-01', end_date: '2026-11-01' }),
    ).toEqual({ from: '2026-10-01', to: '2026-11-01' });
    expect(
      usageDays({ start_date: '2026-10-01', end_date: '2026-10-01' }),
    ).toEqual({ from: '2026-10-01', to: '2026-10-01' });
  });

  it('counts only the days fully inside a date-time range', () => {
    expect(
      usageDays({
        start_date: '2026-10-01T00:00:00Z',
        end_date: '2026-10-03T00:00:00.000Z',
      }),
    ).toEqual({ from: '2026-10-01', to: '2026-10-03' });
    expect(
      usageDays({
        start_date: '2026-10-01T00:00:01Z',
        end_date: '2026-10-03T23:59:59Z',
      }),
    ).toEqual({ from: '2026-10-02', to: '2026-10-03' });
    // Both inside one day: no whole day.
    expect(
      usageDays({
        start_date: '2026-10-01T01:00',
        end_date: '2026-10-01T02:00',
      }),
    ).toEqual({ from: '2026-10-02', to: '2026-10-02' });
    // Offsets count: 2026-10-02T01:00+02:00 is 2026-10-01T23:00Z.
    expect(
      usageDays({
        start_date: '2026-09-30',
        end_date: '2026-10-02T01:00:00+02:00',
      }),
    ).toEqual({ from: '2026-09-30', to: '2026-10-01' });
  });

  it('names the parameter that is wrong', () => {
    expect(() => usageDays({ end_date: '2026-10-01' })).toThrow(
      /^start_date must be an ISO 8601 date/,
    );
    expect(() =>
      usageDays({ start_date: '2026-10-01', end_date: '2026-13-01' }),
    ).toThrow(/^end_date must be/);
    expect(() =>
      usageDays({ start_date: '2026-10-02', end_date: '2026-10-01' }),
    ).toThrow(/^end_date must not be before start_date/);
    expect(() =>
      usageDays({ start_date: '2025-01-01', end_date: '2026-01-03' }),
    ).toThrow(/^end_date must be at most 366 days/);
    expect(
      usageDays({ start_date: '2024-01-01', end_date: '2025-01-01' }),
    ).toEqual({ from: '2024-01-01', to: '2025-01-01' });
  });

  it.each([
    '2026-10-1',
    '20261001',
    '2026-02-29',
    '2026-10-01T24:00:00Z',
    '2026-10-01 10:00',
    'now',
    '',
  ])('refuses %j', value => {
    expect(() => parseIsoInstant('start_date', value)).toThrow('start_date');
  });
});

describe('usageDays: the dates every billing route accepts', () => {
  it.each(['0001-01-01', '1999-12-31', '2101-01-01', '2026-02-30'])(
    'refuses %s naming the field',
    value => {
      expect(() =>
        usageDays({ start_date: value, end_date: '2026-10-01' }),
      ).toThrow(/^start_date must be /);
    },
  );
});
