/*
 * Every route of every inference plugin, enumerated from its OpenAPI spec:
 * 401 without credentials (except the documented public ones), 403 when the
 * policy denies, 400 for malformed input. Prints the counts. Backstage's own
 * plugins under the portal's policy: permissionCoverage.test.ts (every
 * permission the plugins register, decided per user; catalog and scaffolder
 * writes) and kubernetesProxy.test.ts (the Kubernetes proxy and read views).
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  recordTestFigures,
  startSandbox,
  type Sandbox,
} from '@internal/test-emulators';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import fc from 'fast-check';
import request from 'supertest';
import bareMetalPlugin from '@internal/backstage-plugin-bare-metal-backend';
import inferenceBillingPlugin from '@internal/backstage-plugin-inference-billing-backend';
import inferenceModelsPlugin from '@internal/backstage-plugin-inference-models-backend';
import catalogModuleInferenceModels from '@internal/backstage-plugin-catalog-backend-module-inference-models';
import catalogPlugin from '@backstage/plugin-catalog-backend';

jest.setTimeout(120_000);

type Schema = {
  type?: string;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  example?: unknown;
  minimum?: number;
  maxLength?: number;
};
type Parameter = {
  name: string;
  in: string;
  required?: boolean;
  schema?: Schema;
  example?: unknown;
};
type Operation = {
  operationId: string;
  security?: Array<Record<string, unknown>>;
  parameters?: Parameter[];
  requestBody?: {
    required?: boolean;
    content?: Record<string, { schema?: BodySchema }>;
  };
};
type BodySchema = {
  $ref?: string;
  properties?: Record<string, unknown>;
  allOf?: BodySchema[];
};
type Spec = {
  paths: Record<string, Record<string, Operation>>;
  components?: {
    schemas?: Record<string, BodySchema>;
    parameters?: Record<string, Parameter>;
  };
};

const PLUGINS = ['inference-models', 'inference-billing', 'bare-metal'];
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
// eslint-disable-next-line no-restricted-syntax -- test reads the repo's specs
const root = path.resolve(__dirname, '../../..');

interface Route {
  plugin: string;
  spec: Spec;
  method: (typeof METHODS)[number];
  path: string;
  operation: Operation;
  isPublic: boolean;
}

function routes(): Route[] {
  return PLUGINS.flatMap(plugin => {
    const spec = yaml.load(
      fs.readFileSync(
        path.join(root, `plugins/${plugin}-backend/src/schema/openapi.yaml`),
        'utf8',
      ),
    ) as Spec;
    return Object.entries(spec.paths).flatMap(([p, item]) =>
      METHODS.filter(m => item[m]).map(method => ({
        plugin,
        spec,
        method,
        path: p,
        operation: {
          ...item[method],
          // Shared parameters ($ref to components.parameters), resolved.
          parameters: (item[method].parameters ?? []).map(parameter => {
            const ref = (parameter as { $ref?: string }).$ref;
            return ref
              ? spec.components!.parameters![ref.split('/').pop()!]
              : parameter;
          }),
        },
        isPublic: (item[method].security ?? []).some(
          s => Object.keys(s).length === 0,
        ),
      })),
    );
  });
}

/** Property names of a route's JSON body schema ($ref and allOf resolved). */
function bodyProperties(route: Route): string[] {
  const resolve = (schema?: BodySchema): string[] => {
    if (!schema) return [];
    if (schema.$ref) {
      const name = schema.$ref.split('/').pop()!;
      return resolve(route.spec.components?.schemas?.[name]);
    }
    return [
      ...Object.keys(schema.properties ?? {}),
      ...(schema.allOf ?? []).flatMap(resolve),
    ];
  };
  return resolve(
    route.operation.requestBody?.content?.['application/json']?.schema,
  );
}

/** A value the spec accepts, for the parameters a request must carry. */
function validValue(parameter: Parameter): string {
  const schema = parameter.schema ?? {};
  const example = parameter.example ?? schema.example;
  if (example !== undefined) return String(example);
  if (schema.enum) return String(schema.enum[0]);
  if (parameter.name === 'location') return 'local';
  if (parameter.name === 'name') return 'qwen25-05b-instruct';
  if (schema.format === 'date' || /date/.test(parameter.name))
    return '2026-10-01';
  if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
  if (schema.type === 'integer' || schema.type === 'number')
    return String(schema.minimum ?? 1);
  if (schema.type === 'boolean') return 'true';
  return 'x';
}

/** A value the spec rejects, or undefined when any string passes. */
function invalidValue(parameter: Parameter): string | undefined {
  const schema = parameter.schema ?? {};
  if (schema.enum) return 'not-one-of-the-values';
  if (schema.pattern) return 'Not Valid!';
  if (schema.format === 'date' || schema.format === 'date-time')
    return 'not-a-date';
  if (schema.type === 'integer' || schema.type === 'number') return 'NaN';
  if (schema.type === 'boolean') return 'maybe';
  if (schema.maxLength !== undefined) return 'x'.repeat(schema.maxLength + 1);
  return undefined;
}

function url(route: Route, override?: { name: string; value: string }) {
  let p = route.path;
  const query = new URLSearchParams();
  for (const parameter of route.operation.parameters ?? []) {
    const value =
      override?.name === parameter.name
        ? override.value
        : validValue(parameter);
    if (parameter.in === 'path')
      p = p.replace(`{${parameter.name}}`, encodeURIComponent(value));
    if (
      parameter.in === 'query' &&
      (parameter.required || override?.name === parameter.name)
    ) {
      query.set(parameter.name, value);
    }
  }
  const q = query.toString();
  return `/api/${route.plugin}${p}${q ? `?${q}` : ''}`;
}

function send(
  server: Parameters<typeof request>[0],
  route: Route,
  target: string,
  auth: string,
) {
  const req = request(server)[route.method](target).set('authorization', auth);
  return route.operation.requestBody ? req.send({}) : req;
}

describe('every inference route', () => {
  let sandbox: Sandbox;
  const all = routes();
  const counts = {
    routes: all.length,
    unauthenticated: 0,
    forbidden: 0,
    malformed: 0,
    public: 0,
    generated: 0,
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
  });
  afterAll(async () => {
    await sandbox.close();
    recordTestFigures(
      `routes checked: ${counts.routes} (public ${counts.public}); 401 checks: ${counts.unauthenticated}; 403 checks: ${counts.forbidden}; 400 checks: ${counts.malformed}; generated inputs: ${counts.generated}`,
    );
  });

  async function backend(deny: boolean) {
    const { server } = await startTestBackend({
      features: [
        inferenceModelsPlugin,
        // The catalog and the models' provider, for POST /refresh.
        catalogPlugin,
        catalogModuleInferenceModels,
        inferenceBillingPlugin,
        bareMetalPlugin,
        mockServices.rootConfig.factory({ data: sandbox.config as any }),
        ...(deny
          ? [mockServices.permissions.factory({ result: AuthorizeResult.DENY })]
          : []),
      ],
    });
    return server;
  }

  it('finds the routes of every plugin', () => {
    for (const plugin of PLUGINS) {
      expect(all.filter(r => r.plugin === plugin).length).toBeGreaterThan(1);
    }
  });

  it('answers 401 without credentials, except on public routes', async () => {
    const server = await backend(false);
    const statuses: Array<[string, boolean, number]> = [];
    for (const route of all) {
      const res = await send(
        server,
        route,
        url(route),
        mockCredentials.none.header(),
      );
      statuses.push([route.operation.operationId, route.isPublic, res.status]);
    }
    counts.public = statuses.filter(([, isPublic]) => isPublic).length;
    counts.unauthenticated = statuses.length - counts.public;
    expect(
      statuses.filter(([, isPublic, status]) => isPublic === (status === 401)),
    ).toEqual([]);
  });

  it('answers 403 naming the permission when the policy denies', async () => {
    const server = await backend(true);
    for (const route of all.filter(r => !r.isPublic)) {
      counts.forbidden += 1;
      const res = await send(
        server,
        route,
        url(route),
        mockCredentials.user.header(),
      );
      expect([route.operation.operationId, res.status]).toEqual([
        route.operation.operationId,
        403,
      ]);
      expect(res.body.error.message).toMatch(
        /^Permission [a-z.]+ is required$/,
      );
    }
  });

  it('rejects malformed parameters with 400 naming the parameter', async () => {
    const server = await backend(false);
    for (const route of all) {
      for (const parameter of route.operation.parameters ?? []) {
        const bad = invalidValue(parameter);
        if (bad === undefined) continue;
        counts.malformed += 1;
        const res = await send(
          server,
          route,
          url(route, { name: parameter.name, value: bad }),
          mockCredentials.user.header(),
        );
        expect([
          route.operation.operationId,
          parameter.name,
          res.status,
        ]).toEqual([route.operation.operationId, parameter.name, 400]);
        expect(res.body.error.message).toContain(parameter.name);
      }
    }
  });

  it('answers 1,000 generated inputs per GET route with success or a 4xx, never a 5xx', async () => {
    const server = await backend(false);
    const value = fc.oneof(
      fc.string(),
      fc.constantFrom(
        'local',
        'nowhere',
        '',
        'x'.repeat(300),
        '2026-10-01',
        '-1',
        '../etc',
      ),
      fc.integer().map(String),
    );
    for (const route of all.filter(r => r.method === 'get')) {
      const names = (route.operation.parameters ?? []).map(p => p.name);
      const input = fc.record({
        params: fc.dictionary(
          fc.constantFrom(...names, 'extra', 'limit'),
          value,
        ),
        path: fc.array(value, { minLength: 2, maxLength: 2 }),
      });
      await fc.assert(
        fc.asyncProperty(input, async ({ params, path: pathValues }) => {
          counts.generated += 1;
          let p = route.path;
          for (const [i, parameter] of (route.operation.parameters ?? [])
            .filter(x => x.in === 'path')
            .entries()) {
            p = p.replace(
              `{${parameter.name}}`,
              encodeURIComponent(pathValues[i] || 'x'),
            );
          }
          const query = new URLSearchParams(params).toString();
          const res = await request(server)
            .get(`/api/${route.plugin}${p}${query ? `?${query}` : ''}`)
            .set('authorization', mockCredentials.user.header());
          return res.status < 500;
        }),
        { numRuns: 1000, endOnFailure: true },
      );
    }
    expect(counts.generated).toBe(
      1000 * all.filter(r => r.method === 'get').length,
    );
  });

  it('answers 1,000 generated queries and bodies per POST/PUT/PATCH/DELETE route with success or a 4xx; a refused one changes nothing', async () => {
    const server = await backend(false);
    // What a request could change in the location's systems.
    const state = () =>
      JSON.stringify({
        customers: sandbox.bifrost.customers(),
        keys: sandbox.bifrost.virtualKeys().map(k => [k.id, k.is_active]),
        budgets: sandbox.bifrost.budgets(),
        partners: sandbox.odoo.records('res.partner').length,
        moves: sandbox.odoo.records('account.move').map(m => [m.id, m.state]),
        models: sandbox.kubernetes
          .list<any>('kubeai.org/v1', 'Model')
          .map(m => [m.metadata.name, m.spec]),
      });
    const scalar = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        'local',
        'nowhere',
        '',
        'x'.repeat(300),
        '2026-10-01',
        '2026-11-02',
        'all',
        'validate',
        'none',
        '../etc',
        '$(id)',
      ),
      fc.integer().map(String),
    );
    const json = fc.oneof(
      scalar,
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(scalar, { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 8 }), scalar, { maxKeys: 3 }),
    );
    const writes = all.filter(r => r.method !== 'get');
    const tally = { refused: 0, accepted: 0 };
    for (const route of writes) {
      const names = (route.operation.parameters ?? []).map(p => p.name);
      const props = bodyProperties(route);
      // Each parameter mostly valid (so that requests also get through to
      // the handlers), sometimes anything, sometimes absent.
      const parameterValue = (parameter: Parameter) =>
        fc.oneof(
          { weight: 4, arbitrary: fc.constant(validValue(parameter)) },
          { weight: 1, arbitrary: scalar },
        );
      const queryParameters = (route.operation.parameters ?? []).filter(
        x => x.in === 'query',
      );
      const pathParameters = (route.operation.parameters ?? []).filter(
        x => x.in === 'path',
      );
      const input = fc.record({
        params: fc
          .tuple(
            fc.record(
              Object.fromEntries(
                queryParameters.map(x => [x.name, parameterValue(x)]),
              ),
              { requiredKeys: [] },
            ),
            fc.dictionary(fc.constantFrom('extra', ...names), scalar, {
              maxKeys: 1,
            }),
          )
          .map(([a, b]) => ({ ...b, ...a } as Record<string, string>)),
        path: fc.tuple(
          ...[0, 1, 2].map(i =>
            pathParameters[i] ? parameterValue(pathParameters[i]) : scalar,
          ),
        ),
        body: fc.oneof(
          fc.constant(undefined),
          fc.dictionary(fc.constantFrom(...props, 'extra'), json),
          json,
        ),
      });
      await fc.assert(
        fc.asyncProperty(input, async ({ params, path: pathValues, body }) => {
          counts.generated += 1;
          let p = route.path;
          for (const [i, parameter] of (route.operation.parameters ?? [])
            .filter(x => x.in === 'path')
            .entries()) {
            p = p.replace(
              `{${parameter.name}}`,
              encodeURIComponent(pathValues[i] || 'x'),
            );
          }
          const query = new URLSearchParams(params).toString();
          const before = state();
          let req = request(server)
            [route.method](
              `/api/${route.plugin}${p}${query ? `?${query}` : ''}`,
            )
            .set('authorization', mockCredentials.user.header());
          if (body !== undefined) {
            req = req
              .set('content-type', 'application/json')
              .send(JSON.stringify(body));
          }
          const res = await req;
          if (res.status >= 500) return false;
          if (res.status >= 400) {
            tally.refused += 1;
            return state() === before;
          }
          tally.accepted += 1;
          return true;
        }),
        { numRuns: 1000, endOnFailure: true },
      );
    }
    recordTestFigures(
      `write routes: ${writes.length}, generated requests: ${
        1000 * writes.length
      }: ${tally.accepted} succeeded, ${
        tally.refused
      } refused with a 4xx and changed nothing, 0 answered 5xx`,
    );
    expect(tally.refused).toBeGreaterThan(0);
    expect(tally.accepted).toBeGreaterThan(0);
  });
});
