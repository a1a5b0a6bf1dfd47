/*
 * Request decoding and response encoding of the Kubernetes emulator's HTTP
 * layer: query parameters, bodies (JSON/YAML), write/list/delete options,
 * JSON answers with `Warning` headers.
 */
import type { Request, Response } from 'express';
import yaml from 'js-yaml';
import {
  DeleteOptions,
  FieldValidation,
  ListOptions,
  WriteOptions,
} from './apiTypes';
import { Status, statusErrors } from './errors';
import { isObj } from './json';

const BODY_TYPES = [
  'application/json',
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
];

export function mediaType(req: Request): string {
  return String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
}

export function query(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (Array.isArray(v)) {
    return v.length ? String(v[0]) : undefined;
  }
  return v === undefined ? undefined : String(v);
}

export function bodyText(req: Request): string {
  return Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
}

export function send(
  req: Request,
  res: Response,
  code: number,
  body: unknown,
  warnings: string[] = [],
  contentType = 'application/json',
): void {
  for (const w of warnings) {
    res.append('Warning', `299 - ${JSON.stringify(w)}`);
  }
  const pretty = query(req, 'pretty') === 'true';
  res.status(code);
  res.setHeader('Content-Type', contentType);
  // A Buffer, so that express appends no charset to the media type.
  res.send(
    Buffer.from(pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body)),
  );
}

export function sendStatus(req: Request, res: Response, status: Status): void {
  send(req, res, status.code, status);
}

export function decodeBody(req: Request): unknown {
  const text = bodyText(req);
  const type = mediaType(req) || 'application/json';
  if (
    type === 'application/yaml' ||
    type === 'application/x-yaml' ||
    type === 'text/yaml'
  ) {
    try {
      return yaml.load(text);
    } catch (e) {
      throw statusErrors.badRequest(
        `error converting YAML to JSON: ${(e as Error).message}`,
      );
    }
  }
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw statusErrors.unsupportedMediaType(BODY_TYPES);
  }
  if (!text.trim()) {
    throw statusErrors.badRequest(
      "couldn't get version/kind; json parse error: unexpected end of JSON input",
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw statusErrors.badRequest(
      `couldn't get version/kind; json parse error: ${(e as Error).message}`,
    );
  }
}

export function writeOptions(req: Request): WriteOptions {
  const dryRun = req.query.dryRun;
  let given: unknown[] = [];
  if (Array.isArray(dryRun)) {
    given = dryRun;
  } else if (dryRun !== undefined) {
    given = [dryRun];
  }
  const values = given.map(String);
  for (const v of values) {
    if (v !== 'All') {
      throw statusErrors.badRequest(
        `dryRun: Unsupported value: "${v}": supported values: "All"`,
      );
    }
  }
  const fv = query(req, 'fieldValidation');
  if (fv !== undefined && !['Ignore', 'Warn', 'Strict'].includes(fv)) {
    throw statusErrors.badRequest(
      `fieldValidation: Unsupported value: "${fv}": supported values: "Ignore", "Strict", "Warn"`,
    );
  }
  return {
    userAgent: String(req.headers['user-agent'] ?? ''),
    dryRun: values.includes('All'),
    fieldValidation: fv as FieldValidation | undefined,
    fieldManager: query(req, 'fieldManager'),
    force:
      query(req, 'force') === undefined
        ? undefined
        : query(req, 'force') === 'true',
  };
}

export function listOptions(
  req: Request,
  namespace: string | undefined,
): ListOptions {
  const limit = query(req, 'limit');
  if (limit !== undefined && !/^-?\d+$/.test(limit)) {
    throw statusErrors.badRequest(
      `limit: Invalid value: "${limit}": must be an integer`,
    );
  }
  return {
    namespace,
    labelSelector: query(req, 'labelSelector'),
    fieldSelector: query(req, 'fieldSelector'),
    limit: limit === undefined ? undefined : Number(limit),
    continue: query(req, 'continue'),
  };
}

export function deleteOptions(req: Request): DeleteOptions {
  const opts: DeleteOptions = {};
  const text = bodyText(req).trim();
  if (text) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw statusErrors.badRequest(
        `couldn't get version/kind; json parse error: ${(e as Error).message}`,
      );
    }
    if (isObj(body)) {
      if (typeof body.propagationPolicy === 'string') {
        opts.propagationPolicy =
          body.propagationPolicy as DeleteOptions['propagationPolicy'];
      }
      if (isObj(body.preconditions)) {
        opts.preconditions =
          body.preconditions as DeleteOptions['preconditions'];
      }
      if (Array.isArray(body.dryRun) && body.dryRun.includes('All')) {
        opts.dryRun = true;
      }
    }
  }
  const pp = query(req, 'propagationPolicy');
  if (pp) {
    opts.propagationPolicy = pp as DeleteOptions['propagationPolicy'];
  }
  if (
    opts.propagationPolicy &&
    !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)
  ) {
    throw statusErrors.badRequest(
      `propagationPolicy: Unsupported value: "${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`,
    );
  }
  if (writeOptions(req).dryRun) {
    opts.dryRun = true;
  }
  return opts;
}
