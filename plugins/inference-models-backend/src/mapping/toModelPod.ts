import type { ModelPod } from '@internal/backstage-plugin-inference-models-common';
import type { KubeAiClient } from '@internal/backstage-plugin-inference-node';

/** A Pod as the location's Kubernetes client reads it (client-node's V1Pod). */
type V1Pod = Awaited<ReturnType<KubeAiClient['listModelPods']>>[number];

/** A date the client gives as a Date (parsed) or a string (raw JSON). */
function isoOf(value: Date | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * Why a Pod is not serving, in the order staff look for it: going away,
 * not placed on a node, a container that cannot start or keeps failing,
 * what the kubelet said of the whole Pod (an eviction), then its Ready
 * condition (containers running, readiness probe not passing yet).
 */
function whyNotReady(pod: V1Pod): { reason?: string; message?: string } {
  if (pod.metadata?.deletionTimestamp) return { reason: 'Terminating' };
  const scheduled = pod.status?.conditions?.find(
    c => c.type === 'PodScheduled',
  );
  if (scheduled?.status === 'False') {
    return {
      reason: scheduled.reason ?? 'Unschedulable',
      message: scheduled.message,
    };
  }
  for (const c of pod.status?.containerStatuses ?? []) {
    const waiting = c.state?.waiting;
    if (waiting?.reason) {
      return { reason: waiting.reason, message: waiting.message };
    }
    const terminated = c.state?.terminated;
    if (terminated && terminated.exitCode !== 0) {
      return {
        reason: terminated.reason ?? 'Error',
        message:
          terminated.message ??
          `container ${c.name} exited with code ${terminated.exitCode}`,
      };
    }
  }
  if (pod.status?.reason) {
    return { reason: pod.status.reason, message: pod.status.message };
  }
  // Running but not passing its readiness probe (a model still loading).
  const ready = pod.status?.conditions?.find(c => c.type === 'Ready');
  if (ready?.status === 'False' && ready.reason) {
    return { reason: ready.reason, message: ready.message };
  }
  return {};
}

/** One of a Model's Pods, as `GET /models/{location}/{name}/pods` gives it. */
export function toModelPod(pod: V1Pod): ModelPod {
  const ready =
    pod.status?.conditions?.some(
      c => c.type === 'Ready' && c.status === 'True',
    ) ?? false;
  const why = ready && !pod.metadata?.deletionTimestamp ? {} : whyNotReady(pod);
  const node = pod.spec?.nodeName;
  const startedAt = isoOf(pod.status?.startTime as Date | string | undefined);
  return {
    name: pod.metadata?.name ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    ready,
    ...(node && { node }),
    restarts: (pod.status?.containerStatuses ?? []).reduce(
      (sum, c) => sum + (c.restartCount ?? 0),
      0,
    ),
    ...(startedAt && { startedAt }),
    ...(why.reason && { reason: why.reason }),
    ...(why.message && { message: why.message }),
  };
}

/** A Model's Pods, by name. */
export function toModelPods(pods: V1Pod[]): ModelPod[] {
  // Names are unique in a namespace: never equal.
  return pods.map(toModelPod).sort((a, b) => (a.name < b.name ? -1 : 1));
}
