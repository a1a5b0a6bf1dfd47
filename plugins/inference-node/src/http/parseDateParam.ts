import { InputError } from '@backstage/errors';

/** Earliest instant a date parameter may name (inclusive). */
export const DATE_PARAM_MIN = '2000-01-01';
/** Latest day a date parameter may name (inclusive). */
export const DATE_PARAM_MAX = '2100-12-31';

const MIN_MS = Date.UTC(2000, 0, 1);
const END_MS = Date.UTC(2101, 0, 1);

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))?$/;

/**
 * The one reading of a date query parameter across the inference APIs: an
 * ISO 8601 date (`2026-10-01`, midnight UTC) or date-time
 * (`2026-10-01T12:30[:00[.000]]`, then `Z`, an offset `+02:00`, or nothing
 * for UTC), as epoch milliseconds. Refused with an InputError whose message
 * starts with the parameter's name: anything else, days that do not exist
 * (2026-02-30), impossible times or offsets, and instants outside
 * 2000-01-01..2100-12-31 (UTC), which no billing question needs and which
 * `Date` would otherwise wrap or shift (year 0001 becoming 1900-something).
 */
export function parseDateParam(name: string, value: unknown): number {
  const problem = () =>
    new InputError(
      `${name} must be an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDThh:mm[:ss[.fff]] with Z, an offset such as +02:00, or nothing for UTC) from ${DATE_PARAM_MIN} to ${DATE_PARAM_MAX}, got ${JSON.stringify(
        value ?? null,
      )}`,
    );
  if (typeof value !== 'string') throw problem();
  const date = DATE.exec(value);
  const dateTime = date ? undefined : DATE_TIME.exec(value);
  const parts = date ?? dateTime;
  if (!parts) throw problem();
  const [y, mo, d] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  // Date.UTC maps years 0-99 to 1900-1999: the range check below refuses
  // them anyway, and the round trip catches days that do not exist.
  const midnight = Date.UTC(y, mo - 1, d);
  const check = new Date(midnight);
  if (
    check.getUTCFullYear() !== y ||
    check.getUTCMonth() !== mo - 1 ||
    check.getUTCDate() !== d
  ) {
    throw problem();
  }
  let ms = midnight;
  if (dateTime) {
    const h = Number(dateTime[4]);
    const mi = Number(dateTime[5]);
    const sec = Number(dateTime[6] ?? 0);
    const fraction = dateTime[7] ? Number(`0${dateTime[7]}`) : 0;
    if (h > 23 || mi > 59 || sec > 59) throw problem();
    let offsetMinutes = 0;
    if (dateTime[8] && dateTime[8] !== 'Z') {
      const oh = Number(dateTime[9]);
      const om = Number(dateTime[10]);
      if (oh > 23 || om > 59) throw problem();
      offsetMinutes = (dateTime[8][0] === '-' ? -1 : 1) * (oh * 60 + om);
    }
    ms =
      midnight +
      ((h * 60 + mi - offsetMinutes) * 60 + sec) * 1000 +
      Math.floor(fraction * 1000);
  }
  if (ms < MIN_MS || ms >= END_MS) throw problem();
  return ms;
}
