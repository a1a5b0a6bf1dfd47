import { ResponseErrorPanel } from '@backstage/core-components';
import { Alert, Container, Flex } from '@backstage/ui';
import type { LocationListResponse } from '@internal/backstage-plugin-inference-common';
import type { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { SectionSkeleton } from './PageSkeleton';

/**
 * Loads a cross-location list with `load` (a call of the plugin's API
 * client) and renders it with `children`, under one alert per location that
 * could not be read. Paged lists (responses with `nextOffset`) are read page
 * by page to the end. Shows skeletons while loading, and the backend's error when a
 * request fails. `deps` reload the list when they change (like useEffect's).
 */
export function LocationListPage<
  T extends LocationListResponse<unknown>,
>(props: {
  load: (offset: number) => Promise<T & { nextOffset?: number }>;
  deps?: unknown[];
  children: (value: T) => ReactNode;
}) {
  const { load } = props;
  const { value, loading, error } = useAsync(async () => {
    let result: T | undefined;
    let offset: number | undefined = 0;
    while (offset !== undefined) {
      const page: T & { nextOffset?: number } = await load(offset);
      result = result
        ? { ...page, items: [...result.items, ...page.items] }
        : page;
      offset =
        typeof page.nextOffset === 'number' && page.nextOffset > offset
          ? page.nextOffset
          : undefined;
    }
    return result as T;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, props.deps ?? []);

  return (
    <Container>
      {loading && <SectionSkeleton />}
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
