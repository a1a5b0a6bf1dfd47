import { fetchApiRef, useApi } from '@backstage/frontend-plugin-api';
import { SearchFilter } from '@backstage/plugin-search-react';
import { useCallback } from 'react';

/**
 * Filters results by location (the `inferenceLocation` field every inference
 * document carries); the choices are the configured locations.
 */
export function LocationSearchFilter(props: { className?: string }) {
  const { fetch } = useApi(fetchApiRef);
  const values = useCallback(async () => {
    const response = await fetch('plugin://inference-models/locations');
    if (!response.ok) {
      return [];
    }
    const body = (await response.json()) as { items: Array<{ name: string }> };
    return body.items.map(l => l.name);
  }, [fetch]);
  return (
    <SearchFilter.Select
      className={props.className}
      label="Location"
      name="inferenceLocation"
      values={values}
    />
  );
}
