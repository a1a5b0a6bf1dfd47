import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { bareMetalPermissions } from '@internal/backstage-plugin-bare-metal-common';
import { inferenceLocationsServiceRef } from '@internal/backstage-plugin-inference-node';
import { registerListNodesAction } from './actions/listNodesAction';
import { createRouter } from './router';
import { ServerService } from './services/ServerService';
import { readSshFactsSettings } from './services/sshFactsSettings';
import { SshFactsService } from './services/SshFactsService';
import { Ssh2Connector } from '@internal/backstage-plugin-inference-node';

/**
 * The bare-metal backend plugin: `GET /nodes` (the servers of every
 * location joined with their live Nodes, GPUs and SSH facts) and the MCP
 * action `list-nodes`. The catalog, scaffolder and search modules of the
 * bare-metal family are packages of their own.
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
        const servers = new ServerService({
          locations,
          facts: new SshFactsService({
            locations,
            settings: readSshFactsSettings(config),
            connector: new Ssh2Connector(),
          }),
        });
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
