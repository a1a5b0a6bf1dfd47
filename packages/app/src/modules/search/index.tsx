/*
 * Search across locations: the inference document types as result-type
 * filters, a location filter (documents carry `inferenceLocation`), and a
 * result item that shows each document's location.
 */
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import {
  SearchFilterBlueprint,
  SearchFilterResultTypeBlueprint,
  SearchResultListItemBlueprint,
} from '@backstage/plugin-search-react/alpha';
import { RiBankCardLine, RiRobot2Line, RiServerLine } from '@remixicon/react';
import { INFERENCE_RESULT_TYPES } from './types';
import { LocationSearchFilter } from './LocationSearchFilter';

const icons: Record<string, JSX.Element> = {
  'inference-model': <RiRobot2Line />,
  'inference-customer': <RiBankCardLine />,
  'bare-metal-server': <RiServerLine />,
};

const resultTypes = INFERENCE_RESULT_TYPES.map(type =>
  SearchFilterResultTypeBlueprint.make({
    name: type.value,
    params: { value: type.value, name: type.name, icon: icons[type.value] },
  }),
);

const locationFilter = SearchFilterBlueprint.make({
  name: 'inference-location',
  params: {
    component: props => <LocationSearchFilter className={props.className} />,
  },
});

const resultItem = SearchResultListItemBlueprint.make({
  name: 'inference',
  params: {
    predicate: result =>
      INFERENCE_RESULT_TYPES.some(t => t.value === result.type),
    component: () =>
      import('./InferenceResultListItem').then(m => m.InferenceResultListItem),
  },
});

export const searchModule = createFrontendModule({
  pluginId: 'search',
  extensions: [...resultTypes, locationFilter, resultItem],
});
