/**
 * How every inference page writes numbers, money, prices and dates, so that
 * the pages read as one product. Money and prices arrive as exact decimal
 * strings; they are only rounded for display, by Intl.NumberFormat reading
 * the string itself (no binary float in between).
 */

const LOCALE = 'en-US';

const DECIMAL = /^-?\d+(\.\d+)?$/;

const counts = new Intl.NumberFormat(LOCALE);

/** A count with grouping: 12,345. `-` when there is none. */
export function formatCount(value: number | undefined): string {
  return value === undefined ? '-' : counts.format(value);
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(
  currency: string,
  maximumFractionDigits: number,
): Intl.NumberFormat | undefined {
  const key = `${currency}:${maximumFractionDigits}`;
  let format = moneyFormats.get(key);
  if (!format) {
    try {
      format = new Intl.NumberFormat(LOCALE, {
        style: 'currency',
        currency,
        minimumFractionDigits: 2,
        maximumFractionDigits,
        // Half-up, as the invoices round.
        roundingMode: 'halfExpand',
      });
    } catch {
      // Not an ISO 4217 code: the caller writes the amount and the code.
      return undefined;
    }
    moneyFormats.set(key, format);
  }
  return format;
}

/**
 * An amount in its currency, rounded half-up to cents: `€1,234.57`.
 * Strings are exact decimals (`"1234.5678"`) and are formatted as such;
 * numbers (what Bifrost answers for budgets) as they are. `-` for none.
 */
export function formatMoney(
  amount: string | number | undefined,
  currency: string,
): string {
  if (amount === undefined) return '-';
  const text = String(amount);
  const format = moneyFormat(currency, 2);
  if (!format || (typeof amount === 'string' && !DECIMAL.test(text))) {
    return `${text} ${currency}`;
  }
  return format.format(
    typeof amount === 'number' ? amount : (text as `${number}`),
  );
}

/**
 * A price per token (an exact decimal string) as the price per million
 * tokens, exactly: the decimal point moves six places. `"0.00000015"` ->
 * `"0.15"`.
 */
export function perMillionTokens(perToken: string): string {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(perToken);
  if (!match) return perToken;
  const [, whole, fraction = ''] = match;
  const digits = `${whole}${fraction.padEnd(6, '0')}`;
  const point = whole.length + 6;
  const integer = digits.slice(0, point).replace(/^0+(?=\d)/, '');
  const rest = digits.slice(point).replace(/0+$/, '');
  return rest ? `${integer}.${rest}` : integer;
}

/**
 * A per-token price shown per 1M tokens, in its currency, with the digits
 * a small price needs: `"0.00000015"` -> `$0.15`, `"0.0000000375"` ->
 * `$0.0375`. `-` for none.
 */
export function formatPricePerMillion(
  perToken: string | undefined,
  currency = 'USD',
): string {
  if (perToken === undefined) return '-';
  const perMillion = perMillionTokens(perToken);
  const format = moneyFormat(currency, 6);
  if (!format || !DECIMAL.test(perMillion)) {
    return `${perMillion} ${currency}`;
  }
  return format.format(perMillion as `${number}`);
}

const dates = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
});

/**
 * A point in time, in UTC as the backends and scheduled runs count days:
 * `2 Nov 2026, 10:05 UTC`. Anything unreadable is shown as it came.
 */
export function formatDateTime(value: string | undefined): string {
  if (!value) return '-';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return `${dates.format(date)} UTC`;
}

/** How long ago, roughly: `45 min`, `5 h`, `3 days`. */
export function formatAge(hours: number): string {
  if (hours < 1) return `${Math.max(0, Math.round(hours * 60))} min`;
  if (hours < 48) return `${Math.round(hours)} h`;
  return `${Math.round(hours / 24)} days`;
}
