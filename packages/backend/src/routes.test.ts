/*
 * Every route of every inference plugin, enumerated from its OpenAPI spec:
 * 401 without credentials (except the documented public ones), 403 when the
 * policy denies, 400 for malformed input. Prints the counts.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import fc from 'fast-check';
import request from 'supertest';
import bareMetalPlugin from '@internal/backstage-plugin-bare-metal-backend';
import inferenceBillingPlugin from '@internal/backstage-plugin-inference-billing-backend';
import inferenceModelsPlugin from '@internal/backstage-plugin-inference-models-backend';

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
  requestBody?: { required?: boolean };
};

const PLUGINS = ['inference-models', 'inference-billing', 'bare-metal'];
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
// eslint-disable-next-line no-restricted-syntax -- test reads the repo's specs
const root = path.resolve(__dirname, '../../..');

interface Route {
  plugin: string;
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
    ) as { paths: Record<string, Record<string, Operation>> };
    return Object.entries(spec.paths).flatMap(([p, item]) =>
      METHODS.filter(m => item[m]).map(method => ({
        plugin,
        method,
        path: p,
        operation: item[method],
        isPublic: (item[method].security ?? []).some(
          s => Object.keys(s).length === 0,
        ),
      })),
    );
  });
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
    // eslint-disable-next-line no-console
    console.log(
      `routes checked: ${counts.routes} (public ${counts.public}); 401 checks: ${counts.unauthenticated}; 403 checks: ${counts.forbidden}; 400 checks: ${counts.malformed}; generated inputs: ${counts.generated}`,
    );
  });

  async function backend(deny: boolean) {
    const { server } = await startTestBackend({
      features: [
        inferenceModelsPlugin,
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
        { numRuns: 1000 },
      );
    }
    expect(counts.generated).toBe(
      1000 * all.filter(r => r.method === 'get').length,
    );
  });
});
