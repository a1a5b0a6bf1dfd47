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
 * one alert per location that could not be read. Paged lists (responses
 * with `nextOffset`) are read page by page to the end. Shows progress, and
 * the backend's error when a request fails.
 */
export function LocationListPage<
  T extends LocationListResponse<unknown>,
>(props: { path: string; children: (value: T) => ReactNode }) {
  const { fetch } = useApi(fetchApiRef);
  const { value, loading, error } = useAsync(async () => {
    // Paged lists (`nextOffset`, e.g. /models) are read to the end.
    let result: T | undefined;
    let offset: number | undefined = 0;
    while (offset !== undefined) {
      const url = new URL(props.path);
      if (offset > 0) {
        url.searchParams.set('offset', String(offset));
      }
      const response = await fetch(url.toString());
      if (!response.ok) {
        throw await ResponseError.fromResponse(response);
      }
      const page = (await response.json()) as T & { nextOffset?: number };
      result = result
        ? { ...page, items: [...result.items, ...page.items] }
        : page;
      offset =
        typeof page.nextOffset === 'number' && page.nextOffset > offset
          ? page.nextOffset
          : undefined;
    }
    return result as T;
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
