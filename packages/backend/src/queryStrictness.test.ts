/*
 * Every numeric query parameter of every plugin's OpenAPI spec, through the
 * router generated from it (src/schema/openapi.generated.ts, the one each
 * plugin's router.ts builds on): values that are not finite decimal numbers
 * within the spec's bounds get a 400 naming the parameter, never reach the
 * route, and in-range values still do. Prints what it checked.
 */
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { recordTestFigures } from '@internal/test-emulators';

// eslint-disable-next-line no-restricted-syntax -- test reads the repo's specs
const root = path.resolve(__dirname, '../../..');

type Schema = {
  type?: string;
  enum?: unknown[];
  format?: string;
  example?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  $ref?: string;
};
type Parameter = {
  name: string;
  in: string;
  required?: boolean;
  schema?: Schema;
  example?: unknown;
  $ref?: string;
};
type Operation = {
  parameters?: Parameter[];
  requestBody?: { required?: boolean };
};
type Spec = {
  paths: Record<
    string,
    Record<string, Operation> & { parameters?: Parameter[] }
  >;
  components?: Record<string, Record<string, unknown>>;
};
type Generated = {
  spec: Spec;
  createOpenApiRouter: () => Promise<
    Record<
      (typeof METHODS)[number],
      (
        path: string,
        handler: (
          req: { query: Record<string, unknown> },
          res: { json(body: unknown): void },
        ) => void,
      ) => void
    >
  >;
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function generatedRouters(): Array<[string, Generated]> {
  return fs
    .readdirSync(path.join(root, 'plugins'))
    .sort()
    .map(dir =>
      path.join(root, 'plugins', dir, 'src/schema/openapi.generated.ts'),
    )
    .filter(file => fs.existsSync(file))
    .map(file => [
      path.relative(root, file),
      // The generated modules are not exported by their packages.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(file) as Generated,
    ]);
}

function resolve<T extends { $ref?: string }>(spec: Spec, value: T): T {
  if (!value?.$ref) return value;
  const [, section, name] = value.$ref.replace(/^#\//, '').split('/');
  return resolve(spec, spec.components![section][name] as T);
}

/** A valid value for a parameter the test does not vary. */
function sample(parameter: Parameter, schema: Schema): string {
  const value =
    parameter.example ??
    schema.example ??
    schema.default ??
    schema.enum?.[0] ??
    (schema.format === 'date' ? '2026-11-01' : undefined) ??
    (schema.type === 'integer' || schema.type === 'number'
      ? schema.minimum ?? 1
      : 'local');
  return String(value);
}

type Case = {
  file: string;
  generated: Generated;
  method: (typeof METHODS)[number];
  path: string;
  parameters: Array<{ parameter: Parameter; schema: Schema }>;
  numeric: { parameter: Parameter; schema: Schema };
};

function cases(): Case[] {
  return generatedRouters().flatMap(([file, generated]) => {
    const { spec } = generated;
    return Object.entries(spec.paths).flatMap(([p, item]) =>
      METHODS.filter(m => item[m]).flatMap(method => {
        const parameters = [
          ...(item.parameters ?? []),
          ...(item[method].parameters ?? []),
        ].map(raw => {
          const parameter = resolve(spec, raw);
          return { parameter, schema: resolve(spec, parameter.schema ?? {}) };
        });
        return parameters
          .filter(
            ({ parameter, schema }) =>
              parameter.in === 'query' &&
              (schema.type === 'integer' || schema.type === 'number'),
          )
          .map(numeric => ({
            file,
            generated,
            method,
            path: p,
            parameters,
            numeric,
          }));
      }),
    );
  });
}

const all = cases();

/** Values that must be refused, for a parameter of this schema. */
function invalid(schema: Schema): string[] {
  const values = [
    'Infinity',
    '-Infinity',
    '1e400',
    '-1e400',
    'NaN',
    '0x10',
    '1e1',
    ' 10',
    '99999999999999999999',
  ];
  if (schema.type === 'integer') values.push('1.5');
  if (schema.minimum !== undefined) values.push(String(schema.minimum - 1));
  if (schema.maximum !== undefined) values.push(String(schema.maximum + 1));
  return values;
}

const reached: unknown[] = [];
let mountOf: Map<Generated, string>;

/** Each generated router as the router of a plugin of its own, echoing the query. */
function routerPlugin(index: number, generated: Generated) {
  return createBackendPlugin({
    pluginId: `strict${index}`,
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter },
        async init({ httpRouter }) {
          const router = await generated.createOpenApiRouter();
          for (const c of all.filter(x => x.generated === generated)) {
            const expressPath = c.path.replace(/\{([^}]+)\}/g, ':$1');
            router[c.method](expressPath, (req, res) => {
              reached.push(req.query);
              res.json({ query: req.query });
            });
          }
          httpRouter.use(
            router as unknown as Parameters<typeof httpRouter.use>[0],
          );
        },
      });
    },
  });
}

let server: Parameters<typeof request>[0];

beforeAll(async () => {
  const generated = [...new Set(all.map(c => c.generated))];
  const backend = await startTestBackend({
    features: generated.map((g, i) => routerPlugin(i, g)),
  });
  server = backend.server;
  mountOf = new Map(generated.map((g, i) => [g, `/api/strict${i}`]));
});

function send(c: Case, value: string) {
  const query = new URLSearchParams();
  let url = c.path;
  for (const { parameter, schema } of c.parameters) {
    if (parameter === c.numeric.parameter) continue;
    if (parameter.in === 'path') {
      url = url.replace(`{${parameter.name}}`, sample(parameter, schema));
    } else if (parameter.in === 'query' && parameter.required) {
      query.set(parameter.name, sample(parameter, schema));
    }
  }
  query.set(c.numeric.parameter.name, value);
  return request(server)
    [c.method](`${mountOf.get(c.generated)}${url}?${query}`)
    .set('authorization', mockCredentials.user.header());
}

describe('numeric query parameters are finite decimals within the spec', () => {
  it('finds numeric query parameters to check (GET /models limit and offset at least)', () => {
    const names = all.map(
      c => `${c.method} ${c.path} ${c.numeric.parameter.name}`,
    );
    expect(names).toEqual(
      expect.arrayContaining(['get /models limit', 'get /models offset']),
    );
    recordTestFigures(`numeric query parameters checked:\n${names.join('\n')}`);
  });

  it.each(
    all.map(c => [
      `${c.file} ${c.method} ${c.path} ${c.numeric.parameter.name}`,
      c,
    ]),
  )('%s', async (_name, c) => {
    const { schema, parameter } = c.numeric;
    const valid = [schema.minimum ?? 0, schema.maximum ?? 1];
    for (const value of valid) {
      const ok = await send(c, String(value));
      expect({
        status: ok.status,
        value: ok.body.query?.[parameter.name],
      }).toEqual({
        status: 200,
        value,
      });
    }
    reached.length = 0;

    for (const value of invalid(schema)) {
      const res = await send(c, value);
      expect({ value, status: res.status }).toEqual({ value, status: 400 });
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toContain(parameter.name);
    }
    expect(reached).toEqual([]);
  });
});
