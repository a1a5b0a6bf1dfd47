/*
 * The scheduler and the kubelet as the simulated controllers run them: a Pod
 * is bound to a Ready node that matches its nodeSelector and offers the GPUs
 * it asks for (else it stays Pending with FailedScheduling), and turns
 * Running/Ready when told to, with the Events and the container log a real
 * kubelet leaves behind.
 */
import { KubeApi } from './api';
import { KubeObject, Obj, clone, getPath, isObj, nowIso } from './json';
import { ResourceDef, resourceKey } from './resources';
import { nodeIP, podHash } from './controllerUtils';
import { RecordEvent } from './events';

/** Whether the scheduler may place Pods on a node (Ready, not cordoned). */
export function nodeReady(n: KubeObject): boolean {
  if (getPath(n, ['spec', 'unschedulable']) === true) return false;
  const conds = getPath(n, ['status', 'conditions']);
  if (!Array.isArray(conds) || conds.length === 0) return true; // minimal seeded nodes count as Ready
  return conds.some(c => isObj(c) && c.type === 'Ready' && c.status === 'True');
}

/** Whether a node offers an extended resource such as `nvidia.com/gpu`. */
export function nodeOffers(n: KubeObject, resource: string): boolean {
  const alloc = Number(getPath(n, ['status', 'allocatable', resource]) ?? 0);
  const cap = Number(getPath(n, ['status', 'capacity', resource]) ?? 0);
  const vendor = resource.split('/')[0];
  const labels = n.metadata.labels ?? {};
  return alloc > 0 || cap > 0 || labels[`${vendor}/gpu.present`] === 'true';
}

/** Whether a Pod has its Ready condition. */
export function podReady(p: KubeObject): boolean {
  const conds = getPath(p, ['status', 'conditions']);
  return (
    Array.isArray(conds) &&
    conds.some(c => isObj(c) && c.type === 'Ready' && c.status === 'True')
  );
}

/** What the scheduler and kubelet need from the simulated controllers. */
export interface KubeletHost {
  api: KubeApi;
  nodes: ResourceDef;
  pods: ResourceDef;
  recordEvent: RecordEvent;
}

export class SimulatedKubelet {
  private ipCounter = 0;
  private readonly api: KubeApi;
  private readonly nodes: ResourceDef;
  private readonly pods: ResourceDef;
  private readonly recordEvent: RecordEvent;

  constructor(host: KubeletHost) {
    this.api = host.api;
    this.nodes = host.nodes;
    this.pods = host.pods;
    this.recordEvent = host.recordEvent;
  }

  /** The node the scheduler would bind `pod` to, if any. */
  pickNode(pod: KubeObject): KubeObject | undefined {
    const containers = getPath(pod, ['spec', 'containers']);
    const container = Array.isArray(containers)
      ? (containers[0] as Obj | undefined)
      : undefined;
    const resources = isObj(container?.resources) ? container.resources : {};
    const wanted = {
      ...(resources.requests as Obj),
      ...(resources.limits as Obj),
    };
    const extended = Object.keys(wanted).filter(k => k.endsWith('/gpu'));
    const selector = (getPath(pod, ['spec', 'nodeSelector']) ?? {}) as Record<
      string,
      string
    >;
    // The scheduler places a Pod only on a Ready node whose labels match its
    // nodeSelector and that offers the extended resources (GPUs) it requests.
    const candidates = this.api.store
      .list(resourceKey(this.nodes))
      .filter(nodeReady)
      .filter(n =>
        Object.entries(selector).every(
          ([k, v]) => n.metadata.labels?.[k] === v,
        ),
      )
      .filter(n => extended.every(r => nodeOffers(n, r)));
    if (!candidates.length) return undefined;
    const load = (n: KubeObject) =>
      this.api.store
        .list(resourceKey(this.pods))
        .filter(p => getPath(p, ['spec', 'nodeName']) === n.metadata.name)
        .length;
    return [...candidates].sort((a, b) => load(a) - load(b))[0];
  }

  /** Binds a pending Pod to a node (scheduler); returns the node, if any. */
  schedule(pod: KubeObject): KubeObject | undefined {
    const ns = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    const current = this.api.store.get(resourceKey(this.pods), ns, name);
    if (!current) return undefined;
    if (getPath(current, ['spec', 'nodeName'])) return undefined;
    const node = this.pickNode(current);
    const now = nowIso();
    const next = clone(current);
    const container = String(
      getPath(current, ['spec', 'containers', '0', 'name']) ?? 'server',
    );
    const image = String(
      getPath(current, ['spec', 'containers', '0', 'image']) ?? '',
    );
    if (!node) {
      const total = this.api.store.list(resourceKey(this.nodes)).length;
      const message = `0/${total} nodes are available: ${
        total
          ? `${total} node(s) had untolerated taint or were not ready`
          : 'no nodes available to schedule pods'
      }. preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`;
      const prevCond = getPath(current, ['status', 'conditions']);
      if (!Array.isArray(prevCond) || !prevCond.length) {
        next.status = {
          ...(isObj(current.status) ? current.status : {}),
          phase: 'Pending',
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              lastProbeTime: null,
              lastTransitionTime: now,
              reason: 'Unschedulable',
              message,
            },
          ],
        };
        this.api.store.write(resourceKey(this.pods), next);
        this.recordEvent(next, 'FailedScheduling', message, {
          type: 'Warning',
          component: 'default-scheduler',
        });
      }
      return undefined;
    }
    const nodeName = node.metadata.name ?? '';
    (next.spec as Obj).nodeName = nodeName;
    next.status = {
      ...(isObj(current.status) ? current.status : {}),
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'True',
          lastProbeTime: null,
          lastTransitionTime: now,
        },
      ],
      hostIP: nodeIP(node),
      hostIPs: [{ ip: nodeIP(node) }],
      startTime: now,
      containerStatuses: [
        {
          name: container,
          state: { waiting: { reason: 'ContainerCreating' } },
          lastState: {},
          ready: false,
          restartCount: 0,
          image,
          imageID: '',
          started: false,
        },
      ],
    };
    this.api.store.write(resourceKey(this.pods), next);
    this.recordEvent(
      next,
      'Scheduled',
      `Successfully assigned ${ns}/${name} to ${nodeName}`,
      {
        component: 'default-scheduler',
      },
    );
    return node;
  }

  /** What the kubelet reports once containers run (and, for model pods, pass readiness). */
  markPodRunning(ns: string, name: string, quiet: boolean): void {
    const pod = this.api.store.get(resourceKey(this.pods), ns, name);
    if (
      !pod ||
      pod.metadata.deletionTimestamp ||
      !getPath(pod, ['spec', 'nodeName'])
    )
      return;
    const now = nowIso();
    const nodeName = String(getPath(pod, ['spec', 'nodeName']));
    const containers = (getPath(pod, ['spec', 'containers']) as Obj[]) ?? [];
    this.ipCounter++;
    const podIP = `10.42.${Math.floor(this.ipCounter / 250) % 250}.${
      (this.ipCounter % 250) + 2
    }`;
    const conditions = [
      'PodReadyToStartContainers',
      'Initialized',
      'Ready',
      'ContainersReady',
      'PodScheduled',
    ].map(type => ({
      type,
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: now,
    }));
    const next = clone(pod);
    next.status = {
      ...(isObj(pod.status) ? pod.status : {}),
      phase: 'Running',
      conditions,
      podIP,
      podIPs: [{ ip: podIP }],
      containerStatuses: containers.map(c => ({
        name: c.name,
        state: { running: { startedAt: now } },
        lastState: {},
        ready: true,
        restartCount: 0,
        image: c.image,
        imageID: `docker.io/${String(c.image)}@sha256:${podHash(c.image).padEnd(
          64,
          '0',
        )}`,
        containerID: `containerd://${podHash([name, c.name]).padEnd(64, 'a')}`,
        started: true,
      })),
    };
    this.api.store.write(resourceKey(this.pods), next);
    const modelName = pod.metadata.labels?.model ?? name;
    this.api.podLogs.set(
      `${ns}/${name}`,
      [
        `INFO ${now} Starting model server for ${modelName}`,
        'INFO:     Started server process [1]',
        'INFO:     Waiting for application startup.',
        'INFO:     Application startup complete.',
        'INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)',
        '',
      ].join('\n'),
    );
    if (!quiet) {
      for (const c of containers) {
        this.recordEvent(
          next,
          'Pulled',
          `Container image "${String(c.image)}" already present on machine`,
          { component: 'kubelet', host: nodeName },
        );
        this.recordEvent(
          next,
          'Created',
          `Created container: ${String(c.name)}`,
          { component: 'kubelet', host: nodeName },
        );
        this.recordEvent(
          next,
          'Started',
          `Started container ${String(c.name)}`,
          { component: 'kubelet', host: nodeName },
        );
      }
    }
  }
}
