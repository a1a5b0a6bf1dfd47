import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  Alert,
  Button,
  Card,
  CardBody,
  CardHeader,
  CellText,
  Flex,
  Text,
  type ColumnConfig,
} from '@backstage/ui';
import type { ModelPod } from '@internal/backstage-plugin-inference-models-common';
import {
  formatCount,
  formatDateTime,
  PlainTable,
  WrappedCellText,
  SectionSkeleton,
} from '@internal/backstage-plugin-inference-react';
import { useMemo } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { inferenceModelsApiRef } from '../../api';

type PodRow = ModelPod & { id: string; nodeHref?: string };

/** The backend's own message (naming the location and system) when it sent one. */
const messageOf = (error: Error) =>
  (error as { body?: { error?: { message?: string } } }).body?.error?.message ??
  error.message;

/** `Running, ready`, or the phase with why it is not serving. */
function statusOf(pod: ModelPod): string {
  const state = pod.ready ? 'ready' : 'not ready';
  return pod.reason
    ? `${pod.phase}, ${state}: ${pod.reason}`
    : `${pod.phase}, ${state}`;
}

/*
 * The Pod's name is what staff copy into kubectl, and the status may carry
 * the scheduler's message: both are read whole, and get the room.
 */
const columns: ColumnConfig<PodRow>[] = [
  {
    id: 'name',
    label: 'Pod',
    isRowHeader: true,
    defaultWidth: '3fr',
    cell: p => <WrappedCellText title={p.name} />,
  },
  {
    id: 'status',
    label: 'Status',
    defaultWidth: '3fr',
    // The scheduler's or kubelet's message says what to fix: read whole.
    cell: p => <WrappedCellText title={statusOf(p)} description={p.message} />,
  },
  {
    id: 'node',
    label: 'Server',
    defaultWidth: '1fr',
    cell: p => <CellText title={p.node ?? 'not scheduled'} href={p.nodeHref} />,
  },
  {
    id: 'restarts',
    label: 'Restarts',
    defaultWidth: '1fr',
    cell: p => <CellText title={formatCount(p.restarts)} />,
  },
  {
    id: 'started',
    label: 'Started',
    defaultWidth: '2fr',
    cell: p => <CellText title={formatDateTime(p.startedAt)} />,
  },
];

/**
 * The Pods KubeAI runs for the Model, live from its cluster: where each
 * runs and, while one is not serving, why (the scheduler finding no GPU,
 * a container that cannot start). Backstage's Kubernetes tab counts these
 * Pods but lists Pods only under Deployments and other workloads, and
 * KubeAI creates none: its Model owns its Pods.
 */
export function ModelPodsCard(props: {
  location: string;
  model: string;
  /** Replicas the Model wants, to tell "scaled to zero" from "none yet". */
  desired?: number;
}) {
  const { location, model, desired } = props;
  const api = useApi(inferenceModelsApiRef);
  const entityRoute = useRouteRef(entityRouteRef);
  const pods = useAsyncRetry(
    () => api.getModelPods({ path: { location, name: model } }),
    [api, location, model],
  );
  const rows = useMemo<PodRow[]>(
    () =>
      (pods.value?.items ?? []).map(p => ({
        ...p,
        id: p.name,
        nodeHref: p.node
          ? entityRoute?.({
              kind: 'resource',
              namespace: location,
              name: p.node,
            })
          : undefined,
      })),
    [pods.value, entityRoute, location],
  );
  const count = pods.value?.items.length;
  return (
    <Card>
      <CardHeader>
        <Flex justify="between" align="center">
          <Text variant="title-small">
            Pods{count === undefined ? '' : ` (${formatCount(count)})`}
          </Text>
          <Button
            variant="secondary"
            size="small"
            isDisabled={pods.loading}
            onPress={pods.retry}
          >
            Refresh
          </Button>
        </Flex>
      </CardHeader>
      <CardBody>
        {pods.error && (
          <Alert
            status="danger"
            title={`The Pods of ${model} could not be read: ${messageOf(
              pods.error,
            )}`}
          />
        )}
        {pods.loading && !pods.value && <SectionSkeleton rows={2} />}
        {pods.value &&
          (rows.length ? (
            <PlainTable rows={rows} rowId={p => p.id} columns={columns} />
          ) : (
            <Text>
              {desired === 0
                ? 'No Pods: the Model is scaled to zero.'
                : 'No Pods yet: KubeAI has not created one for this Model.'}
            </Text>
          ))}
      </CardBody>
    </Card>
  );
}
