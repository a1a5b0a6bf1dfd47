import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { RiServerLine } from '@remixicon/react';
import { bareMetalApi } from './api';
import { rootRouteRef } from './routes';

export const nodesPage = PageBlueprint.make({
  params: {
    path: '/inference/nodes',
    title: 'Servers',
    routeRef: rootRouteRef,
    loader: () => import('./components/NodesPage').then(m => <m.NodesPage />),
  },
});

/** Catalog `spec.type` of the server entities (see bare-metal-backend). */
export const SERVER_ENTITY_TYPE = 'bare-metal-server';

/** The "Server" tab of `bare-metal-server` entities: the live Node. */
export const serverEntityContent = EntityContentBlueprint.make({
  params: {
    path: '/server',
    title: 'Server',
    filter: entity =>
      entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
      entity.spec?.type === SERVER_ENTITY_TYPE,
    loader: () =>
      import('./components/ServerEntityContent').then(m => (
        <m.ServerEntityContent />
      )),
  },
});

/** Bare-metal servers and GPUs of every location. */
export const bareMetalPlugin = createFrontendPlugin({
  pluginId: 'bare-metal',
  title: 'Servers',
  icon: <RiServerLine />,
  extensions: [bareMetalApi, nodesPage, serverEntityContent],
  routes: {
    root: rootRouteRef,
  },
});
