import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { ButtonLink, Link } from '@backstage/ui';
import {
  LocationTable,
  locationFilter,
  PageHeading,
  useUrlListState,
} from '@internal/backstage-plugin-inference-react';
import { useCallback, useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { inferenceModelsApiRef } from '../../api';
import { MODEL_FILTERS, MODELS_LIST, modelsLoader } from './modelsList';
import { modelColumns, type ModelRow } from './ModelsTable';

const STATUSES = [
  { id: 'Ready', label: 'Ready' },
  { id: 'Scaling', label: 'Scaling (not all replicas ready)' },
  { id: 'ScaledToZero', label: 'Scaled to zero' },
];
const ENGINES = ['VLLM', 'OLlama', 'FasterWhisper', 'Infinity'];
const FEATURES = [
  'TextGeneration',
  'TextEmbedding',
  'Reranking',
  'SpeechToText',
];

const EMPTY = {
  filtered:
    'No models match this search and these filters. Clear them to see every model.',
  none: (
    <>
      No Models in any location yet. Create one with the{' '}
      <Link href="/create">Create a Model</Link> template.
    </>
  ),
};

const STATIC_FILTERS = [
  {
    name: 'engine' as const,
    label: 'Engine',
    options: ENGINES.map(e => ({ id: e, label: e })),
  },
  {
    name: 'feature' as const,
    label: 'Feature',
    options: FEATURES.map(f => ({ id: f, label: f })),
  },
  { name: 'status' as const, label: 'Status', options: STATUSES },
];

/** The model catalogue: every location's KubeAI Models. */
export const ModelsPage = () => {
  const api = useApi(inferenceModelsApiRef);
  const entityRoute = useRouteRef(entityRouteRef);
  const view = useUrlListState({ filters: MODEL_FILTERS });
  const load = useMemo(() => modelsLoader(api), [api]);
  const locations = useAsync(
    async () => (await api.listLocations()).items,
    [api],
  );
  // The table re-renders every row when a prop changes: these keep their
  // identity when the location list arrives, so that render leaves the
  // rows alone.
  const rowHref = useCallback(
    (m: ModelRow) =>
      entityRoute?.({ namespace: m.location, kind: 'resource', name: m.name }),
    [entityRoute],
  );
  const filterChoices = useMemo(
    () => [locationFilter(locations.value), ...STATIC_FILTERS],
    [locations.value],
  );
  return (
    <>
      <PageHeading
        title="Models"
        description="The KubeAI Models of every location: engine, price per 1M tokens, replicas and status."
        actions={
          <ButtonLink href="/create" variant="secondary">
            Create a Model
          </ButtonLink>
        }
      />
      <LocationTable<ModelRow, (typeof MODEL_FILTERS)[number]>
        view={view}
        load={load}
        prefetchedAs={MODELS_LIST}
        columns={modelColumns}
        rowHref={rowHref}
        searchLabel="Search models by name or URL"
        filters={filterChoices}
        noun={['model', 'models']}
        empty={EMPTY}
      />
    </>
  );
};
