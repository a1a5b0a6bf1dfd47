/*
 * k3s helm-controller (+ job controller) as the simulated controllers run
 * it: a HelmChart gets a finalizer and a Job `helm-install-<name>` with one
 * Pod that succeeds after `helmJobDelayMs`, or fails with an explanatory pod
 * log when the chart cannot be found. Deleting a HelmChart runs
 * `helm-delete-<name>` first.
 */
import { KubeApi } from './api';
import { StatusError } from './errors';
import {
  KubeObject,
  Obj,
  clone,
  deepEqual,
  getPath,
  isObj,
  nowIso,
} from './json';
import { ResourceDef, resourceKey } from './resources';
import { nodeIP, ownerRef, podHash } from './controllerUtils';
import {
  HELM_CONFIG_HASH,
  HELM_FINALIZER,
  finishedJobStatus,
  finishedPodStatus,
  helmFailure,
  helmJobManifest,
  helmLogPrefix,
  helmLogTail,
} from './helmJob';

export {
  HELM_CHART_LABEL,
  HELM_CONFIG_HASH,
  HELM_FINALIZER,
  KLIPPER_IMAGE,
} from './helmJob';

/** What the helm-controller needs from the simulated controllers. */
export interface HelmControllerHost {
  api: KubeApi;
  charts: ResourceDef;
  jobs: ResourceDef;
  pods: ResourceDef;
  jobDelay: number;
  recordEvent(
    involved: KubeObject,
    reason: string,
    message: string,
    opts: { type?: 'Normal' | 'Warning'; component: string; host?: string },
  ): void;
  later(ms: number, fn: () => void): void;
  safely(fn: () => void): void;
  pickNode(pod: KubeObject): KubeObject | undefined;
  enqueue(key: string): void;
}

export class HelmChartController {
  private readonly pending = new Set<string>();
  private readonly api: KubeApi;
  private readonly charts: ResourceDef;
  private readonly jobs: ResourceDef;
  private readonly pods: ResourceDef;
  private readonly jobDelay: number;
  private readonly recordEvent: HelmControllerHost['recordEvent'];
  private readonly later: HelmControllerHost['later'];
  private readonly safely: HelmControllerHost['safely'];
  private readonly pickNode: HelmControllerHost['pickNode'];
  private readonly enqueue: HelmControllerHost['enqueue'];

  constructor(host: HelmControllerHost) {
    this.api = host.api;
    this.charts = host.charts;
    this.jobs = host.jobs;
    this.pods = host.pods;
    this.jobDelay = host.jobDelay;
    this.recordEvent = host.recordEvent;
    this.later = host.later;
    this.safely = host.safely;
    this.pickNode = host.pickNode;
    this.enqueue = host.enqueue;
  }

  reconcileChart(ns: string, name: string): void {
    const chart = this.api.store.get(resourceKey(this.charts), ns, name);
    if (!chart) return;
    const finalizers = chart.metadata.finalizers ?? [];
    if (chart.metadata.deletionTimestamp) {
      if (finalizers.includes(HELM_FINALIZER)) this.runHelmDelete(chart);
      return;
    }
    if (!finalizers.includes(HELM_FINALIZER)) {
      const next = clone(chart);
      next.metadata.finalizers = [...finalizers, HELM_FINALIZER];
      this.api.update(this.charts, ns, name, next);
      return; // the update event brings us back
    }
    const spec = isObj(chart.spec) ? chart.spec : {};
    const configHash = `SHA256=${podHash(spec)}`;
    const jobName = `helm-install-${name}`;
    let job = this.api.store.get(resourceKey(this.jobs), ns, jobName);
    if (job && job.metadata.annotations?.[HELM_CONFIG_HASH] !== configHash) {
      // spec changed: helm-controller replaces the Job
      this.api.delete(this.jobs, ns, jobName, {
        propagationPolicy: 'Background',
      });
      job = undefined;
    }
    if (!job) {
      job = this.createHelmJob(chart, jobName, 'install', configHash);
      if (!job) return;
    }
    const failed = Number(getPath(job, ['status', 'failed']) ?? 0) > 0;
    const conditions: Obj[] = [
      {
        type: 'JobCreated',
        status: 'True',
        reason: 'Job created',
        message: `Applying HelmChart using Job ${ns}/${jobName}`,
      },
    ];
    if (spec.failurePolicy === 'abort') {
      conditions.push(
        failed
          ? {
              type: 'Failed',
              status: 'True',
              reason: 'Job failed',
              message: 'Helm Job failed and failurePolicy is set to abort',
            }
          : { type: 'Failed', status: 'False', reason: '', message: '' },
      );
    }
    const status = { jobName, conditions };
    const fresh = this.api.store.get(resourceKey(this.charts), ns, name);
    if (fresh && !deepEqual(status, fresh.status)) {
      this.api.update(
        this.charts,
        ns,
        name,
        { ...fresh, status },
        {},
        'status',
      );
    }
  }

  private createHelmJob(
    chart: KubeObject,
    jobName: string,
    action: 'install' | 'delete',
    configHash: string,
  ): KubeObject | undefined {
    const ns = chart.metadata.namespace ?? 'kube-system';
    const name = chart.metadata.name ?? '';
    const spec = isObj(chart.spec) ? chart.spec : {};
    const body = helmJobManifest(chart, jobName, action, configHash);
    let job: KubeObject;
    try {
      job = this.api.create(this.jobs, ns, body).object;
    } catch (e) {
      if (e instanceof StatusError && e.code === 409)
        return this.api.store.get(resourceKey(this.jobs), ns, jobName);
      throw e;
    }
    const template = getPath(job, ['spec', 'template']) as Obj;
    const node = this.pickNode({
      metadata: {},
      spec: template.spec,
    } as unknown as KubeObject);
    const { object: pod } = this.api.create(this.pods, ns, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `${jobName}-`,
        namespace: ns,
        labels: clone(
          getPath(template, ['metadata', 'labels']) as Record<string, string>,
        ),
        annotations: clone(
          getPath(template, ['metadata', 'annotations']) as Record<
            string,
            string
          >,
        ),
        ownerReferences: [ownerRef(job)],
      },
      spec: {
        ...clone(template.spec as Obj),
        ...(node ? { nodeName: node.metadata.name } : {}),
      },
    });
    this.recordEvent(
      job,
      'SuccessfulCreate',
      `Created pod: ${pod.metadata.name}`,
      { component: 'job-controller' },
    );
    const running = clone(pod);
    const now = nowIso();
    running.status = {
      phase: 'Running',
      conditions: [
        'Initialized',
        'Ready',
        'ContainersReady',
        'PodScheduled',
      ].map(type => ({
        type,
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: now,
      })),
      hostIP: nodeIP(node),
      startTime: now,
      containerStatuses: [
        {
          name: 'helm',
          state: { running: { startedAt: now } },
          lastState: {},
          ready: true,
          restartCount: 0,
          image: String(
            getPath(template, ['spec', 'containers', '0', 'image']),
          ),
          imageID: '',
          started: true,
        },
      ],
      qosClass: 'BestEffort',
    };
    this.api.store.write(resourceKey(this.pods), running);
    const jobRunning = clone(job);
    jobRunning.status = {
      active: 1,
      ready: 1,
      startTime: now,
      terminating: 0,
      uncountedTerminatedPods: {},
    };
    job = this.api.store.write(resourceKey(this.jobs), jobRunning);
    this.api.podLogs.set(
      `${ns}/${pod.metadata.name}`,
      helmLogPrefix(action, name, spec, ns),
    );
    const failure = action === 'install' ? helmFailure(spec) : undefined;
    this.later(this.jobDelay, () =>
      this.finishHelmJob(
        ns,
        jobName,
        pod.metadata.name ?? '',
        action,
        name,
        failure,
      ),
    );
    return job;
  }

  private finishHelmJob(
    ns: string,
    jobName: string,
    podName: string,
    action: string,
    chartName: string,
    failure: string | undefined,
  ): void {
    const job = this.api.store.get(resourceKey(this.jobs), ns, jobName);
    if (!job) return;
    const pod = this.api.store.get(resourceKey(this.pods), ns, podName);
    const now = nowIso();
    const key = `${ns}/${podName}`;
    const spec = (this.api.store.get(resourceKey(this.charts), ns, chartName)
      ?.spec ?? {}) as Obj;
    const target = String(spec.targetNamespace ?? ns);
    if (pod) {
      const next = clone(pod);
      next.status = finishedPodStatus(pod, failure, now);
      this.api.store.write(resourceKey(this.pods), next);
      const tail = helmLogTail(action, chartName, target, failure);
      this.api.podLogs.set(key, (this.api.podLogs.get(key) ?? '') + tail);
    }
    const nextJob = clone(job);
    const start = getPath(job, ['status', 'startTime']) ?? now;
    nextJob.status = finishedJobStatus(start, now, failure);
    const stored = this.api.store.write(resourceKey(this.jobs), nextJob);
    if (failure) {
      this.recordEvent(
        stored,
        'BackoffLimitExceeded',
        'Job has reached the specified backoff limit',
        { type: 'Warning', component: 'job-controller' },
      );
    } else {
      this.recordEvent(stored, 'Completed', 'Job completed', {
        component: 'job-controller',
      });
    }
    if (action === 'delete') {
      this.pending.delete(`${ns}/${chartName}`);
      const chart = this.api.store.get(resourceKey(this.charts), ns, chartName);
      if (chart && chart.metadata.deletionTimestamp) {
        const next = clone(chart);
        next.metadata.finalizers = (chart.metadata.finalizers ?? []).filter(
          f => f !== HELM_FINALIZER,
        );
        if (!next.metadata.finalizers.length) delete next.metadata.finalizers;
        this.api.update(this.charts, ns, chartName, next);
        // The chart is gone: its install Job and this delete Job go with it (helm-controller cleans both up).
        for (const jn of [`helm-install-${chartName}`, jobName]) {
          this.safely(() =>
            this.api.delete(this.jobs, ns, jn, {
              propagationPolicy: 'Background',
            }),
          );
        }
      }
    } else {
      this.enqueue(`chart|${ns}|${chartName}`);
    }
  }

  private runHelmDelete(chart: KubeObject): void {
    const ns = chart.metadata.namespace ?? 'kube-system';
    const name = chart.metadata.name ?? '';
    if (this.pending.has(`${ns}/${name}`)) return;
    this.pending.add(`${ns}/${name}`);
    this.recordEvent(
      chart,
      'RemoveJob',
      `Uninstalling HelmChart using Job ${ns}/helm-delete-${name}`,
      { component: 'helm-controller' },
    );
    const jobName = `helm-delete-${name}`;
    if (this.api.store.has(resourceKey(this.jobs), ns, jobName)) {
      this.api.delete(this.jobs, ns, jobName, {
        propagationPolicy: 'Background',
      });
    }
    this.createHelmJob(
      chart,
      jobName,
      'delete',
      `SHA256=${podHash(chart.spec ?? {})}`,
    );
  }
}
