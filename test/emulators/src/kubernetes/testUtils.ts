/*
 * Helpers for tests that drive the emulator with the real
 * @kubernetes/client-node (devDependency; only imported by tests).
 */
import * as k8s from '@kubernetes/client-node';
import type { Status } from './errors';
import type { KubernetesEmulator } from './index';

export const MODELS = {
  group: 'kubeai.org',
  version: 'v1',
  plural: 'models',
} as const;
export const HELMCHARTS = {
  group: 'helm.cattle.io',
  version: 'v1',
  plural: 'helmcharts',
} as const;

/**
 * The lists the Backstage Kubernetes plugin makes for an entity
 * (`DEFAULT_OBJECTS` of @backstage/plugin-kubernetes-backend 0.21.11's
 * KubernetesFanOutHandler): the path under `/api` or `/apis`, with
 * `/namespaces/<ns>` before the plural when the entity names a namespace.
 */
export const BACKSTAGE_PLUGIN_KINDS = [
  ['/api/v1', 'pods', 'PodList'],
  ['/api/v1', 'services', 'ServiceList'],
  ['/api/v1', 'configmaps', 'ConfigMapList'],
  ['/api/v1', 'limitranges', 'LimitRangeList'],
  ['/api/v1', 'resourcequotas', 'ResourceQuotaList'],
  ['/apis/apps/v1', 'deployments', 'DeploymentList'],
  ['/apis/apps/v1', 'replicasets', 'ReplicaSetList'],
  [
    '/apis/autoscaling/v2',
    'horizontalpodautoscalers',
    'HorizontalPodAutoscalerList',
  ],
  ['/apis/batch/v1', 'jobs', 'JobList'],
  ['/apis/batch/v1', 'cronjobs', 'CronJobList'],
  ['/apis/networking.k8s.io/v1', 'ingresses', 'IngressList'],
  ['/apis/apps/v1', 'statefulsets', 'StatefulSetList'],
  ['/apis/apps/v1', 'daemonsets', 'DaemonSetList'],
] as const;

/** The path the plugin lists `kind` at (KubernetesConnection.buildResourcePath). */
export function pluginListPath(
  [prefix, plural]: (typeof BACKSTAGE_PLUGIN_KINDS)[number],
  labelSelector: string,
  namespace?: string,
): string {
  const ns = namespace ? `/namespaces/${namespace}` : '';
  return `${prefix}${ns}/${plural}?labelSelector=${encodeURIComponent(
    labelSelector,
  )}`;
}

export function clients(emu: KubernetesEmulator, token?: string) {
  const kc = new k8s.KubeConfig();
  const cfg = emu.kubeconfig();
  if (token !== undefined) {
    cfg.users = [{ name: 'emulator', token }];
  }
  kc.loadFromOptions(cfg);
  return {
    kc,
    custom: kc.makeApiClient(k8s.CustomObjectsApi),
    core: kc.makeApiClient(k8s.CoreV1Api),
    batch: kc.makeApiClient(k8s.BatchV1Api),
  };
}

export const mergePatch = () =>
  k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
export const jsonPatch = () =>
  k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch);
export const strategicPatch = () =>
  k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);

/** Awaits a promise that must fail with an ApiException; returns code and parsed Status. */
export async function failure(
  p: Promise<unknown>,
): Promise<{ code: number; body: Status }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof k8s.ApiException) {
      const errorBody = e.body as unknown;
      const body = (
        typeof errorBody === 'string' && errorBody
          ? JSON.parse(errorBody)
          : errorBody
      ) as Status;
      return { code: e.code, body };
    }
    throw e;
  }
  throw new Error('expected the request to fail');
}

/** A valid Model manifest. */
export function model(
  name: string,
  spec: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
) {
  return {
    apiVersion: 'kubeai.org/v1',
    kind: 'Model',
    metadata: { name, ...(extra.metadata as object) },
    spec: {
      url: 'hf://Qwen/Qwen2.5-0.5B-Instruct',
      engine: 'VLLM',
      features: ['TextGeneration'],
      resourceProfile: 'nvidia-gpu-l4:1',
      ...spec,
    },
  };
}

/**
 * A Node as a kubelet registers it: capacity and allocatable (cpu, memory,
 * pods and, with `gpu`, `nvidia.com/gpu`: `true` for four, or a count).
 * Defaults: 16 cpu, 64Gi of memory.
 */
export function node(
  name: string,
  opts: {
    gpu?: boolean | number;
    cpu?: string;
    memory?: string;
    ready?: boolean;
    ip?: string;
  } = {},
) {
  const gpus = opts.gpu === true ? 4 : Number(opts.gpu ?? 0);
  const resources = {
    cpu: opts.cpu ?? '16',
    memory: opts.memory ?? '64Gi',
    pods: '110',
    ...(gpus ? { 'nvidia.com/gpu': String(gpus) } : {}),
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'node-role.kubernetes.io/worker': 'true',
        ...(opts.gpu ? { 'nvidia.com/gpu.present': 'true' } : {}),
      },
    },
    status: {
      capacity: resources,
      allocatable: resources,
      addresses: [
        { type: 'InternalIP', address: opts.ip ?? '10.0.0.5' },
        { type: 'Hostname', address: name },
      ],
      conditions: [
        {
          type: 'Ready',
          status: opts.ready === false ? 'False' : 'True',
          reason: 'KubeletReady',
        },
      ],
    },
  };
}

/** Raw HTTP to the emulator, for headers and bodies client-node hides. */
export async function raw(
  emu: KubernetesEmulator,
  path: string,
  init: {
    method?: string;
    body?: string;
    headers?: Record<string, string>;
    token?: string | null;
  } = {},
): Promise<{
  status: number;
  headers: Headers;
  text: string;
  json: () => unknown;
}> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.token !== null) {
    headers.Authorization = `Bearer ${init.token ?? emu.token}`;
  }
  const res = await fetch(`${emu.url}${path}`, {
    method: init.method ?? 'GET',
    body: init.body,
    headers,
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: () => JSON.parse(text),
  };
}
