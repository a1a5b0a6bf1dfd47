import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { RiServerLine } from '@remixicon/react';
import { rootRouteRef } from './routes';

export const nodesPage = PageBlueprint.make({
  params: {
    path: '/inference/nodes',
    title: 'Servers',
    routeRef: rootRouteRef,
    loader: () => import('./components/NodesPage').then(m => <m.NodesPage />),
  },
});

/** Bare-metal servers and GPUs of every location. */
export const bareMetalPlugin = createFrontendPlugin({
  pluginId: 'bare-metal',
  title: 'Servers',
  icon: <RiServerLine />,
  extensions: [nodesPage],
  routes: {
    root: rootRouteRef,
  },
});
