import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { inferenceLocationsServiceRef } from '@internal/backstage-plugin-inference-node';
import { createHelmInstallAction } from './actions/helmInstall';
import { createK3sInstallAction } from './actions/k3sInstall';
import { createNodeCordonActions } from './actions/nodeCordon';
import { readK3sSettings } from './k3s/settings';
import { Ssh2Connector } from './ssh/SshConnector';

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
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, locations, permissions, config }) {
        scaffolder.addActions(
          ...createNodeCordonActions({ locations, permissions }),
          createHelmInstallAction({ locations, permissions }),
          createK3sInstallAction({
            locations,
            permissions,
            settings: readK3sSettings(config),
            connector: new Ssh2Connector(),
          }),
        );
      },
    });
  },
});
