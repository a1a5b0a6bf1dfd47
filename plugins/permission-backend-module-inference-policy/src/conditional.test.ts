/*
 * A role held in one location, end to end: the policy answers Model changes
 * conditionally (IS_IN_LOCATION), and the inference-models plugin applies
 * that decision to Models' resource refs (`<location>/<name>`) exactly as
 * Backstage's permission backend asks it to (POST apply-conditions with the
 * decision and the resource ref).
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import inferenceModelsPlugin from '@internal/backstage-plugin-inference-models-backend';
import {
  inferenceModelCreatePermission,
  inferenceModelDeletePermission,
  inferenceModelUpdatePermission,
  modelPermissionRef,
} from '@internal/backstage-plugin-inference-models-common';
import request from 'supertest';
import {
  InferencePermissionPolicy,
  readRoleMembers,
} from './InferencePermissionPolicy';

const location = (name: string) => ({
  name,
  domain: `${name}.example.com`,
  countryCode: 'RO',
  cluster: name,
  bifrost: { baseUrl: 'http://127.0.0.1:1' },
});

const config = {
  inference: {
    roles: {
      // user:default/ana holds admin in pr only.
      scoped: [
        { role: 'admin', members: ['user:default/ana'], locations: ['pr'] },
      ],
    },
    locations: [location('pr'), location('stalpeni')],
  },
  kubernetes: {
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: ['pr', 'stalpeni'].map(name => ({
          name,
          url: 'http://127.0.0.1:1',
          authProvider: 'serviceAccount',
          serviceAccountToken: 'unused',
        })),
      },
    ],
  },
};

describe('conditional decisions for Model changes', () => {
  it('allows a location-scoped admin in that location only', async () => {
    const { server } = await startTestBackend({
      features: [
        inferenceModelsPlugin,
        mockServices.rootConfig.factory({ data: config }),
      ],
    });
    const policy = new InferencePermissionPolicy(
      readRoleMembers(new ConfigReader(config)),
      async user => [user.info.userEntityRef],
    );
    const user = (ref: string) => ({
      credentials: mockCredentials.user(ref),
      info: { userEntityRef: ref, ownershipEntityRefs: [] },
    });

    // What the permission backend does with a conditional decision.
    const decide = async (
      who: string,
      permission: typeof inferenceModelUpdatePermission,
      resourceRef: string,
    ) => {
      const decision = await policy.handle({ permission }, user(who));
      if (decision.result !== AuthorizeResult.CONDITIONAL) {
        return decision.result;
      }
      const res = await request(server)
        .post(
          `/api/${decision.pluginId}/.well-known/backstage/permissions/apply-conditions`,
        )
        .set('authorization', mockCredentials.service.header())
        .send({ items: [{ id: '1', resourceRef, ...decision }] });
      expect(res.status).toBe(200);
      return res.body.items[0].result;
    };

    const ana = 'user:default/ana';
    expect(
      await Promise.all([
        decide(
          ana,
          inferenceModelCreatePermission,
          modelPermissionRef('pr', 'qwen'),
        ),
        decide(
          ana,
          inferenceModelUpdatePermission,
          modelPermissionRef('pr', 'qwen'),
        ),
        decide(
          ana,
          inferenceModelDeletePermission,
          modelPermissionRef('pr', 'qwen'),
        ),
        decide(
          ana,
          inferenceModelUpdatePermission,
          modelPermissionRef('stalpeni', 'qwen'),
        ),
        decide(
          ana,
          inferenceModelDeletePermission,
          modelPermissionRef('stalpeni', 'qwen'),
        ),
        decide(
          'user:default/bob',
          inferenceModelUpdatePermission,
          modelPermissionRef('pr', 'qwen'),
        ),
      ]),
    ).toEqual([
      AuthorizeResult.ALLOW,
      AuthorizeResult.ALLOW,
      AuthorizeResult.ALLOW,
      AuthorizeResult.DENY,
      AuthorizeResult.DENY,
      AuthorizeResult.DENY,
    ]);

    // The plugin publishes the rule the policy relies on.
    const metadata = await request(server)
      .get('/api/inference-models/.well-known/backstage/permissions/metadata')
      .set('authorization', mockCredentials.service.header());
    expect(metadata.body.rules).toEqual([
      expect.objectContaining({
        name: 'IS_IN_LOCATION',
        resourceType: 'inference-model',
      }),
    ]);
    // A malformed resource ref is refused, not allowed.
    const bad = await request(server)
      .post(
        '/api/inference-models/.well-known/backstage/permissions/apply-conditions',
      )
      .set('authorization', mockCredentials.service.header())
      .send({
        items: [
          {
            id: '1',
            resourceRef: 'pr/../stalpeni',
            ...(await policy.handle(
              { permission: inferenceModelUpdatePermission },
              user(ana),
            )),
          },
        ],
      });
    expect(bad.status).toBe(400);
  });
});
