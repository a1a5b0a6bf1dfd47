import { ResponseErrorPanel } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  Alert,
  Container,
  Flex,
  Link,
  Table,
  Text,
  useTable,
} from '@backstage/ui';
import type { LocationError } from '@internal/backstage-plugin-inference-common';
import type {
  InferenceModelsApi,
  ModelSummary,
} from '@internal/backstage-plugin-inference-models-common';
import {
  ListToolbar,
  useUrlListState,
} from '@internal/backstage-plugin-inference-react';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { inferenceModelsApiRef } from '../../api';
import { modelColumns, type ModelRow } from './ModelsTable';

type ListModelsQuery = NonNullable<
  Parameters<InferenceModelsApi['listModels']>[0]
>['query'];

const FILTERS = ['location', 'engine', 'feature'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

const ENGINES = ['VLLM', 'OLlama', 'FasterWhisper', 'Infinity'];
const FEATURES = [
  'TextGeneration',
  'TextEmbedding',
  'Reranking',
  'SpeechToText',
];

/** Rows per page; the backend filters and pages, the browser holds one page. */
export const MODELS_PAGE_SIZE = 25;

/**
 * The model catalogue: every location's KubeAI Models, searched, filtered
 * and paged by the backend, with the view (search and filters) in the URL.
 */
export const ModelsPage = () => {
  const api = useApi(inferenceModelsApiRef);
  const entityRoute = useRouteRef(entityRouteRef);
  const view = useUrlListState({ filters: FILTERS });
  const [errors, setErrors] = useState<LocationError[]>([]);
  const [total, setTotal] = useState<number>();
  const locations = useAsync(
    async () => (await api.listLocations()).items,
    [api],
  );

  const { tableProps } = useTable<ModelRow, Filters>({
    mode: 'offset',
    search: view.search,
    onSearchChange: view.setSearch,
    filter: view.filters,
    onFilterChange: view.setFilters,
    paginationOptions: {
      pageSize: MODELS_PAGE_SIZE,
      showPageSizeOptions: false,
    },
    getData: async ({ offset, pageSize, filter, search, signal }) => {
      const query: ListModelsQuery = {
        limit: pageSize,
        ...(offset > 0 && { offset }),
        ...(search.trim() && { q: search.trim() }),
        ...(filter?.location && { location: filter.location }),
        ...(filter?.engine && {
          engine: filter.engine as NonNullable<ListModelsQuery>['engine'],
        }),
        ...(filter?.feature && {
          feature: filter.feature as NonNullable<ListModelsQuery>['feature'],
        }),
      };
      const page = await api.listModels({ query }, { signal });
      setErrors(page.errors);
      setTotal(page.total);
      return {
        data: page.items.map((m: ModelSummary) => ({
          ...m,
          id: `${m.location}/${m.name}`,
        })),
        totalCount: page.total,
      };
    },
  });

  const filtered = Boolean(view.search || Object.keys(view.filters).length);
  const setFilter = (name: keyof Filters) => (value?: string) =>
    view.setFilters({ ...view.filters, [name]: value });

  return (
    <Container>
      <Flex direction="column" gap="4">
        <ListToolbar
          search={{
            label: 'Search models by name or URL',
            value: view.search,
            onChange: view.setSearch,
          }}
          filters={[
            {
              name: 'location',
              label: 'Location',
              options: (locations.value ?? []).map(l => ({
                id: l.name,
                label: `${l.title} (${l.name})`,
              })),
              value: view.filters.location,
              onChange: setFilter('location'),
            },
            {
              name: 'engine',
              label: 'Engine',
              options: ENGINES.map(e => ({ id: e, label: e })),
              value: view.filters.engine,
              onChange: setFilter('engine'),
            },
            {
              name: 'feature',
              label: 'Feature',
              options: FEATURES.map(f => ({ id: f, label: f })),
              value: view.filters.feature,
              onChange: setFilter('feature'),
            },
          ]}
          actions={<Link href="/create">Create a Model</Link>}
        />
        {tableProps.error && <ResponseErrorPanel error={tableProps.error} />}
        {errors.map(e => (
          <Alert key={e.location} status="danger" title={e.message} />
        ))}
        {total !== undefined && (
          <Text as="p" variant="body-medium" aria-live="polite">
            {total} {total === 1 ? 'model' : 'models'}
            {filtered ? ' match' : ''}
          </Text>
        )}
        <Table
          columnConfig={modelColumns}
          {...tableProps}
          error={undefined}
          rowConfig={{
            getHref: m =>
              entityRoute?.({
                namespace: m.location,
                kind: 'resource',
                name: m.name,
              }),
          }}
          emptyState={
            filtered ? (
              <Text as="p">
                No models match this search and these filters. Clear them to see
                every model.
              </Text>
            ) : (
              <Text as="p">
                No Models in any location yet. Create one with the{' '}
                <Link href="/create">Create a Model</Link> template.
              </Text>
            )
          }
        />
      </Flex>
    </Container>
  );
};
