import {
  formatAge,
  formatCount,
  formatDateTime,
  formatMoney,
  formatPricePerMillion,
  perMillionTokens,
} from './format';

describe('formatMoney', () => {
  it('writes an exact decimal in its currency, rounded half-up to cents without binary floats', () => {
    expect(formatMoney('1.96860581', 'USD')).toBe('$1.97');
    expect(formatMoney('1.005', 'USD')).toBe('$1.01');
    expect(formatMoney('1.00499999', 'USD')).toBe('$1.00');
    expect(formatMoney('99.995', 'EUR')).toBe('€100.00');
    expect(formatMoney('0', 'USD')).toBe('$0.00');
    expect(formatMoney('1234567.5', 'EUR')).toBe('€1,234,567.50');
    // Beyond a double's 15-16 digits, still exact.
    expect(formatMoney('12345678901234567.005', 'USD')).toBe(
      '$12,345,678,901,234,567.01',
    );
  });

  it('writes numbers (Bifrost budgets) and what it cannot read', () => {
    expect(formatMoney(500, 'USD')).toBe('$500.00');
    expect(formatMoney(undefined, 'USD')).toBe('-');
    expect(formatMoney('n/a', 'USD')).toBe('n/a USD');
    expect(formatMoney('12.5', 'not-a-code')).toBe('12.5 not-a-code');
  });
});

describe('prices per 1M tokens', () => {
  it.each([
    ['0.00000015', '0.15'],
    ['0.0000006', '0.6'],
    ['0.000008', '8'],
    ['0', '0'],
    ['1', '1000000'],
    ['0.0000000375', '0.0375'],
  ])('%s per token is %s per million', (perToken, perMillion) => {
    expect(perMillionTokens(perToken)).toBe(perMillion);
  });

  it('shows them in their currency with the digits a small price needs', () => {
    expect(formatPricePerMillion('0.00000015')).toBe('$0.15');
    expect(formatPricePerMillion('0.000008')).toBe('$8.00');
    expect(formatPricePerMillion('0.0000000375')).toBe('$0.0375');
    expect(formatPricePerMillion(undefined)).toBe('-');
  });
});

describe('formatCount, formatDateTime, formatAge', () => {
  it('groups digits', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(undefined)).toBe('-');
  });

  it('writes every date in one style, in UTC', () => {
    expect(formatDateTime('2026-11-02T00:05:00.000Z')).toBe(
      '2 Nov 2026, 00:05 UTC',
    );
    expect(formatDateTime('2026-11-02T23:30:00-02:00')).toBe(
      '3 Nov 2026, 01:30 UTC',
    );
    expect(formatDateTime('soon')).toBe('soon');
    expect(formatDateTime(undefined)).toBe('-');
  });

  it('writes ages in the unit that reads best', () => {
    expect(formatAge(0.5)).toBe('30 min');
    expect(formatAge(30)).toBe('30 h');
    expect(formatAge(72)).toBe('3 days');
  });
});
