import { useApi } from '@backstage/frontend-plugin-api';
import { SearchFilter } from '@backstage/plugin-search-react';
import { inferenceModelsApiRef } from '@internal/backstage-plugin-inference-models';
import { useCallback } from 'react';

/**
 * Filters results by location (the `inferenceLocation` field every inference
 * document carries); the choices are the configured locations. A failing
 * locations call leaves the filter empty rather than breaking the search page.
 */
export function LocationSearchFilter(props: { className?: string }) {
  const api = useApi(inferenceModelsApiRef);
  const values = useCallback(async () => {
    try {
      return (await api.listLocations()).items.map(l => l.name);
    } catch {
      return [];
    }
  }, [api]);
  return (
    <SearchFilter.Select
      className={props.className}
      label="Location"
      name="inferenceLocation"
      values={values}
    />
  );
}
