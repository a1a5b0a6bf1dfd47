import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { RiRobot2Line } from '@remixicon/react';
import { rootRouteRef } from './routes';

export const modelsPage = PageBlueprint.make({
  params: {
    path: '/inference/models',
    title: 'Models',
    routeRef: rootRouteRef,
    loader: () => import('./components/ModelsPage').then(m => <m.ModelsPage />),
  },
});

/** The model catalogue: KubeAI Models of every location. */
export const inferenceModelsPlugin = createFrontendPlugin({
  pluginId: 'inference-models',
  title: 'Models',
  icon: <RiRobot2Line />,
  extensions: [modelsPage],
  routes: {
    root: rootRouteRef,
  },
});
