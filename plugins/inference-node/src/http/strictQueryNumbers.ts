import { InputError } from '@backstage/errors';
import type { RequestHandler } from 'express';

/** How a number is written in a query string: decimal digits, no exponent. */
const DECIMAL = /^-?[0-9]{1,16}(\.[0-9]{1,20})?$/;

function problem(raw: string | undefined, value: number): string | undefined {
  if (!Number.isFinite(value)) return 'must be a finite number';
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
    return 'is too large';
  }
  if (raw !== undefined && !DECIMAL.test(raw)) {
    return 'must be written in decimal digits (like 10 or 2.5)';
  }
  return undefined;
}

/**
 * Middleware for the routers generated from an OpenAPI spec, placed after
 * the spec's validation: that validation (express-openapi-validator, AJV
 * with type coercion) turns `Infinity`, `-Infinity` and `1e400` into
 * numbers and then skips their `minimum`/`maximum`, which AJV only checks
 * on finite numbers, and accepts `0x10`, ` 10` or `1e2`. Every query value
 * the validation turned into a number (only parameters the spec declares
 * `integer` or `number` are) must be finite, a safe integer when integral,
 * and have been written as a plain decimal. Fails with a 400 naming the
 * parameter, in the validator's own wording.
 */
export function strictQueryNumbers(): RequestHandler {
  return (req, _res, next) => {
    const url = req.originalUrl ?? req.url ?? '';
    const queryStart = url.indexOf('?');
    const raw =
      queryStart === -1
        ? new URLSearchParams()
        : new URLSearchParams(url.slice(queryStart + 1));
    for (const [name, value] of Object.entries(req.query ?? {})) {
      const values = Array.isArray(value) ? value : [value];
      if (!values.some(v => typeof v === 'number')) continue;
      const written = raw.getAll(name);
      for (let i = 0; i < values.length; i += 1) {
        const v = values[i];
        if (typeof v !== 'number') continue;
        const why = problem(
          written.length === values.length ? written[i] : undefined,
          v,
        );
        if (why) {
          next(new InputError(`request/query/${name} ${why}`));
          return;
        }
      }
    }
    next();
  };
}
