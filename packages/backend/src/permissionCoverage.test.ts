/*
 * The portal's policy decides every permission the backend's plugins
 * register, Backstage's own included: enumerated from a running backend
 * (each plugin's permission metadata, as the permission framework's
 * tooling reads it), decided for each kind of user, and exercised on the
 * mutating routes of the catalog and the scaffolder through the real
 * permission plugin. The Kubernetes proxy has kubernetesProxy.test.ts.
 * Prints the counts.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import bareMetalPlugin from '@internal/backstage-plugin-bare-metal-backend';
import inferenceBillingPlugin from '@internal/backstage-plugin-inference-billing-backend';
import inferenceModelsPlugin from '@internal/backstage-plugin-inference-models-backend';
import {
  recordTestFigures,
  startSandbox,
  type Sandbox,
} from '@internal/test-emulators';
import request from 'supertest';
import { policyUsers, startPolicyBackend } from './__testUtils__/policyBackend';
import {
  BACKSTAGE_PERMISSIONS,
  DEFAULT_ROLE_MEMBERS,
  InferencePermissionPolicy,
  rolesFor,
} from '@internal/backstage-plugin-permission-backend-module-inference-policy';

jest.setTimeout(180_000);

/** Plugins of the portal's backend that register permissions. */
const PLUGINS = [
  'catalog',
  'scaffolder',
  'kubernetes',
  'inference-models',
  'inference-billing',
  'bare-metal',
];

/** `anonymous`: a query without a user, as an unauthenticated caller's. */
type Who = keyof typeof policyUsers | 'anonymous';
const WHO: Who[] = ['admin', 'billing', 'sre', 'member', 'anonymous'];

const groups: Record<string, string[]> = {
  [policyUsers.admin]: DEFAULT_ROLE_MEMBERS.admin,
  [policyUsers.billing]: DEFAULT_ROLE_MEMBERS.billing,
  [policyUsers.sre]: DEFAULT_ROLE_MEMBERS.sre,
  [policyUsers.member]: ['group:default/guests'],
};
const policy = new InferencePermissionPolicy(
  DEFAULT_ROLE_MEMBERS,
  async user => groups[user.info.userEntityRef] ?? [],
);

async function decide(who: Who, permission: any) {
  if (who === 'anonymous') {
    return (await policy.handle({ permission })).result;
  }
  const ref = policyUsers[who];
  return (
    await policy.handle(
      { permission },
      {
        credentials: mockCredentials.user(ref),
        info: { userEntityRef: ref, ownershipEntityRefs: [] },
      },
    )
  ).result;
}

describe('every permission of every plugin', () => {
  let sandbox: Sandbox;
  let server: Parameters<typeof request>[0];
  const counts = {
    permissions: 0,
    backstage: 0,
    decisions: 0,
    routes: 0,
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
    ({ server } = await startPolicyBackend({
      features: [
        catalogPlugin,
        scaffolderPlugin,
        kubernetesPlugin,
        inferenceModelsPlugin,
        inferenceBillingPlugin,
        bareMetalPlugin,
      ],
      config: sandbox.config,
    }));
  });
  afterAll(async () => {
    await sandbox?.close();
    recordTestFigures(
      `permissions registered: ${counts.permissions} (Backstage's own ${counts.backstage}); policy decisions checked: ${counts.decisions}; Backstage routes checked: ${counts.routes}`,
    );
  });

  async function registered() {
    const all = [];
    for (const plugin of PLUGINS) {
      const res = await request(server)
        .get(`/api/${plugin}/.well-known/backstage/permissions/metadata`)
        .set('authorization', mockCredentials.service.header());
      expect([plugin, res.status]).toEqual([plugin, 200]);
      expect(res.body.permissions.length).toBeGreaterThan(0);
      all.push(...res.body.permissions);
    }
    return all;
  }

  it('names every registered permission, and decides each for every kind of user', async () => {
    const permissions = await registered();
    counts.permissions = permissions.length;
    const unnamed = permissions
      .map(p => p.name)
      .filter(name => !rolesFor(name) && !(name in BACKSTAGE_PERMISSIONS));
    expect(unnamed).toEqual([]);
    // The table names nothing the plugins do not register.
    const names = new Set(permissions.map(p => p.name));
    expect(
      Object.keys(BACKSTAGE_PERMISSIONS).filter(name => !names.has(name)),
    ).toEqual([]);
    counts.backstage = permissions.filter(p => !rolesFor(p.name)).length;

    // Admins may do everything, reads are open to all, and an
    // unauthenticated caller may do nothing else.
    const wrong: string[] = [];
    for (const permission of permissions) {
      const decisions = await Promise.all(WHO.map(w => decide(w, permission)));
      counts.decisions += decisions.length;
      const isRead = permission.attributes.action === 'read';
      WHO.forEach((who, i) => {
        let expected = decisions[i];
        if (who === 'anonymous') expected = AuthorizeResult.DENY;
        if (isRead || who === 'admin') expected = AuthorizeResult.ALLOW;
        if (decisions[i] !== expected) {
          wrong.push(`${permission.name} to ${who}: ${decisions[i]}`);
        }
      });
    }
    expect(wrong).toEqual([]);
  });

  it("lets only sre and admin use the Kubernetes proxy, everyone read the Kubernetes tab's views", async () => {
    const permissions = await registered();
    const byName = (name: string) => permissions.find(p => p.name === name);
    expect(
      await Promise.all(WHO.map(w => decide(w, byName('kubernetes.proxy')))),
    ).toEqual(['ALLOW', 'DENY', 'ALLOW', 'DENY', 'DENY']);
    for (const name of [
      'kubernetes.clusters.read',
      'kubernetes.resources.read',
    ]) {
      expect(await Promise.all(WHO.map(w => decide(w, byName(name))))).toEqual(
        WHO.map(() => 'ALLOW'),
      );
    }
  });

  it('answers an unauthenticated caller of the permission plugin: reads only', async () => {
    const ask = (name: string, action?: string) =>
      request(server)
        .post('/api/permission/authorize')
        .send({
          items: [
            {
              id: '1',
              permission: {
                type: 'basic',
                name,
                attributes: action ? { action } : {},
              },
            },
          ],
        });
    const proxy = await ask('kubernetes.proxy');
    expect([proxy.status, proxy.body.items?.[0]?.result]).toEqual([
      200,
      'DENY',
    ]);
    const read = await ask('kubernetes.clusters.read', 'read');
    expect([read.status, read.body.items?.[0]?.result]).toEqual([200, 'ALLOW']);
  });

  // [permission, method, path, body]
  const routes: Array<[string, 'post' | 'delete', string, object | null]> = [
    [
      'catalog.location.create',
      'post',
      '/api/catalog/locations?dryRun=true',
      { type: 'url', target: 'https://example.com/catalog-info.yaml' },
    ],
    ['catalog.location.delete', 'delete', '/api/catalog/locations/x', null],
    [
      'catalog.entity.delete',
      'delete',
      '/api/catalog/entities/by-uid/00000000-0000-4000-8000-000000000000',
      null,
    ],
    [
      'catalog.entity.refresh',
      'post',
      '/api/catalog/refresh',
      { entityRef: 'resource:local/qwen25-05b-instruct' },
    ],
    [
      'catalog.location.analyze',
      'post',
      '/api/catalog/analyze-location',
      { location: { type: 'url', target: 'https://example.com/x.yaml' } },
    ],
    [
      'scaffolder.template.dry-run',
      'post',
      '/api/scaffolder/v2/dry-run',
      {
        template: {
          apiVersion: 'scaffolder.backstage.io/v1beta3',
          kind: 'Template',
          metadata: { name: 'x' },
          spec: { steps: [] },
        },
        values: {},
        directoryContents: [],
      },
    ],
  ];

  it.each(routes)(
    '%s: 403 for users who are not admins, allowed for admins',
    async (_name, method, path, body) => {
      for (const who of ['billing', 'sre', 'member'] as const) {
        counts.routes += 1;
        let req = request(server)
          [method](path)
          .set('authorization', mockCredentials.user.header(policyUsers[who]));
        if (body) req = req.send(body);
        const res = await req;
        expect([who, res.status]).toEqual([who, 403]);
      }
      counts.routes += 1;
      let req = request(server)
        [method](path)
        .set('authorization', mockCredentials.user.header(policyUsers.admin));
      if (body) req = req.send(body);
      const res = await req;
      expect(res.status).not.toBe(403);
    },
  );

  it("lets every signed-in user validate entities and start templates, the templates' actions deciding", async () => {
    for (const who of Object.values(policyUsers)) {
      counts.routes += 2;
      const validate = await request(server)
        .post('/api/catalog/validate-entity')
        .set('authorization', mockCredentials.user.header(who))
        .send({
          location: 'url:https://example.com/x.yaml',
          entity: {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: { name: 'x' },
            spec: { type: 'service', owner: 'x', lifecycle: 'x' },
          },
        });
      expect([who, validate.status]).toEqual([who, 200]);
      // No such template: the permission passed, the catalog answers.
      const task = await request(server)
        .post('/api/scaffolder/v2/tasks')
        .set('authorization', mockCredentials.user.header(who))
        .send({ templateRef: 'template:default/none', values: {} });
      expect([who, task.status, task.body.error?.name]).toEqual([
        who,
        404,
        'NotFoundError',
      ]);
    }
  });
});
