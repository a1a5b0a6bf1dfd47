import { Text } from '@backstage/ui';
import type { ModelListResponse } from '@internal/backstage-plugin-inference-models-common';
import { LocationListPage } from '@internal/backstage-plugin-inference-react';
import { ModelsTable } from './ModelsTable';

export const ModelsPage = () => (
  <LocationListPage<ModelListResponse> path="plugin://inference-models/models?limit=1000">
    {value => (
      <>
        <Text as="p" variant="body-medium">
          {value.items.length} models in{' '}
          {new Set(value.items.map(m => m.location)).size} location(s)
        </Text>
        <ModelsTable models={value.items} />
      </>
    )}
  </LocationListPage>
);
