import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { inferenceModelsApiRef } from '../api';

/** The configured locations and their resource profiles (`GET /locations`). */
export function useLocations() {
  const api = useApi(inferenceModelsApiRef);
  return useAsync(async () => (await api.listLocations()).items, [api]);
}
