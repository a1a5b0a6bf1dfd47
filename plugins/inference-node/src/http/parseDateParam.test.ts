import { InputError } from '@backstage/errors';
import { parseDateParam } from './parseDateParam';

describe('parseDateParam', () => {
  it('reads dates as midnight UTC and date-times with or without an offset', () => {
    expect(parseDateParam('date', '2026-10-01')).toBe(Date.UTC(2026, 9, 1));
    expect(parseDateParam('date', '2026-10-01T12:30:00Z')).toBe(
      Date.UTC(2026, 9, 1, 12, 30),
    );
    expect(parseDateParam('date', '2026-10-01T12:30')).toBe(
      Date.UTC(2026, 9, 1, 12, 30),
    );
    expect(parseDateParam('date', '2026-03-01T00:30:00.5+02:00')).toBe(
      Date.UTC(2026, 1, 28, 22, 30, 0, 500),
    );
    expect(parseDateParam('date', '2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });

  it.each([
    ['2026-02-30', 'a day that does not exist'],
    ['2025-02-29', 'not a leap year'],
    ['2026-13-01', 'month 13'],
    ['2026-00-10', 'month 0'],
    ['2026-10-01T24:00:00Z', 'hour 24'],
    ['2026-10-01T10:60Z', 'minute 60'],
    ['2026-10-01T10:00:00+25:00', 'offset 25 hours'],
    ['2026-10-01 10:00:00', 'a space instead of T'],
    ['0001-01-01', 'before 2000'],
    ['1999-12-31T23:59:59Z', 'just before 2000'],
    ['2101-01-01', 'after 2100'],
    ['+002026-10-01', 'expanded years'],
    ['next tuesday', 'words'],
    ['', 'empty'],
  ])('refuses %s (%s) with an InputError naming the field', (value, _why) => {
    const error = (() => {
      try {
        parseDateParam('start_date', value);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^start_date must be /);
    expect((error as Error).message).toContain(JSON.stringify(value));
  });

  it('refuses values that are not strings', () => {
    expect(() => parseDateParam('end_date', undefined)).toThrow(
      /^end_date must be .* got null$/,
    );
    expect(() => parseDateParam('end_date', ['2026-10-01'])).toThrow(
      InputError,
    );
  });

  it('accepts the ends of the range', () => {
    expect(parseDateParam('d', '2000-01-01')).toBe(Date.UTC(2000, 0, 1));
    expect(parseDateParam('d', '2100-12-31T23:59:59Z')).toBe(
      Date.UTC(2100, 11, 31, 23, 59, 59),
    );
  });
});
