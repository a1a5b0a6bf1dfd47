/*
 * The scheduler and the kubelet as the simulated controllers run them: a Pod
 * is bound to a node that passes the scheduler's filters (`scheduling.ts`:
 * schedulable, Ready, matching its nodeSelector, with room for its requests
 * next to the Pods already there), else it stays Pending with
 * FailedScheduling; it turns
 * Running/Ready when told to, with the Events and the container log a real
 * kubelet leaves behind.
 */
import { KubeApi } from './api';
import { KubeObject, Obj, clone, getPath, isObj, nowIso } from './json';
import { ResourceDef, resourceKey } from './resources';
import { nodeIP, podHash } from './controllerUtils';
import { RecordEvent } from './events';
import { failedSchedulingMessage, unfitReasons } from './scheduling';

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

  /**
   * Where the scheduler would bind `pod`: among the nodes that pass its
   * filters (`unfitReasons`), the one with the fewest Pods; else the
   * FailedScheduling message.
   */
  placement(pod: KubeObject): { node?: KubeObject; message: string } {
    const nodes = this.api.store.list(resourceKey(this.nodes));
    const pods = this.api.store.list(resourceKey(this.pods));
    const uid = pod.metadata.uid;
    const boundTo = (n: KubeObject) =>
      pods.filter(
        p =>
          getPath(p, ['spec', 'nodeName']) === n.metadata.name &&
          (uid === undefined || p.metadata.uid !== uid),
      );
    const reasons = nodes.map(n => unfitReasons(pod, n, boundTo(n)));
    const fitting = nodes.filter((_, i) => reasons[i].length === 0);
    if (fitting.length) {
      const load = (n: KubeObject) => boundTo(n).length;
      return {
        node: [...fitting].sort((a, b) => load(a) - load(b))[0],
        message: '',
      };
    }
    return { message: failedSchedulingMessage(nodes.length, reasons) };
  }

  /** The node the scheduler would bind `pod` to, if any. */
  pickNode(pod: KubeObject): KubeObject | undefined {
    return this.placement(pod).node;
  }

  /** Binds a pending Pod to a node (scheduler); returns the node, if any. */
  schedule(pod: KubeObject): KubeObject | undefined {
    const ns = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    const current = this.api.store.get(resourceKey(this.pods), ns, name);
    if (!current) return undefined;
    if (getPath(current, ['spec', 'nodeName'])) return undefined;
    const { node, message } = this.placement(current);
    const now = nowIso();
    const next = clone(current);
    const container = String(
      getPath(current, ['spec', 'containers', '0', 'name']) ?? 'server',
    );
    const image = String(
      getPath(current, ['spec', 'containers', '0', 'image']) ?? '',
    );
    if (!node) {
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
