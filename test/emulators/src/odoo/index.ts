/*
 * HTTP emulator of Odoo's external API: JSON-RPC (`POST /jsonrpc`), JSON-2
 * (`POST /json/2/<model>/<method>`, Odoo 19) and `GET /web/version`, over
 * one in-memory database with res.partner, res.currency, account.move and
 * friends.
 *
 * What it reproduces, and the upstream source of each behaviour, is in
 * CONTRACT.md next to this file; each line there names the test that checks it.
 */
import express from 'express';
import type { Express, Request, Response } from 'express';
import { RunningEmulator, startEmulatorServer } from '../shared/server';
import { OdooException, httpException } from './errors';
import { OdooCredentials, OdooService } from './rpc';
import type { OdooRecord, OdooSeed, OdooVersion, OdooSentEmail } from './types';

export * from './types';
export { OdooException } from './errors';

export interface OdooEmulatorOptions {
  port?: number;
  /** Database name (default `odoo`). */
  database?: string;
  /** Login of the API user (default `admin`). */
  login?: string;
  /** API key of that user: valid as the JSON-RPC password and as the JSON-2 bearer token. */
  apiKey?: string;
  /** The user's password, also accepted by JSON-RPC (default `admin`). */
  password?: string;
  /**
   * Server version to behave as (default 19): JSON-2 exists from 19, the send
   * wizard, error codes and argument binding differ (see CONTRACT.md).
   */
  version?: OdooVersion | 17 | 18 | 19;
  /** Records to insert after the base data. */
  seed?: OdooSeed;
}

export interface OdooEmulator extends RunningEmulator {
  readonly database: string;
  readonly login: string;
  readonly apiKey: string;
  readonly version: OdooVersion;
  /** uid of the API user. */
  readonly uid: number;
  /** Every record of a model with each field's raw value (many2one as id, x2many as ids). */
  records(model: string): OdooRecord[];
  /** Inserts records (through the ORM: defaults, x2many commands and constraints apply). Returns ids per model. */
  seed(seed: OdooSeed): Record<string, number[]>;
  /** E-mails sent by invoice sending and message_post. */
  sentEmails(): OdooSentEmail[];
  /** Back to the base data. */
  reset(): void;
}

function rawText(req: Request): string {
  return Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
}

function contentType(req: Request): string {
  return (req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
}

function badRequestHtml(res: Response, description: string): void {
  res
    .status(400)
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>${description
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/'/g, '&#x27;')}</p>\n`,
    );
}

function notFoundHtml(res: Response): void {
  res
    .status(404)
    .type('text/html; charset=utf-8')
    .send(
      '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n' +
        '<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n',
    );
}

export async function startOdooEmulator(
  options: OdooEmulatorOptions = {},
): Promise<OdooEmulator> {
  const creds: OdooCredentials = {
    database: options.database ?? 'odoo',
    login: options.login ?? 'admin',
    password: options.password ?? 'admin',
    apiKey: options.apiKey ?? 'odoo-emulator-api-key',
  };
  const version: OdooVersion =
    typeof options.version === 'number'
      ? (`${options.version}.0` as OdooVersion)
      : options.version ?? '19.0';
  if (!['17.0', '18.0', '19.0'].includes(version))
    throw new Error(`unsupported Odoo version ${String(options.version)}`);
  let service = new OdooService(version, creds);

  const seed = (data: OdooSeed): Record<string, number[]> => {
    const out: Record<string, number[]> = {};
    const current = service;
    const insert = (model: string, row: OdooSeed[string][number]): number => {
      const { id, ...vals } = row;
      return current.orm.create(
        current.env(),
        model,
        vals,
        typeof id === 'number' ? id : undefined,
      );
    };
    current.orm.transaction(() => {
      for (const [model, rows] of Object.entries(data)) {
        if (!current.orm.model(model))
          throw new Error(`unknown model ${model}`);
        out[model] = rows.map(row => insert(model, row));
      }
    });
    return out;
  };
  if (options.seed) seed(options.seed);

  const jsonrpcRoutingType = version === '19.0' ? 'jsonrpc' : 'json';

  const mount = (app: Express) => {
    const raw = express.raw({ type: () => true, limit: '50mb' });

    app.get('/web/version', (_req, res) => {
      const major = Number(version.split('.')[0]);
      res.json({ version_info: [major, 0, 0, 'final', 0, ''], version });
    });

    app.post('/jsonrpc', raw, (req, res) => {
      const ct = contentType(req);
      if (ct !== 'application/json' && ct !== 'application/json-rpc') {
        badRequestHtml(
          res,
          `Request inferred type is compatible with ['http'] but '${jsonrpcRoutingType}' was expected.`,
        );
        return;
      }
      let request: unknown;
      try {
        request = JSON.parse(rawText(req));
      } catch {
        res
          .status(400)
          .type('text/html; charset=utf-8')
          .send('Invalid JSON data');
        return;
      }
      if (!request || typeof request !== 'object' || Array.isArray(request)) {
        res
          .status(400)
          .type('text/html; charset=utf-8')
          .send('Invalid JSON-RPC data');
        return;
      }
      const body = request as Record<string, unknown>;
      const id = body.id === undefined ? null : body.id;
      const params =
        body.params &&
        typeof body.params === 'object' &&
        !Array.isArray(body.params)
          ? (body.params as Record<string, unknown>)
          : {};
      try {
        const result = service.dispatchRpc(
          params.service,
          params.method,
          params.args,
        );
        // Python's None is not sent: the response then has no `result` key.
        res.json({ jsonrpc: '2.0', id, result });
      } catch (e) {
        const exc =
          e instanceof OdooException
            ? e
            : new OdooException('builtins.Exception', (e as Error).message);
        res.json({
          jsonrpc: '2.0',
          id,
          error: {
            // 17.0 sends 200; from 18.0 on the dispatcher sends 0 ("we don't care of this code").
            code: version === '17.0' ? 200 : 0,
            message: 'Odoo Server Error',
            data: exc.serialize(),
          },
        });
      }
    });

    const json2Error = (res: Response, exc: OdooException) => {
      res.status(exc.httpStatus).set(exc.headers).json(exc.serialize());
    };

    if (version === '19.0') {
      app.post('/json/2/:model/:method', raw, (req, res) => {
        const ct = contentType(req);
        const length = Number(req.header('content-length') ?? '0');
        if (ct !== 'application/json' && length > 0) {
          badRequestHtml(
            res,
            "Request inferred type is compatible with ['http'] but 'json2' was expected.",
          );
          return;
        }
        const dbHeader = req.header('x-odoo-database');
        if (dbHeader !== undefined && dbHeader !== creds.database) {
          json2Error(
            res,
            httpException(
              'NotFound',
              404,
              `database ${JSON.stringify(dbHeader)} not found`,
            ),
          );
          return;
        }
        const auth = req.header('authorization') ?? '';
        const token = /^bearer\s+(.+)$/i.exec(auth)?.[1]?.trim();
        const uid = token ? service.uidForApiKey(token) : undefined;
        if (uid === undefined) {
          json2Error(
            res,
            httpException('Unauthorized', 401, 'Invalid apikey', {
              'WWW-Authenticate': 'Bearer',
            }),
          );
          return;
        }
        let body: unknown = {};
        const text = rawText(req);
        if (text.length > 0) {
          try {
            body = JSON.parse(text);
          } catch (e) {
            json2Error(
              res,
              httpException(
                'BadRequest',
                400,
                `could not parse the body as json: ${(e as Error).message}`,
              ),
            );
            return;
          }
        }
        try {
          const result = service.json2(
            uid,
            req.params.model,
            req.params.method,
            body,
          );
          res
            .status(200)
            .type('application/json; charset=utf-8')
            .send(JSON.stringify(result));
        } catch (e) {
          json2Error(
            res,
            e instanceof OdooException
              ? e
              : new OdooException('builtins.Exception', (e as Error).message),
          );
        }
      });
      app.all(['/json/2', '/json/2/*'], (_req, res) => {
        json2Error(
          res,
          httpException(
            'NotFound',
            404,
            'Did you mean POST /json/2/<model>/<method>?',
          ),
        );
      });
    }

    app.use((_req, res) => notFoundHtml(res));
  };

  const server = await startEmulatorServer(mount, { port: options.port });
  return {
    ...server,
    database: creds.database,
    login: creds.login,
    apiKey: creds.apiKey,
    version,
    uid: 2,
    records: model => {
      const orm = service.orm;
      if (!orm.model(model)) throw new Error(`unknown model ${model}`);
      const env = service.env({ active_test: false });
      return [...orm.table(model).values()]
        .sort((a, b) => a.id - b.id)
        .map(r => orm.rawRecord(env, model, r));
    },
    seed,
    sentEmails: () => structuredClone(service.orm.sentEmails),
    reset: () => {
      service = new OdooService(version, creds);
      if (options.seed) seed(options.seed);
    },
  };
}
