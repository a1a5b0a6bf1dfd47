import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  InferencePermissionPolicy,
  readRoleMembers,
} from './InferencePermissionPolicy';

/** Installs the portal's role-based permission policy. */
export const permissionModuleInferencePolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'inference-policy',
  register(env) {
    env.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, config, userInfo }) {
        policy.setPolicy(
          new InferencePermissionPolicy(
            readRoleMembers(config),
            async user =>
              (await userInfo.getUserInfo(user.credentials))
                .ownershipEntityRefs,
          ),
        );
      },
    });
  },
});
