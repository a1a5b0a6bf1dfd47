import { ResponseError } from '@backstage/errors';
import { fetchApiRef, useApi } from '@backstage/frontend-plugin-api';
import type { LocationInfoResponse } from '@internal/backstage-plugin-inference-models-common';
import useAsync from 'react-use/esm/useAsync';

/** The configured locations and their resource profiles (`GET /locations`). */
export function useLocations() {
  const { fetch } = useApi(fetchApiRef);
  return useAsync(async () => {
    const response = await fetch('plugin://inference-models/locations');
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return ((await response.json()) as LocationInfoResponse).items;
  }, [fetch]);
}
