import { useApi } from '@backstage/frontend-plugin-api';
import { Text } from '@backstage/ui';
import { LocationListPage } from '@internal/backstage-plugin-inference-react';
import { inferenceModelsApiRef } from '../../api';
import { ModelsTable } from './ModelsTable';

export const ModelsPage = () => {
  const api = useApi(inferenceModelsApiRef);
  return (
    <LocationListPage
      load={offset =>
        api.listModels({ query: { limit: 1000, ...(offset && { offset }) } })
      }
      deps={[api]}
    >
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
};
