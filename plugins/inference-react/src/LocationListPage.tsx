import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';
import { fetchApiRef, useApi } from '@backstage/frontend-plugin-api';
import { Alert, Container, Flex } from '@backstage/ui';
import type { LocationListResponse } from '@internal/backstage-plugin-inference-common';
import type { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';

/**
 * Loads a cross-location list from a plugin backend (e.g.
 * `plugin://inference-models/models`) and renders it with `children`, under
 * one alert per location that could not be read. Shows progress, and the
 * backend's error when the request itself fails.
 */
export function LocationListPage<
  T extends LocationListResponse<unknown>,
>(props: { path: string; children: (value: T) => ReactNode }) {
  const { fetch } = useApi(fetchApiRef);
  const { value, loading, error } = useAsync(async () => {
    const response = await fetch(props.path);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }, [fetch, props.path]);

  return (
    <Container>
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && (
        <Flex direction="column" gap="4">
          {value.errors.map(e => (
            <Alert key={e.location} status="danger" title={e.message} />
          ))}
          {props.children(value)}
        </Flex>
      )}
    </Container>
  );
}
