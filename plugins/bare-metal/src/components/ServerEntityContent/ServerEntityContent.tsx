import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { entityRouteRef, useEntity } from '@backstage/plugin-catalog-react';
import {
  Alert,
  Card,
  CardBody,
  CardHeader,
  CellText,
  Flex,
  Grid,
  Text,
  type ColumnConfig,
} from '@backstage/ui';
import type {
  ModelPodSummary,
  ServerSummary,
  SshFacts,
} from '@internal/backstage-plugin-bare-metal-common';
import {
  PlainTable,
  WrappedCellText,
} from '@internal/backstage-plugin-inference-react';
import { useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { formatMemory, statusOf } from '../NodesPage/NodesPage';
import { bareMetalApiRef } from '../../api';

function Field(props: { label: string; value?: string | number }) {
  return (
    <Flex direction="column" gap="0">
      <Text variant="body-small" color="secondary">
        {props.label}
      </Text>
      <Text aria-label={props.label}>
        {props.value === undefined || props.value === ''
          ? '-'
          : String(props.value)}
      </Text>
    </Flex>
  );
}

const GiB = 1024 ** 3;

/** `2 x NVIDIA GeForce RTX 4090 (24 GiB)`, one entry per model. */
export function gpuLines(server: ServerSummary): string[] {
  return server.gpus.map(
    g =>
      `${g.count} x ${g.product ?? g.vendor}${
        g.memoryMiB ? ` (${Math.round(g.memoryMiB / 1024)} GiB)` : ''
      }, ${g.allocated} in use`,
  );
}

/** nvidia-smi GPUs grouped by model: `2 x NVIDIA A100 (80 GiB)`. */
export function factGpuLines(facts: SshFacts): string[] {
  const byModel = new Map<string, { count: number; memoryMiB?: number }>();
  for (const gpu of facts.gpus) {
    const entry = byModel.get(gpu.name) ?? {
      count: 0,
      memoryMiB: gpu.memoryMiB,
    };
    entry.count++;
    byModel.set(gpu.name, entry);
  }
  return [...byModel].map(
    ([name, g]) =>
      `${g.count} x ${name}${
        g.memoryMiB ? ` (${Math.round(g.memoryMiB / 1024)} GiB)` : ''
      }`,
  );
}

/**
 * The Pod's name is read whole (staff copy it into kubectl); its Model
 * opens the Model's entity page.
 */
function podColumns(
  modelHref: (model: string) => string | undefined,
): ColumnConfig<ModelPodSummary & { id: string }>[] {
  return [
    {
      id: 'name',
      label: 'Pod',
      isRowHeader: true,
      defaultWidth: '3fr',
      cell: p => <WrappedCellText title={p.name} />,
    },
    {
      id: 'model',
      label: 'Model',
      defaultWidth: '2fr',
      cell: p => <CellText title={p.model} href={modelHref(p.model)} />,
    },
    {
      id: 'phase',
      label: 'Phase',
      defaultWidth: '1fr',
      cell: p => (
        <CellText title={`${p.phase}${p.ready ? ', ready' : ', not ready'}`} />
      ),
    },
  ];
}

function FactsCard(props: { server: ServerSummary }) {
  const { sshFacts: facts, sshFactsError } = props.server;
  if (!facts && !sshFactsError) return null;
  return (
    <Card>
      <CardHeader>
        <Text variant="title-small">Hardware (over SSH)</Text>
      </CardHeader>
      <CardBody>
        {sshFactsError && (
          <Alert
            status="warning"
            title={`SSH facts unavailable: ${sshFactsError}`}
          />
        )}
        {facts && (
          <Grid.Root columns={{ initial: '1', md: '2' }} gap="3">
            <Field label="CPU model" value={facts.cpuModel} />
            <Field label="CPU threads" value={facts.cpuCount} />
            <Field
              label="Installed memory"
              value={
                facts.memoryBytes !== undefined
                  ? `${Math.round(facts.memoryBytes / GiB)} GiB`
                  : undefined
              }
            />
            <Field
              label="Disks"
              value={facts.disks
                .map(
                  d =>
                    `${d.name} ${Math.round(d.sizeBytes / 1e9)} GB${
                      d.model ? ` (${d.model})` : ''
                    }`,
                )
                .join(', ')}
            />
            <Field
              label="GPUs (nvidia-smi)"
              value={factGpuLines(facts).join(', ') || 'none'}
            />
            <Field label="NVIDIA driver" value={facts.gpus[0]?.driverVersion} />
            <Field label="Read at" value={facts.collectedAt} />
          </Grid.Root>
        )}
      </CardBody>
    </Card>
  );
}

/** The live state of one server. */
export function ServerDetails(props: { server: ServerSummary }) {
  const { server } = props;
  const entityRoute = useRouteRef(entityRouteRef);
  const columns = useMemo(
    () =>
      podColumns(model =>
        entityRoute?.({
          kind: 'resource',
          namespace: server.location,
          name: model,
        }),
      ),
    [entityRoute, server.location],
  );
  const roles = [
    ...server.roles,
    ...(server.nodeRoles ?? []).map(r => `${r} (node)`),
  ];
  return (
    <Flex direction="column" gap="4">
      <Card>
        <CardHeader>
          <Text variant="title-small">
            {server.name} in {server.location}
          </Text>
        </CardHeader>
        <CardBody>
          <Grid.Root columns={{ initial: '1', md: '2' }} gap="3">
            <Field label="Status" value={statusOf(server)} />
            <Field label="Address" value={server.address} />
            <Field label="Roles" value={roles.join(', ')} />
            <Field label="K3s version" value={server.kubeletVersion} />
            <Field label="OS" value={server.osImage} />
            <Field
              label="CPU / memory"
              value={
                server.cpu
                  ? `${server.cpu} CPU / ${formatMemory(server.memory)}`
                  : undefined
              }
            />
            <Field
              label="Allocatable"
              value={
                server.allocatableCpu
                  ? `${server.allocatableCpu} CPU / ${formatMemory(
                      server.allocatableMemory,
                    )}`
                  : undefined
              }
            />
            <Field label="GPUs" value={gpuLines(server).join('; ') || 'none'} />
            <Field
              label="Taints"
              value={(server.taints ?? [])
                .map(t => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`)
                .join(', ')}
            />
          </Grid.Root>
        </CardBody>
      </Card>
      <Card>
        <CardHeader>
          <Text variant="title-small">
            Model pods ({server.modelPods.length})
          </Text>
        </CardHeader>
        <CardBody>
          {server.modelPods.length === 0 ? (
            <Text>No KubeAI model pods run on this server.</Text>
          ) : (
            <PlainTable
              rows={server.modelPods}
              rowId={p => p.name}
              columns={columns}
            />
          )}
        </CardBody>
      </Card>
      <FactsCard server={server} />
    </Flex>
  );
}

/** The "Server" tab of `bare-metal-server` entities: the live Node. */
export function ServerEntityContent() {
  const { entity } = useEntity();
  const api = useApi(bareMetalApiRef);
  const location = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;
  const { value, loading, error } = useAsync(
    () => api.listNodes({ query: { location } }),
    [api, location],
  );

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const server = value?.items.find(s => s.name === name);
  return (
    <Flex direction="column" gap="4">
      {value?.errors.map(e => (
        <Alert key={e.location} status="danger" title={e.message} />
      ))}
      {server ? (
        <ServerDetails server={server} />
      ) : (
        !value?.errors.length && (
          <Alert
            status="warning"
            title={`Server ${name} is neither configured nor a Node of ${location} any more`}
          />
        )
      )}
    </Flex>
  );
}
