/*
 * Small helpers shared by the Bifrost emulator: Go-like JSON decoding,
 * Bifrost duration parsing, RFC3339 parsing and the SendError envelope.
 */
import type { Response } from 'express';
import type { BifrostErrorBody } from './types';

/** An error that becomes a `SendError(status, message)` response. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Thrown while decoding a request body; the handler turns it into "Invalid JSON". */
export class DecodeError extends Error {}

export type JsonObject = Record<string, unknown>;

export function sendError(
  res: Response,
  status: number,
  message: string,
): void {
  const body: BifrostErrorBody = {
    is_bifrost_error: false,
    status_code: status,
    error: { message },
  };
  res.status(status).json(body);
}

/**
 * Parses a raw body the way `json.Unmarshal(body, &struct)` does: the body
 * must be a JSON object (or `null`, which leaves the struct zeroed).
 */
export function parseObjectBody(raw: unknown): JsonObject {
  let text = '';
  if (Buffer.isBuffer(raw)) text = raw.toString('utf8');
  else if (typeof raw === 'string') text = raw;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DecodeError('invalid json');
  }
  if (value === null) {
    return {};
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new DecodeError('not an object');
  }
  return value as JsonObject;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether the key is present with a non-null value (Go: pointer != nil). */
export function has(obj: JsonObject, key: string): boolean {
  return obj[key] !== undefined && obj[key] !== null;
}

export function optString(obj: JsonObject, key: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new DecodeError(`${key} must be a string`);
  return v;
}

export function optNumber(obj: JsonObject, key: string): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new DecodeError(`${key} must be a number`);
  return v;
}

export function optInt(obj: JsonObject, key: string): number | undefined {
  const v = optNumber(obj, key);
  if (v !== undefined && !Number.isInteger(v))
    throw new DecodeError(`${key} must be an integer`);
  return v;
}

export function optBool(obj: JsonObject, key: string): boolean | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new DecodeError(`${key} must be a boolean`);
  return v;
}

export function optObject(
  obj: JsonObject,
  key: string,
): JsonObject | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw new DecodeError(`${key} must be an object`);
  return v;
}

/** `undefined` when absent or null (a nil slice in Go), else the array (maybe empty). */
export function optArray(obj: JsonObject, key: string): unknown[] | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new DecodeError(`${key} must be an array`);
  return v;
}

export function optStringArray(
  obj: JsonObject,
  key: string,
): string[] | undefined {
  const arr = optArray(obj, key);
  if (arr === undefined) return undefined;
  return arr.map(item => {
    if (typeof item !== 'string')
      throw new DecodeError(`${key} must contain strings`);
    return item;
  });
}

export function objectArray(
  obj: JsonObject,
  key: string,
): JsonObject[] | undefined {
  const arr = optArray(obj, key);
  if (arr === undefined) return undefined;
  return arr.map(item => {
    if (item === null) return {};
    if (!isObject(item)) throw new DecodeError(`${key} must contain objects`);
    return item;
  });
}

const GO_DURATION = /^[+-]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/;
const GO_UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const CALENDAR_UNIT_MS: Record<string, number> = {
  d: 86_400_000,
  w: 7 * 86_400_000,
  M: 30 * 86_400_000,
  Q: 91 * 86_400_000,
  Y: 365 * 86_400_000,
};

/**
 * `configstoreTables.ParseDuration`: Go durations (`30s`, `5m`, `1h30m`) plus
 * the calendar units `d`, `w`, `M`, `Q`, `Y` with an integer count. Returns
 * milliseconds, or `undefined` when the string is not a valid duration.
 */
export function parseDuration(value: string): number | undefined {
  const cal = /^(\d+)([dwMQY])$/.exec(value);
  if (cal) {
    return Number(cal[1]) * CALENDAR_UNIT_MS[cal[2]];
  }
  if (value === '0') return 0;
  if (!GO_DURATION.test(value)) return undefined;
  const sign = value.startsWith('-') ? -1 : 1;
  let total = 0;
  for (const m of value
    .replace(/^[+-]/, '')
    .matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(m[1]) * GO_UNIT_MS[m[2]];
  }
  return sign * total;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** `time.Parse(time.RFC3339Nano, s)`: strict layout, returns epoch ms or undefined. */
export function parseRfc3339(value: string): number | undefined {
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  const [month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6]].map(
    Number,
  );
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return undefined;
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Go's `fmt.Sprintf("%.2f", v)`. */
export function fmt2(v: number): string {
  return v.toFixed(2);
}

/** Go's `fmt.Sprintf("%.4f", v)`. */
export function fmt4(v: number): string {
  return v.toFixed(4);
}

export function nowIso(): string {
  return new Date().toISOString();
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Removes keys whose value is `undefined` (Go `omitempty` on pointers). */
export function compact<T extends object>(v: T): T {
  for (const key of Object.keys(v) as (keyof T)[]) {
    if (v[key] === undefined) delete v[key];
  }
  return v;
}
