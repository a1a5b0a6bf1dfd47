/*
 * A backend with the scaffolder, the billing plugin and its onboarding
 * actions, in a process of its own so that a test can kill it (SIGKILL) as
 * a crash would. Reads its config (JSON) from ONBOARDING_BACKEND_CONFIG and
 * the template entity from ONBOARDING_BACKEND_TEMPLATE; prints
 * `PORT <port>` once it serves.
 */
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import inferenceBillingPlugin from '@internal/backstage-plugin-inference-billing-backend';
import scaffolderModuleInferenceBilling from '@internal/backstage-plugin-scaffolder-backend-module-inference-billing';
import type { AddressInfo } from 'node:net';

export async function startOnboardingBackend(config: object, template: object) {
  return startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModuleInferenceBilling,
      inferenceBillingPlugin,
      catalogServiceMock.factory({ entities: [template as any] }),
      mockServices.rootConfig.factory({ data: config as any }),
      databaseServiceFactory,
    ],
  });
}

if (process.env.ONBOARDING_BACKEND_CONFIG) {
  startOnboardingBackend(
    JSON.parse(process.env.ONBOARDING_BACKEND_CONFIG),
    JSON.parse(process.env.ONBOARDING_BACKEND_TEMPLATE!),
  ).then(
    ({ server }) => {
      process.stdout.write(`PORT ${(server.address() as AddressInfo).port}\n`);
    },
    error => {
      process.stderr.write(`${error?.stack ?? error}\n`);
      process.exit(1);
    },
  );
}
