import Decimal from 'decimal.js';

/** Exact decimal arithmetic: prices never go through binary floats. */
const Exact = Decimal.clone({ precision: 100, toExpNeg: -100, toExpPos: 100 });

/** A non-negative decimal without exponent: "8", "0.15". */
export const PRICE_PER_1M = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/**
 * The exact per-token decimal string (OpenRouter's unit) of a price per 1M
 * tokens: "8" -> "0.000008", "0.15" -> "0.00000015". Undefined when the
 * text is not a non-negative decimal. Shared by the create-model action and
 * the template's price preview so both show the same figure.
 */
export function per1MToPerToken(per1M: string): string | undefined {
  const text = per1M.trim();
  if (!PRICE_PER_1M.test(text)) {
    return undefined;
  }
  return new Exact(text).dividedBy(1_000_000).toFixed();
}

/**
 * Exact cost in USD of `tokens` tokens at a per-token price, as a decimal
 * string rounded half-up to `places` decimals (default: exact).
 */
export function costOf(
  perToken: string,
  tokens: number | string,
  places?: number,
): string {
  const cost = new Exact(perToken).times(new Exact(tokens));
  return places === undefined
    ? cost.toFixed()
    : cost.toDecimalPlaces(places, Decimal.ROUND_HALF_UP).toFixed(places);
}

/** Exact sum of decimal strings. */
export function sumDecimals(...values: string[]): string {
  return values
    .reduce((total, value) => total.plus(new Exact(value)), new Exact(0))
    .toFixed();
}
