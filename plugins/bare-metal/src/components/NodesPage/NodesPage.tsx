import { useApi } from '@backstage/frontend-plugin-api';
import { CellText, Text, type ColumnConfig } from '@backstage/ui';
import type {
  ServerListResponse,
  ServerSummary,
} from '@internal/backstage-plugin-bare-metal-common';
import {
  LocationListPage,
  PlainTable,
} from '@internal/backstage-plugin-inference-react';
import { bareMetalApiRef } from '../../api';

export const statusOf = (s: ServerSummary) => {
  if (s.membership === 'not-in-cluster') return 'Not in cluster';
  let status = s.ready ? 'Ready' : 'NotReady';
  if (s.cordoned) status += ', cordoned';
  return s.membership === 'unmanaged' ? `${status} (unmanaged)` : status;
};

const gpusOf = (s: ServerSummary) =>
  s.gpus.length === 0
    ? '-'
    : s.gpus
        .map(
          g =>
            `${g.product ?? g.vendor} x ${g.count}${
              g.memoryMiB ? ` (${Math.round(g.memoryMiB / 1024)} GiB)` : ''
            }, ${g.allocated} in use`,
        )
        .join(', ');

/** `131794980Ki` -> `126 GiB`; other quantities as they are. */
export const formatMemory = (quantity?: string) => {
  const match = /^(\d+)Ki$/.exec(quantity ?? '');
  return match
    ? `${Math.round(Number(match[1]) / 1024 / 1024)} GiB`
    : quantity ?? '?';
};

const columns: ColumnConfig<ServerSummary & { id: string }>[] = [
  {
    id: 'name',
    label: 'Server',
    isRowHeader: true,
    cell: s => <CellText title={s.name} description={s.address} />,
  },
  {
    id: 'location',
    label: 'Location',
    cell: s => <CellText title={s.location} />,
  },
  {
    id: 'status',
    label: 'Status',
    cell: s => <CellText title={statusOf(s)} />,
  },
  {
    id: 'roles',
    label: 'Roles',
    cell: s => <CellText title={s.roles.join(', ')} />,
  },
  { id: 'gpus', label: 'GPUs', cell: s => <CellText title={gpusOf(s)} /> },
  {
    id: 'capacity',
    label: 'CPU / memory',
    cell: s => (
      <CellText
        title={s.cpu ? `${s.cpu} CPU / ${formatMemory(s.memory)}` : '-'}
      />
    ),
  },
  {
    id: 'version',
    label: 'K3s version',
    cell: s => <CellText title={s.kubeletVersion ?? '-'} />,
  },
  {
    id: 'pods',
    label: 'Model pods',
    cell: s => (
      <CellText
        title={
          s.modelPods.length === 0
            ? '-'
            : [...new Set(s.modelPods.map(p => p.model))].join(', ')
        }
      />
    ),
  },
];

export const NodesPage = () => {
  const api = useApi(bareMetalApiRef);
  return (
    <LocationListPage<ServerListResponse>
      load={() => api.listNodes()}
      deps={[api]}
    >
      {value => (
        <>
          <Text as="p" variant="body-medium">
            {value.items.length} servers,{' '}
            {value.items.reduce(
              (n, s) => n + s.gpus.reduce((m, g) => m + g.count, 0),
              0,
            )}{' '}
            GPUs
          </Text>
          {value.summaries.map(summary => (
            <Text as="p" variant="body-small" key={summary.location}>
              {summary.location}:{' '}
              {summary.gpus.length === 0
                ? 'no GPUs'
                : summary.gpus
                    .map(g => `${g.product} ${g.free} free of ${g.total}`)
                    .join('; ')}
            </Text>
          ))}
          <PlainTable
            rows={value.items}
            rowId={s => `${s.location}/${s.name}`}
            columns={columns}
          />
        </>
      )}
    </LocationListPage>
  );
};
