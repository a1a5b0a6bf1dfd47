import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { inferenceLocationsServiceRef } from '@internal/backstage-plugin-inference-node';
import { createHelmInstallAction } from './actions/helmInstall';
import { createNodeCordonActions } from './actions/nodeCordon';

/**
 * Scaffolder actions of the bare-metal plugin.
 *
 * @public
 */
export const scaffolderModuleBareMetal = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'bare-metal',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        locations: inferenceLocationsServiceRef,
        permissions: coreServices.permissions,
      },
      async init({ scaffolder, locations, permissions }) {
        scaffolder.addActions(
          ...createNodeCordonActions({ locations, permissions }),
          createHelmInstallAction({ locations, permissions }),
        );
      },
    });
  },
});
