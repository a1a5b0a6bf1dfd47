import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { inferenceBillingPermissions } from '@internal/backstage-plugin-inference-billing-common';
import {
  inferenceModelsPermissions,
  inferenceModelUpdatePermission,
} from '@internal/backstage-plugin-inference-models-common';
import { bareMetalPermissions } from '@internal/backstage-plugin-bare-metal-common';
import {
  InferencePermissionPolicy,
  readRoleMembers,
} from './InferencePermissionPolicy';

const members = readRoleMembers(new ConfigReader({}));

const users: Record<string, string[]> = {
  admin: ['user:default/admin', 'group:default/inference-admins'],
  billing: ['user:default/billing', 'group:default/billing-admins'],
  sre: ['user:default/sre', 'group:default/sre'],
  member: ['user:default/member', 'group:default/guests'],
};

const policy = new InferencePermissionPolicy(
  members,
  async user => users[user.info.userEntityRef.split('/')[1]] ?? [],
);

async function decide(
  who: string,
  name: string,
  action?: 'read' | 'create' | 'update' | 'delete',
) {
  const permission = createPermission({
    name,
    attributes: action ? { action } : {},
  });
  const user =
    who === 'anonymous'
      ? undefined
      : {
          credentials: mockCredentials.user(`user:default/${who}`),
          info: {
            userEntityRef: `user:default/${who}`,
            ownershipEntityRefs: [],
          },
        };
  return (await policy.handle({ permission }, user)).result;
}

const { ALLOW, DENY } = AuthorizeResult;

describe('InferencePermissionPolicy', () => {
  // [permission, action, admin, billing, sre, member, anonymous]
  // (anonymous: a query without a user, from an unauthenticated caller)
  const matrix: Array<
    [
      string,
      'read' | 'create' | 'update' | 'delete' | undefined,
      ...AuthorizeResult[],
    ]
  > = [
    ['inference.model.read', 'read', ALLOW, ALLOW, ALLOW, ALLOW, ALLOW],
    ['inference.model.create', 'create', ALLOW, DENY, DENY, DENY, DENY],
    ['inference.model.delete', 'delete', ALLOW, DENY, DENY, DENY, DENY],
    ['inference.customer.read', 'read', ALLOW, ALLOW, ALLOW, ALLOW, ALLOW],
    ['inference.customer.manage', 'update', ALLOW, ALLOW, DENY, DENY, DENY],
    ['inference.customer.approve', undefined, ALLOW, ALLOW, DENY, DENY, DENY],
    ['inference.invoice.generate', 'create', ALLOW, ALLOW, DENY, DENY, DENY],
    ['baremetal.node.read', 'read', ALLOW, ALLOW, ALLOW, ALLOW, ALLOW],
    ['baremetal.node.provision', 'update', ALLOW, DENY, ALLOW, DENY, DENY],
    ['catalog.entity.read', 'read', ALLOW, ALLOW, ALLOW, ALLOW, ALLOW],
    // Backstage's own plugins.
    ['kubernetes.proxy', undefined, ALLOW, DENY, ALLOW, DENY, DENY],
    ['kubernetes.clusters.read', 'read', ALLOW, ALLOW, ALLOW, ALLOW, ALLOW],
    ['kubernetes.resources.read', 'read', ALLOW, ALLOW, ALLOW, ALLOW, ALLOW],
    ['catalog.entity.create', 'create', ALLOW, DENY, DENY, DENY, DENY],
    ['catalog.entity.delete', 'delete', ALLOW, DENY, DENY, DENY, DENY],
    ['catalog.entity.refresh', 'update', ALLOW, DENY, DENY, DENY, DENY],
    ['catalog.entity.validate', undefined, ALLOW, ALLOW, ALLOW, ALLOW, DENY],
    ['catalog.location.read', 'read', ALLOW, ALLOW, ALLOW, ALLOW, ALLOW],
    ['catalog.location.create', 'create', ALLOW, DENY, DENY, DENY, DENY],
    ['catalog.location.delete', 'delete', ALLOW, DENY, DENY, DENY, DENY],
    ['catalog.location.analyze', undefined, ALLOW, DENY, DENY, DENY, DENY],
    ['catalog.ingestion.manage', 'update', ALLOW, DENY, DENY, DENY, DENY],
    ['scaffolder.task.create', 'create', ALLOW, ALLOW, ALLOW, ALLOW, DENY],
    ['scaffolder.action.execute', undefined, ALLOW, ALLOW, ALLOW, ALLOW, DENY],
    ['scaffolder.task.read', 'read', ALLOW, ALLOW, ALLOW, ALLOW, ALLOW],
    ['scaffolder.template.dry-run', undefined, ALLOW, DENY, DENY, DENY, DENY],
    [
      'scaffolder.template.management',
      undefined,
      ...[ALLOW, DENY, DENY, DENY, DENY],
    ],
    // Permissions the policy does not know: reads open, the rest denied.
    ['someplugin.thing.read', 'read', ALLOW, ALLOW, ALLOW, ALLOW, ALLOW],
    ['someplugin.thing.delete', 'delete', DENY, DENY, DENY, DENY, DENY],
    ['someplugin.thing.run', undefined, DENY, DENY, DENY, DENY, DENY],
    ['constructor', undefined, DENY, DENY, DENY, DENY, DENY],
  ];

  it.each(matrix)(
    '%s (%s): admin, billing, sre, member, anonymous',
    async (name, action, ...expected) => {
      const principals = ['admin', 'billing', 'sre', 'member', 'anonymous'];
      const actual = await Promise.all(
        principals.map(who => decide(who, name, action)),
      );
      expect(actual).toEqual(expected);
    },
  );

  it('knows a role for every permission the inference plugins declare', () => {
    const all = [
      ...inferenceModelsPermissions,
      ...inferenceBillingPermissions,
      ...bareMetalPermissions,
    ];
    expect(all.length).toBeGreaterThan(0);
    for (const permission of all) {
      expect(permission.name).toMatch(
        /^(inference\.(model|customer|invoice|usage)|baremetal)\./,
      );
    }
  });

  it('lets everyone cancel their own scaffolder tasks, admins any task', async () => {
    const permission = createPermission({
      name: 'scaffolder.task.cancel',
      attributes: {},
      resourceType: 'scaffolder-task',
    });
    const user = (who: string) => ({
      credentials: mockCredentials.user(`user:default/${who}`),
      info: { userEntityRef: `user:default/${who}`, ownershipEntityRefs: [] },
    });
    expect((await policy.handle({ permission }, user('admin'))).result).toBe(
      ALLOW,
    );
    expect(await policy.handle({ permission }, user('billing'))).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'scaffolder',
      resourceType: 'scaffolder-task',
      conditions: {
        rule: 'IS_TASK_OWNER',
        resourceType: 'scaffolder-task',
        params: { createdBy: ['user:default/billing'] },
      },
    });
  });

  it('takes role members from config, case-insensitively', async () => {
    const custom = new InferencePermissionPolicy(
      readRoleMembers(
        new ConfigReader({
          inference: { roles: { sre: ['User:default/Mia'] } },
        }),
      ),
      async () => ['user:default/mia'],
    );
    const permission = createPermission({
      name: 'baremetal.node.provision',
      attributes: { action: 'update' },
    });
    const user = {
      credentials: mockCredentials.user('user:default/mia'),
      info: { userEntityRef: 'user:default/mia', ownershipEntityRefs: [] },
    };
    expect((await custom.handle({ permission }, user)).result).toBe(ALLOW);
  });
});

describe('InferencePermissionPolicy: roles held in some locations', () => {
  const scopedPolicy = new InferencePermissionPolicy(
    readRoleMembers(
      new ConfigReader({
        inference: {
          roles: {
            scoped: [
              {
                role: 'admin',
                members: ['group:default/pr-operators'],
                locations: ['pr'],
              },
              {
                role: 'sre',
                members: ['group:default/pr-operators'],
                locations: ['stalpeni'],
              },
            ],
          },
        },
      }),
    ),
    async () => ['user:default/ana', 'group:default/pr-operators'],
  );
  const ana = {
    credentials: mockCredentials.user('user:default/ana'),
    info: { userEntityRef: 'user:default/ana', ownershipEntityRefs: [] },
  };

  it('answers Model changes conditionally: allowed in their locations only', async () => {
    const decision = await scopedPolicy.handle(
      { permission: inferenceModelUpdatePermission },
      ana,
    );
    // Only the admin grant covers Model changes; the sre one does not.
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'inference-models',
      resourceType: 'inference-model',
      conditions: {
        rule: 'IS_IN_LOCATION',
        resourceType: 'inference-model',
        params: { locations: ['pr'] },
      },
    });
  });

  it('denies permissions without a location to scoped members', async () => {
    const billing = createPermission({
      name: 'inference.customer.manage',
      attributes: { action: 'update' },
    });
    expect(
      (await scopedPolicy.handle({ permission: billing }, ana)).result,
    ).toBe(DENY);
  });

  it('refuses a scoped role that does not exist, naming the key', () => {
    expect(() =>
      readRoleMembers(
        new ConfigReader({
          inference: {
            roles: {
              scoped: [{ role: 'root', members: [], locations: [] }],
            },
          },
        }),
      ),
    ).toThrow('inference.roles.scoped[0].role');
  });
});
