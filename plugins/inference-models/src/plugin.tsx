import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { RiRobot2Line } from '@remixicon/react';
import { MODEL_ENTITY_TYPE } from '@internal/backstage-plugin-inference-models-common';
import { inferenceModelsApi } from './api';
import { rootRouteRef } from './routes';
import {
  inferenceLocationPickerField,
  modelPricePreviewField,
  resourceProfilePickerField,
} from './fields';

export const modelsPage = PageBlueprint.make({
  params: {
    path: '/inference/models',
    title: 'Models',
    routeRef: rootRouteRef,
    loader: () => import('./components/ModelsPage').then(m => <m.ModelsPage />),
  },
});

/** The "Model" tab of `ai-model` entities: overview, prices, listing, curl. */
export const modelEntityContent = EntityContentBlueprint.make({
  params: {
    path: '/model',
    title: 'Model',
    filter: entity =>
      entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
      entity.spec?.type === MODEL_ENTITY_TYPE,
    loader: () =>
      import('./components/ModelEntityContent').then(m => (
        <m.ModelEntityContent />
      )),
  },
});

/** The model catalogue: KubeAI Models of every location. */
export const inferenceModelsPlugin = createFrontendPlugin({
  pluginId: 'inference-models',
  title: 'Models',
  icon: <RiRobot2Line />,
  extensions: [
    inferenceModelsApi,
    modelsPage,
    modelEntityContent,
    inferenceLocationPickerField,
    resourceProfilePickerField,
    modelPricePreviewField,
  ],
  routes: {
    root: rootRouteRef,
  },
});
