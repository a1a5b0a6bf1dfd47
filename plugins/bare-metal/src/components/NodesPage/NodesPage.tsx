import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { ButtonLink, Text } from '@backstage/ui';
import type {
  LocationGpuSummary,
  ServerSummary,
} from '@internal/backstage-plugin-bare-metal-common';
import {
  LocationTable,
  PageHeading,
  useUrlListState,
  toListPageQuery,
  ListCellText,
  ListCellLines,
  type ListColumn,
} from '@internal/backstage-plugin-inference-react';
import { useCallback, useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { bareMetalApiRef } from '../../api';

export const statusOf = (s: ServerSummary) => {
  if (s.membership === 'not-in-cluster') return 'Not in cluster';
  let status = s.ready ? 'Ready' : 'NotReady';
  if (s.cordoned) status += ', cordoned';
  return s.membership === 'unmanaged' ? `${status} (unmanaged)` : status;
};

/** `131794980Ki` -> `126 GiB`; other quantities as they are. */
export const formatMemory = (quantity?: string) => {
  const match = /^(\d+)Ki$/.exec(quantity ?? '');
  return match
    ? `${Math.round(Number(match[1]) / 1024 / 1024)} GiB`
    : quantity ?? '?';
};

type ServerRow = ServerSummary & { id: string };

/** `NVIDIA-A100 x 4 (80 GiB), 2 in use`, one line per GPU product. */
export const gpuLinesOf = (s: ServerSummary) =>
  s.gpus.map(
    g =>
      `${g.product ?? g.vendor} x ${g.count}${
        g.memoryMiB ? ` (${Math.round(g.memoryMiB / 1024)} GiB)` : ''
      }, ${g.allocated} in use`,
  );

// Widths sized for 1440 px with the sidebar; GPUs and Model pods take a
// line each rather than being cut.
const columns: ListColumn<ServerRow>[] = [
  {
    id: 'name',
    label: 'Server',
    width: 140,
    isRowHeader: true,
    isSortable: true,
    cell: s => <ListCellText title={s.name} description={s.address} />,
  },
  {
    id: 'location',
    label: 'Location',
    width: 125,
    isSortable: true,
    cell: s => <ListCellText title={s.location} />,
  },
  {
    id: 'status',
    label: 'Status',
    width: 140,
    isSortable: true,
    cell: s => (
      <ListCellText title={statusOf(s)} description={s.roles.join(', ')} />
    ),
  },
  {
    id: 'gpus',
    label: 'GPUs',
    isSortable: true,
    cell: s => <ListCellLines label="GPUs" lines={gpuLinesOf(s)} />,
  },
  {
    id: 'capacity',
    label: 'CPU / memory',
    width: 150,
    cell: s => (
      <ListCellText
        title={s.cpu ? `${s.cpu} CPU / ${formatMemory(s.memory)}` : '-'}
      />
    ),
  },
  {
    id: 'version',
    label: 'K3s version',
    width: 140,
    cell: s => <ListCellText title={s.kubeletVersion ?? '-'} />,
  },
  {
    id: 'pods',
    label: 'Model pods',
    cell: s => (
      <ListCellLines
        label="Model pods"
        lines={[...new Set(s.modelPods.map(p => p.model))]}
      />
    ),
  },
];

const FILTERS = ['location', 'gpu'] as const;
const SORTS = ['name', 'location', 'gpus', 'status'] as const;

const EMPTY = {
  filtered:
    'No servers match this search and these filters. Clear them to see every server.',
  none: 'No servers configured in any location: add them to inference.locations[].servers and install K3s with the Install K3s template.',
};

/** The servers of every location, with their GPUs and the Model pods on them. */
export const NodesPage = () => {
  const api = useApi(bareMetalApiRef);
  const entityRoute = useRouteRef(entityRouteRef);
  const view = useUrlListState({ filters: FILTERS });
  // The per-location GPU totals of the locations asked (whatever the search).
  const [summaries, setSummaries] = useState<LocationGpuSummary[]>([]);
  // The filters' choices: every location and GPU product of the fleet.
  const fleet = useAsync(
    async () => (await api.listNodes({ query: { limit: 1 } })).summaries,
    [api],
  );
  // The table draws every row again when a prop changes: links and filters
  // keep their identity when the fleet arrives and with each answer's GPU
  // totals.
  const rowHref = useCallback(
    (s: ServerRow) =>
      entityRoute?.({ namespace: s.location, kind: 'resource', name: s.name }),
    [entityRoute],
  );
  const filterChoices = useMemo(() => {
    const products = [
      ...new Set((fleet.value ?? []).flatMap(l => l.gpus.map(g => g.product))),
    ].sort();
    return [
      {
        name: 'location' as const,
        label: 'Location',
        options: (fleet.value ?? []).map(l => ({
          id: l.location,
          label: l.location,
        })),
      },
      {
        name: 'gpu' as const,
        label: 'GPU',
        options: [
          ...products.map(p => ({ id: p, label: p })),
          { id: 'none', label: 'No GPU' },
        ],
      },
    ];
  }, [fleet.value]);
  return (
    <>
      <PageHeading
        title="Servers"
        description="The bare-metal servers of every location: K3s status, GPUs in use and the Model pods on them."
        actions={
          <ButtonLink href="/create" variant="secondary">
            Install K3s on a server
          </ButtonLink>
        }
      />
      <LocationTable<ServerRow, (typeof FILTERS)[number]>
        view={view}
        load={async ({ offset, limit, search, filters, sort, signal }) => {
          const page = await api.listNodes(
            {
              query: {
                ...toListPageQuery({ offset, limit, search, filters }),
                ...(filters.gpu && { gpu: filters.gpu }),
                ...(sort &&
                  (SORTS as readonly string[]).includes(sort.column) && {
                    sort: sort.column as (typeof SORTS)[number],
                    order: sort.order,
                  }),
              },
            },
            { signal },
          );
          setSummaries(page.summaries);
          return {
            ...page,
            items: page.items.map(s => ({
              ...s,
              id: `${s.location}/${s.name}`,
            })),
          };
        }}
        columns={columns}
        rowHref={rowHref}
        searchLabel="Search servers by name or address"
        filters={filterChoices}
        noun={['server', 'servers']}
        above={summaries.map(summary => (
          <Text as="p" variant="body-small" key={summary.location}>
            {summary.location}:{' '}
            {summary.gpus.length === 0
              ? 'no GPUs'
              : summary.gpus
                  .map(g => `${g.product} ${g.free} free of ${g.total}`)
                  .join('; ')}
          </Text>
        ))}
        empty={EMPTY}
      />
    </>
  );
};
