/* HTTP helpers of the Bifrost emulator's routes: query access, SendError wrapping, pagination. */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { atoi } from './logs';
import { clampPagination } from './state';
import { DecodeError, HttpError, parseObjectBody, sendError } from './util';

export type Query = Request['query'];

export function q(query: Query, key: string): string {
  const v = query[key];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : '';
  return typeof v === 'string' ? v : '';
}

/** Wraps a handler so HttpError becomes a SendError response. */
export function route(
  fn: (req: Request, res: Response) => void,
): RequestHandler {
  return (req, res) => {
    try {
      fn(req, res);
    } catch (e) {
      if (e instanceof HttpError) sendError(res, e.status, e.message);
      else if (e instanceof DecodeError) sendError(res, 400, 'Invalid JSON');
      else sendError(res, 500, (e as Error).message);
    }
  };
}

export function body(req: Request) {
  return parseObjectBody(req.body);
}

/** Strict pagination of the VK and pricing-override lists (400 on bad numbers). */
export function strictPagination(query: Query): {
  limit: number;
  offset: number;
} {
  let limit = 0;
  let offset = 0;
  const limitStr = q(query, 'limit');
  if (limitStr !== '') {
    const n = atoi(limitStr);
    if (n === undefined)
      throw new HttpError(400, 'Invalid limit parameter: must be a number');
    if (n < 0)
      throw new HttpError(400, 'Invalid limit parameter: must be non-negative');
    limit = n;
  }
  const offsetStr = q(query, 'offset');
  if (offsetStr !== '') {
    const n = atoi(offsetStr);
    if (n === undefined)
      throw new HttpError(400, 'Invalid offset parameter: must be a number');
    if (n < 0)
      throw new HttpError(
        400,
        'Invalid offset parameter: must be non-negative',
      );
    offset = n;
  }
  return clampPagination(limit, offset);
}

/** Lenient pagination of teams/customers: strconv errors silently become 0. */
export function lenientPagination(query: Query): {
  limit: number;
  offset: number;
} {
  return clampPagination(
    atoi(q(query, 'limit')) ?? 0,
    atoi(q(query, 'offset')) ?? 0,
  );
}

export function listEnvelope<T>(
  key: string,
  all: T[],
  page?: { limit: number; offset: number; items: T[] },
) {
  if (!page) {
    return {
      [key]: all,
      count: all.length,
      total_count: all.length,
      limit: all.length,
      offset: 0,
    };
  }
  return {
    [key]: page.items,
    count: page.items.length,
    total_count: all.length,
    limit: page.limit,
    offset: page.offset,
  };
}

export function paginate<T>(all: T[], p: { limit: number; offset: number }) {
  return { ...p, items: all.slice(p.offset, p.offset + p.limit) };
}

export function basicAuth(username: string, password: string): RequestHandler {
  const expected = `${username}:${password}`;
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.header('authorization') ?? '';
    const m = /^basic\s+(.+)$/i.exec(header);
    const given = m
      ? Buffer.from(m[1].trim(), 'base64').toString('utf8')
      : undefined;
    if (given === expected) {
      next();
      return;
    }
    res.setHeader('WWW-Authenticate', 'Basic realm="Bifrost Admin"');
    sendError(res, 401, 'Unauthorized');
  };
}
