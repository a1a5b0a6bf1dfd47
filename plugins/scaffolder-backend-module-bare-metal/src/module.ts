import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { Ssh2Connector } from '@internal/backstage-plugin-inference-node';
import { inferenceLocationsServiceRef } from '@internal/backstage-plugin-inference-node';
import { createHelmInstallAction } from './actions/helmInstall';
import { createK3sInstallAction } from './actions/k3sInstall';
import { createNodeCordonAction } from './actions/nodeCordon';
import { createNodeUncordonAction } from './actions/nodeUncordon';
import { readK3sSettings } from './k3s/settings';

/**
 * Scaffolder actions of bare-metal servers: `baremetal:node:cordon`,
 * `baremetal:node:uncordon` and `baremetal:helm:install` reach a location's
 * cluster through inference-node's KubeAiClient; `baremetal:k3s:install`
 * reaches its configured servers over SSH (settings: `inference.bareMetal.k3s`,
 * see config.d.ts). Each checks `baremetal.node.provision`.
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
          createNodeCordonAction({ locations, permissions }),
          createNodeUncordonAction({ locations, permissions }),
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
