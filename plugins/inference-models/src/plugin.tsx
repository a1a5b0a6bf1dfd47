import type { Entity } from '@backstage/catalog-model';
import {
  coreExtensionData,
  createExtensionInput,
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { RiRobot2Line } from '@remixicon/react';
import {
  LOCATION_ENTITY_TYPE,
  MODEL_ENTITY_TYPE,
} from '@internal/backstage-plugin-inference-models-common';
import {
  listPagePrefetcher,
  preloadPageIfOpenedAt,
} from '@internal/backstage-plugin-inference-react';
import { inferenceModelsApi, inferenceModelsApiRef } from './api';
import {
  MODEL_FILTERS,
  MODELS_LIST,
  modelsLoader,
} from './components/ModelsPage/modelsList';
import { rootRouteRef } from './routes';
import {
  inferenceLocationPickerField,
  modelPricePreviewField,
  resourceProfilePickerField,
} from './fields';

const MODELS_PATH = '/inference/models';
const loadModelsPage = () => import('./components/ModelsPage');
preloadPageIfOpenedAt(MODELS_PATH, loadModelsPage);

/**
 * The Models page. Its first page of Models is asked for early: when the
 * app was opened on the page, as soon as the app exists (the request waits
 * for the sign-in, then goes while the app renders its shell); otherwise
 * when the route starts loading the page. The table takes that answer
 * instead of asking after its first render.
 */
export const modelsPage = PageBlueprint.makeWithOverrides({
  factory(originalFactory, { apis }) {
    const prefetch = listPagePrefetcher({
      path: MODELS_PATH,
      list: MODELS_LIST,
      filters: MODEL_FILTERS,
      api: () => apis.get(inferenceModelsApiRef),
      loader: modelsLoader,
    });
    prefetch();
    return originalFactory({
      path: MODELS_PATH,
      title: 'Models',
      routeRef: rootRouteRef,
      loader: () => {
        prefetch();
        return loadModelsPage().then(m => <m.ModelsPage />);
      },
    });
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

const isLocationEntity = (entity: Entity) =>
  entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
  entity.spec?.type === LOCATION_ENTITY_TYPE;

/**
 * The "Location" tab of a location's cluster entity (`kubernetes-cluster`):
 * its gateway and cluster, its Models, then the cards other plugins attach
 * to its `cards` input (`entity-content:inference-models/location`), such as
 * the bare-metal plugin's servers, so one tab shows the whole location
 * without this plugin depending on theirs.
 */
export const locationEntityContent = EntityContentBlueprint.makeWithOverrides({
  name: 'location',
  inputs: {
    cards: createExtensionInput([
      coreExtensionData.reactElement,
      EntityCardBlueprint.dataRefs.filterFunction.optional(),
    ]),
  },
  factory: (originalFactory, { inputs }) =>
    originalFactory({
      path: '/location',
      title: 'Location',
      filter: isLocationEntity,
      loader: async () => {
        const { LocationEntityContent } = await import(
          './components/LocationEntityContent'
        );
        const cards = inputs.cards.map(card => ({
          element: card.get(coreExtensionData.reactElement),
          filter: card.get(EntityCardBlueprint.dataRefs.filterFunction),
        }));
        return <LocationEntityContent cards={cards} />;
      },
    }),
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
    locationEntityContent,
    inferenceLocationPickerField,
    resourceProfilePickerField,
    modelPricePreviewField,
  ],
  routes: {
    root: rootRouteRef,
  },
});
