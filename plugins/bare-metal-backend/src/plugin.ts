import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { bareMetalPermissions } from '@internal/backstage-plugin-bare-metal-common';
import { inferenceLocationsServiceRef } from '@internal/backstage-plugin-inference-node';
import { registerListNodesAction } from './actions/listNodesAction';
import { createRouter } from './router';
import { readSshFactsSettings } from './k3s/settings';
import { ServerService } from './services/ServerService';
import { SshFactsService } from './services/SshFactsService';
import { Ssh2Connector } from './ssh/SshConnector';

/**
 * The bare-metal backend plugin: servers, GPUs, K3s and Helm installation.
 *
 * @public
 */
export const bareMetalPlugin = createBackendPlugin({
  pluginId: 'bare-metal',
  register(env) {
    env.registerInit({
      deps: {
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        locations: inferenceLocationsServiceRef,
        config: coreServices.rootConfig,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init({
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        locations,
        config,
        actionsRegistry,
      }) {
        permissionsRegistry.addPermissions(bareMetalPermissions);
        const servers = new ServerService(
          locations,
          new SshFactsService(
            locations,
            readSshFactsSettings(config),
            new Ssh2Connector(),
          ),
        );
        registerListNodesAction({ actionsRegistry, permissions, servers });
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            servers,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
