import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { BillingApiClient } from './BillingApiClient';
import { createOnboardingActions } from './actions/onboardingActions';

/**
 * Scaffolder actions of customer onboarding (the onboard-customer template):
 * `inference:customer:requestOnboarding`, `inference:approval:await` and
 * `inference:customer:provision`. They reach the billing plugin's data only
 * through its `/onboarding` API, with plugin request tokens.
 *
 * @public
 */
export const scaffolderModuleInferenceBilling = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'inference-billing',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        permissions: coreServices.permissions,
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, auth, discovery, permissions, config }) {
        scaffolder.addActions(
          ...createOnboardingActions({
            api: new BillingApiClient({ auth, discovery }),
            permissions,
            pollSeconds: config.getOptionalNumber(
              'inference.billing.onboarding.approvalPollSeconds',
            ),
          }),
        );
      },
    });
  },
});
