import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { entityRouteRef, useEntity } from '@backstage/plugin-catalog-react';
import { CellText, Flex, Text, type ColumnConfig } from '@backstage/ui';
import type {
  LocationGpuSummary,
  ServerSummary,
} from '@internal/backstage-plugin-bare-metal-common';
import {
  CellLines,
  LocationSectionCard,
  PlainTable,
} from '@internal/backstage-plugin-inference-react';
import useAsync from 'react-use/esm/useAsync';
import { bareMetalApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { statusOf } from '../NodesPage/NodesPage';

/** The location a `kubernetes-cluster` entity stands for (its annotation, else its namespace). */
export function locationOf(entity: {
  metadata: {
    name: string;
    namespace?: string;
    annotations?: Record<string, string>;
  };
}): string {
  return (
    entity.metadata.annotations?.['inference.bros/location'] ??
    entity.metadata.namespace ??
    entity.metadata.name
  );
}

/** `NVIDIA-A100: 3 / 4 in use`, one line per GPU product of the location. */
export function gpuUsageLines(summary?: LocationGpuSummary): string[] {
  return (summary?.gpus ?? []).map(
    g => `${g.product}: ${g.total - g.free} / ${g.total} in use`,
  );
}

type ServerRow = ServerSummary & { id: string; href?: string };

const columns: ColumnConfig<ServerRow>[] = [
  {
    id: 'name',
    label: 'Server',
    isRowHeader: true,
    cell: s => (
      <CellText title={s.name} description={s.address} href={s.href} />
    ),
  },
  {
    id: 'status',
    label: 'Status',
    cell: s => <CellText title={statusOf(s)} />,
  },
  {
    id: 'gpus',
    label: 'GPUs in use / total',
    cell: s => (
      <CellLines
        label="GPUs in use / total"
        lines={s.gpus.map(
          g => `${g.product ?? g.vendor}: ${g.allocated} / ${g.count}`,
        )}
      />
    ),
  },
  {
    id: 'pods',
    label: 'Model pods',
    cell: s => (
      <CellLines
        label="Model pods"
        lines={[...new Set(s.modelPods.map(p => p.model))]}
      />
    ),
  },
];

/**
 * A location's servers with their GPUs in use per product, each linking to
 * the server's entity page; attached to the location's "Location" tab.
 */
export function LocationServersCard() {
  const { entity } = useEntity();
  const location = locationOf(entity);
  const api = useApi(bareMetalApiRef);
  const entityRoute = useRouteRef(entityRouteRef);
  const serversPage = useRouteRef(rootRouteRef);
  const { value, loading, error } = useAsync(
    () => api.listNodes({ query: { location } }),
    [api, location],
  );
  const rows: ServerRow[] = (value?.items ?? []).map(s => ({
    ...s,
    id: s.name,
    href: entityRoute?.({
      kind: 'resource',
      namespace: s.location,
      name: s.name,
    }),
  }));
  const gpus = gpuUsageLines(
    value?.summaries.find(s => s.location === location),
  );
  const allHref = serversPage
    ? `${serversPage()}?location=${encodeURIComponent(location)}`
    : undefined;

  return (
    <LocationSectionCard
      title={`Servers${value ? ` (${value.items.length})` : ''}`}
      link={
        allHref
          ? {
              href: allHref,
              label: `Servers of ${location} on the Servers page`,
            }
          : undefined
      }
      location={location}
      backend="bare-metal backend"
      loading={loading}
      error={error}
      errors={value?.errors}
      isEmpty={rows.length === 0}
      empty={
        <>
          No servers configured for {location}: list them under the
          location&apos;s servers in inference.locations, then install K3s with
          the install-k3s-node template.
        </>
      }
    >
      {gpus.length > 0 && (
        <Flex direction="column" gap="0">
          <Text variant="body-small" color="secondary">
            GPUs in use / total
          </Text>
          <div aria-label="GPUs in use per product">
            {gpus.map(line => (
              <Text as="p" key={line}>
                {line}
              </Text>
            ))}
          </div>
        </Flex>
      )}
      {rows.length > 0 && (
        <PlainTable rows={rows} rowId={s => s.id} columns={columns} />
      )}
    </LocationSectionCard>
  );
}
