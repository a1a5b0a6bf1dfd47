/*
 * A test backend whose permission decisions are the portal's: the real
 * permission plugin with InferencePermissionPolicy, the real permissions
 * service (plugins ask the permission plugin over HTTP), and users whose
 * groups are given here, as the catalog would give them.
 */
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  coreServices,
  createServiceFactory,
  type AuthService,
  type BackendFeature,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { kubernetesModuleTabReads } from '../kubernetes/tabReadsModule';
import permissionModuleInferencePolicy from '@internal/backstage-plugin-permission-backend-module-inference-policy';

/** The portal's users in tests, by role, with the groups of catalog/org.yaml. */
export const policyUsers = {
  admin: 'user:default/ada',
  billing: 'user:default/bill',
  sre: 'user:default/sam',
  member: 'user:default/mel',
} as const;

const groupsOf: Record<string, string[]> = {
  [policyUsers.admin]: ['group:default/inference-admins'],
  [policyUsers.billing]: ['group:default/billing-admins'],
  [policyUsers.sre]: ['group:default/sre'],
  [policyUsers.member]: ['group:default/guests'],
};

const userInfoFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: any) {
      const ref: string = credentials.principal.userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(groupsOf[ref] ?? [])],
      };
    },
  }),
});

/**
 * The mock auth service, except that a plugin's token on behalf of a user
 * names the plugin as actor, as Backstage's real on-behalf-of tokens do:
 * the permission plugin refuses resource permissions without a resource
 * ref to a user's own token, but not to a plugin acting for the user.
 */
const authFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): AuthService {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    return {
      authenticate: (token, options) => auth.authenticate(token, options),
      getNoneCredentials: () => auth.getNoneCredentials(),
      getOwnServiceCredentials: () => auth.getOwnServiceCredentials(),
      isPrincipal: auth.isPrincipal.bind(auth) as AuthService['isPrincipal'],
      getLimitedUserToken: credentials => auth.getLimitedUserToken(credentials),
      listPublicServiceKeys: () => auth.listPublicServiceKeys(),
      async getPluginRequestToken(options) {
        const principal = options.onBehalfOf.principal as {
          type: string;
          userEntityRef?: string;
        };
        if (principal.type === 'user' && principal.userEntityRef) {
          return {
            token: mockCredentials.user.token(principal.userEntityRef, {
              actor: { subject: `plugin:${plugin.getId()}` },
            }),
          };
        }
        return auth.getPluginRequestToken(options);
      },
    };
  },
});

export async function startPolicyBackend(options: {
  features: Array<BackendFeature | Promise<{ default: BackendFeature }>>;
  config: Record<string, unknown>;
}) {
  return startTestBackend({
    features: [
      permissionPlugin,
      permissionModuleInferencePolicy,
      permissionsServiceFactory,
      userInfoFactory,
      authFactory,
      mockServices.rootConfig.factory({
        data: { ...options.config, permission: { enabled: true } } as any,
      }),
      ...options.features,
    ],
  });
}

/*
 * Run as a script (`node --import tsx policyBackend.ts`) with
 * POLICY_BACKEND_CONFIG (JSON) and POLICY_BACKEND_ENTITIES (JSON array of
 * catalog entities): the Kubernetes plugin under the portal's policy, in a
 * process of its own, since its proxy loads http-proxy-middleware with a
 * dynamic import that jest's module loader refuses, with the portal's
 * module for the tab's pod logs and events. Prints `PORT <port>`.
 */
if (process.env.POLICY_BACKEND_CONFIG) {
  Promise.all([
    import('@backstage/plugin-kubernetes-backend'),
    import('@backstage/plugin-catalog-node/testUtils'),
  ])
    .then(([kubernetes, catalog]) =>
      startPolicyBackend({
        features: [
          kubernetes.default,
          kubernetesModuleTabReads,
          catalog.catalogServiceMock.factory({
            entities: JSON.parse(process.env.POLICY_BACKEND_ENTITIES ?? '[]'),
          }),
        ],
        config: JSON.parse(process.env.POLICY_BACKEND_CONFIG!),
      }),
    )
    .then(
      ({ server }) => {
        const address = server.address() as { port: number };
        process.stdout.write(`PORT ${address.port}\n`);
      },
      error => {
        process.stderr.write(`${error?.stack ?? error}\n`);
        process.exit(1);
      },
    );
}
