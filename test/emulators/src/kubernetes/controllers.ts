/*
 * Simulated in-cluster controllers, so that the emulated cluster "moves":
 *
 *  - KubeAI v0.22.1's model controller in its namespace (kubeai.ts holds what
 *    it computes; CONTRACT.kubeai.md the sources): feature labels and
 *    spec.replicas bounds written back to the Model, the profile from the
 *    `kubeai-config` ConfigMap, Pods `model-<name>-<podHash>-<random>` for
 *    `spec.replicas`, rollouts on a spec change, the files ConfigMap, the
 *    cache finalizer and `status.{replicas,cache}`; its autoscaler
 *    (autoscaler.ts) when enabled.
 *  - the scheduler and kubelet: Pods bound to a Ready node that matches their
 *    nodeSelector and offers their GPUs, Running/Ready after
 *    `modelReadyDelayMs`; on Model deletion the garbage collector removes
 *    them (ownerReferences).
 *  - k3s helm-controller (+ job controller), in helmController.ts.
 *  - core/v1 Events for what happens (Scaled, Scheduled, Started,
 *    SuccessfulCreate, Completed, BackoffLimitExceeded, ...).
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
import { StoreEvent } from './store';
import { nodeIP, ownerRef, podHash } from './controllerUtils';
import { HELM_CHART_LABEL, HelmChartController } from './helmController';
import { AutoscalerOptions, ModelAutoscaler } from './autoscaler';
import {
  CACHE_FINALIZER,
  KUBEAI_CONFIG_MAP,
  KubeAiSystemConfig,
  ModelConfig,
  boundedReplicas,
  defaultKubeAiConfig,
  fileKey,
  kubeAiConfigMap,
  modelConfig,
  parseKubeAiConfig,
  podTemplate,
  selfLabels,
} from './kubeai';

/** The KubeAI install the model controller stands for. */
export interface KubeAiOptions {
  /** KubeAI's namespace: it reconciles Models there only (default `kubeai`). */
  namespace?: string;
  /** Its system config (Helm values); default: the chart's plus the seeds' profiles. */
  config?: KubeAiSystemConfig;
  /** Create the `kubeai-config` ConfigMap Helm renders (default true). */
  installConfigMap?: boolean;
}

export interface ControllerOptions {
  /** KubeAI's namespace and system config. */
  kubeai?: KubeAiOptions;
  /** KubeAI's autoscaler; off unless given (see ModelAutoscaler). */
  autoscaler?: AutoscalerOptions;
  /** Time from Pod creation to Running/Ready for model Pods (default 1500). */
  modelReadyDelayMs?: number;
  /** Time a helm install/delete Job runs (default 1500). */
  helmJobDelayMs?: number;
}

function nodeReady(n: KubeObject): boolean {
  if (getPath(n, ['spec', 'unschedulable']) === true) return false;
  const conds = getPath(n, ['status', 'conditions']);
  if (!Array.isArray(conds) || conds.length === 0) return true; // minimal seeded nodes count as Ready
  return conds.some(c => isObj(c) && c.type === 'Ready' && c.status === 'True');
}

/** Whether a node offers an extended resource such as `nvidia.com/gpu`. */
function nodeOffers(n: KubeObject, resource: string): boolean {
  const alloc = Number(getPath(n, ['status', 'allocatable', resource]) ?? 0);
  const cap = Number(getPath(n, ['status', 'capacity', resource]) ?? 0);
  const vendor = resource.split('/')[0];
  const labels = n.metadata.labels ?? {};
  return alloc > 0 || cap > 0 || labels[`${vendor}/gpu.present`] === 'true';
}

function podReady(p: KubeObject): boolean {
  const conds = getPath(p, ['status', 'conditions']);
  return (
    Array.isArray(conds) &&
    conds.some(c => isObj(c) && c.type === 'Ready' && c.status === 'True')
  );
}

export { podHash } from './controllerUtils';

export class SimulatedControllers {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly queue = new Set<string>();
  private scheduled = false;
  private closed = false;
  private readonly unsubscribe: () => void;
  private readonly seededReady = new Map<string, number>();
  private ipCounter = 0;
  private eventCounter = 0;
  private readonly models: ResourceDef;
  private readonly charts: ResourceDef;
  private readonly pods: ResourceDef;
  private readonly jobs: ResourceDef;
  private readonly nodes: ResourceDef;
  private readonly events: ResourceDef;
  private readonly configMaps: ResourceDef;
  private readonly kubeai: {
    namespace: string;
    config: KubeAiSystemConfig;
    install: boolean;
  };
  /** Why the last reconcile of `<ns>/<name>` failed (KubeAI logs it). */
  readonly modelErrors = new Map<string, string>();
  private readonly cacheLoaded = new Set<string>();
  private readonly cacheLoading = new Set<string>();
  private readonly helm: HelmChartController;
  /** KubeAI's autoscaler, when enabled. */
  readonly autoscaler?: ModelAutoscaler;
  private readonly readyDelay: number;
  private readonly jobDelay: number;
  /** Errors reconcilers hit (for debugging tests). */
  readonly errors: Error[] = [];

  constructor(private readonly api: KubeApi, options: ControllerOptions = {}) {
    const reg = api.registry;
    this.models = reg.mustByKind('kubeai.org/v1', 'Model');
    this.charts = reg.mustByKind('helm.cattle.io/v1', 'HelmChart');
    this.pods = reg.mustByKind('v1', 'Pod');
    this.jobs = reg.mustByKind('batch/v1', 'Job');
    this.nodes = reg.mustByKind('v1', 'Node');
    this.events = reg.mustByKind('v1', 'Event');
    this.configMaps = reg.mustByKind('v1', 'ConfigMap');
    this.kubeai = {
      namespace: options.kubeai?.namespace ?? 'kubeai',
      config: options.kubeai?.config ?? defaultKubeAiConfig(),
      install: options.kubeai?.installConfigMap ?? true,
    };
    this.readyDelay = options.modelReadyDelayMs ?? 1500;
    this.jobDelay = options.helmJobDelayMs ?? 1500;
    this.helm = new HelmChartController({
      api,
      charts: this.charts,
      jobs: this.jobs,
      pods: this.pods,
      jobDelay: this.jobDelay,
      recordEvent: (...args) => this.recordEvent(...args),
      later: (ms, fn) => this.later(ms, fn),
      safely: fn => this.safely(fn),
      pickNode: pod => this.pickNode(pod),
      enqueue: key => this.enqueue(key),
    });
    this.unsubscribe = api.store.subscribe(e => this.onEvent(e));
    this.ensureKubeAiConfigMap();
    if (options.autoscaler) {
      this.autoscaler = new ModelAutoscaler(
        api,
        this.models,
        this.kubeai.namespace,
        options.autoscaler,
      );
    }
    for (const m of api.store.list(resourceKey(this.models))) {
      this.enqueue(`model|${m.metadata.namespace}|${m.metadata.name}`);
    }
    for (const c of api.store.list(resourceKey(this.charts))) {
      this.enqueue(`chart|${c.metadata.namespace}|${c.metadata.name}`);
    }
  }

  /** Seeded Models whose status claims ready replicas get their Pods Ready at once. */
  noteSeeded(o: KubeObject): void {
    if (
      o.apiVersion === 'kubeai.org/v1' &&
      o.kind === 'Model' &&
      o.metadata.uid
    ) {
      const ready = Number(getPath(o, ['status', 'replicas', 'ready']) ?? 0);
      if (ready > 0) this.seededReady.set(o.metadata.uid, ready);
      if (getPath(o, ['status', 'cache', 'loaded']) === true)
        this.cacheLoaded.add(o.metadata.uid);
    }
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    this.autoscaler?.close();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) this.safely(fn);
    }, ms);
    this.timers.add(t);
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) {
        this.errors.push(e as Error);
      }
    }
  }

  private onEvent(e: StoreEvent): void {
    if (this.closed) return;
    const o = e.object;
    switch (e.resource) {
      case resourceKey(this.models):
        this.enqueue(`model|${o.metadata.namespace}|${o.metadata.name}`);
        break;
      case resourceKey(this.pods): {
        const model = o.metadata.labels?.model;
        if (model) this.enqueue(`model|${o.metadata.namespace}|${model}`);
        break;
      }
      case '/namespaces':
        if (o.metadata.name === this.kubeai.namespace)
          this.ensureKubeAiConfigMap();
        break;
      case resourceKey(this.configMaps):
        if (o.metadata.name === KUBEAI_CONFIG_MAP) {
          for (const m of this.api.store.list(resourceKey(this.models))) {
            this.enqueue(`model|${m.metadata.namespace}|${m.metadata.name}`);
          }
        }
        break;
      case resourceKey(this.nodes):
        for (const m of this.api.store.list(resourceKey(this.models))) {
          this.enqueue(`model|${m.metadata.namespace}|${m.metadata.name}`);
        }
        break;
      case resourceKey(this.charts):
        this.enqueue(`chart|${o.metadata.namespace}|${o.metadata.name}`);
        break;
      case resourceKey(this.jobs): {
        const chart = o.metadata.labels?.[HELM_CHART_LABEL];
        if (chart && e.type === 'DELETED')
          this.enqueue(`chart|${o.metadata.namespace}|${chart}`);
        break;
      }
      default:
    }
  }

  private enqueue(key: string): void {
    this.queue.add(key);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private drain(): void {
    this.scheduled = false;
    if (this.closed) return;
    const keys = [...this.queue];
    this.queue.clear();
    for (const key of keys) {
      const [kind, ns, name] = key.split('|');
      this.safely(() =>
        kind === 'model'
          ? this.reconcileModel(ns, name)
          : this.helm.reconcileChart(ns, name),
      );
    }
  }

  // ------------------------------------------------------------ events

  /** Records a core/v1 Event about `involved`. */
  recordEvent(
    involved: KubeObject,
    reason: string,
    message: string,
    opts: { type?: 'Normal' | 'Warning'; component: string; host?: string },
  ): void {
    const now = nowIso();
    const suffix = (
      BigInt(Date.now()) * 1000000n +
      BigInt(this.eventCounter++)
    ).toString(16);
    const ns = involved.metadata.namespace ?? 'default';
    const ev = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${involved.metadata.name}.${suffix}`, namespace: ns },
      involvedObject: {
        kind: involved.kind,
        namespace: involved.metadata.namespace,
        name: involved.metadata.name,
        uid: involved.metadata.uid,
        apiVersion: involved.apiVersion,
        resourceVersion: involved.metadata.resourceVersion,
      },
      reason,
      message,
      source: opts.host
        ? { component: opts.component, host: opts.host }
        : { component: opts.component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type: opts.type ?? 'Normal',
      eventTime: null,
      reportingComponent: opts.component,
      reportingInstance: opts.host ?? '',
    };
    this.safely(() => {
      if (this.api.store.has('/namespaces', undefined, ns)) {
        this.api.create(this.events, ns, ev);
      }
    });
  }

  // ------------------------------------------------------------ models

  private pickNode(pod: KubeObject): KubeObject | undefined {
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

  /** KubeAI's system config: its ConfigMap when present, else the options' defaults. */
  private kubeAiConfig(): KubeAiSystemConfig {
    const cm = this.api.store.get(
      resourceKey(this.configMaps),
      this.kubeai.namespace,
      KUBEAI_CONFIG_MAP,
    );
    return (cm && parseKubeAiConfig(cm)) ?? this.kubeai.config;
  }

  /** Helm installed KubeAI: its ConfigMap exists once its namespace does. */
  private ensureKubeAiConfigMap(): void {
    const ns = this.kubeai.namespace;
    if (
      !this.kubeai.install ||
      !this.api.store.has('/namespaces', undefined, ns)
    )
      return;
    if (this.api.store.has(resourceKey(this.configMaps), ns, KUBEAI_CONFIG_MAP))
      return;
    this.safely(() =>
      this.api.create(
        this.configMaps,
        ns,
        kubeAiConfigMap(ns, this.kubeai.config),
      ),
    );
  }

  /** `ensureModelFilesConfigMap` (files.go): `model-<name>-files`, owned by the Model. */
  private reconcileFiles(model: KubeObject): void {
    const ns = model.metadata.namespace ?? 'default';
    const name = `model-${model.metadata.name}-files`;
    const files = getPath(model, ['spec', 'files']);
    const data = Object.fromEntries(
      (Array.isArray(files) ? (files as Obj[]) : []).map(f => [
        fileKey(String(f.path)),
        String(f.content),
      ]),
    );
    const existing = this.api.store.get(resourceKey(this.configMaps), ns, name);
    if (!existing) {
      // Created even when there are no files, like upstream.
      this.api.create(this.configMaps, ns, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: ns, ownerReferences: [ownerRef(model)] },
        data,
      });
    } else if (!Array.isArray(files) || files.length === 0) {
      this.api.delete(this.configMaps, ns, name);
    } else if (!deepEqual(existing.data ?? {}, data)) {
      this.api.update(this.configMaps, ns, name, { ...existing, data });
    }
  }

  private writeModel(model: KubeObject): void {
    this.api.update(
      this.models,
      model.metadata.namespace,
      model.metadata.name ?? '',
      model,
    );
  }

  /**
   * KubeAI's `ModelReconciler.Reconcile` (internal/modelcontroller/
   * model_controller.go at v0.22.1), in its order.
   */
  private reconcileModel(ns: string, name: string): void {
    // KubeAI's manager caches only its own namespace (internal/manager/run.go).
    if (ns !== this.kubeai.namespace) return;
    const model = this.api.store.get(resourceKey(this.models), ns, name);
    if (!model) return;
    const spec = isObj(model.spec) ? model.spec : {};
    this.reconcileFiles(model);

    const next = clone(model);
    const labels = selfLabels(model);
    if (labels) next.metadata.labels = labels;
    const bounded = boundedReplicas(spec);
    if (bounded !== undefined) (next.spec as Obj).replicas = bounded;
    if (
      (labels || bounded !== undefined) &&
      !model.metadata.deletionTimestamp
    ) {
      this.writeModel(next);
      return; // the update event brings us back
    }

    const mc = modelConfig(spec, this.kubeAiConfig());
    if ('error' in mc) {
      // Upstream returns the error: the reconcile is retried, no Pod is made
      // and the status stays as it was.
      this.modelErrors.set(`${ns}/${name}`, mc.error);
      return;
    }
    this.modelErrors.delete(`${ns}/${name}`);
    const ownPods = () =>
      this.api.store
        .list(resourceKey(this.pods), ns)
        .filter(p => p.metadata.labels?.model === name);

    if (model.metadata.deletionTimestamp) {
      for (const p of ownPods()) {
        this.safely(() =>
          this.api.delete(this.pods, ns, p.metadata.name ?? ''),
        );
      }
      const finalizers = model.metadata.finalizers ?? [];
      if (finalizers.includes(CACHE_FINALIZER)) {
        // The cache eviction Job runs, then the finalizer goes.
        this.later(this.readyDelay, () => {
          const m = this.api.store.get(resourceKey(this.models), ns, name);
          if (!m) return;
          const out = clone(m);
          out.metadata.finalizers = finalizers.filter(
            f => f !== CACHE_FINALIZER,
          );
          this.writeModel(out);
        });
      }
      return;
    }

    const status: Obj = isObj(model.status) ? clone(model.status) : {};
    if (mc.cacheProfile) {
      if (
        mc.cacheProfile.sharedFilesystem &&
        !(model.metadata.finalizers ?? []).includes(CACHE_FINALIZER)
      ) {
        next.metadata.finalizers = [
          ...(model.metadata.finalizers ?? []),
          CACHE_FINALIZER,
        ];
        this.writeModel(next);
        return;
      }
      const uid = model.metadata.uid ?? '';
      const loaded = this.cacheLoaded.has(uid);
      status.cache = { loaded };
      if (!loaded) {
        // The load Job downloads the model into the cache PVC first; no
        // server Pod exists before it completes.
        if (!this.cacheLoading.has(uid)) {
          this.cacheLoading.add(uid);
          this.later(this.readyDelay, () => {
            this.cacheLoaded.add(uid);
            this.enqueue(`model|${ns}|${name}`);
          });
        }
        this.writeModelStatus(ns, name, status);
        return;
      }
    }

    const pods = ownPods();
    status.replicas = {
      all: pods.length,
      ready: pods.filter(podReady).length,
    };
    this.planPods(model, mc, pods);
    this.writeModelStatus(ns, name, status);
  }

  private writeModelStatus(ns: string, name: string, status: Obj): void {
    const fresh = this.api.store.get(resourceKey(this.models), ns, name);
    if (fresh && !deepEqual(status, fresh.status)) {
      this.api.update(
        this.models,
        ns,
        name,
        { ...fresh, status },
        {},
        'status',
      );
    }
  }

  /** `calculatePodPlan` + `execute` (pod_plan.go), surge from modelRollouts. */
  private planPods(
    model: KubeObject,
    mc: ModelConfig,
    pods: KubeObject[],
  ): void {
    const ns = model.metadata.namespace ?? 'default';
    const name = model.metadata.name ?? '';
    const spec = model.spec as Obj;
    const template = podTemplate(model, mc);
    const hash = podHash(template.spec);
    const surge = this.kubeAiConfig().modelRollouts.surge ?? 0;
    const upToDate = (p: KubeObject) =>
      p.metadata.labels?.['pod-hash'] === hash;
    const sorted = [...pods].sort((a, b) => {
      const ra = podReady(a);
      const rb = podReady(b);
      if (ra !== rb) return ra ? 1 : -1;
      const sa = !!getPath(a, ['spec', 'nodeName']);
      const sb = !!getPath(b, ['spec', 'nodeName']);
      if (sa !== sb) return sa ? 1 : -1;
      if (upToDate(a) !== upToDate(b)) return upToDate(a) ? 1 : -1;
      return String(b.metadata.creationTimestamp).localeCompare(
        String(a.metadata.creationTimestamp),
      );
    });
    const outOfDate = sorted.filter(p => !upToDate(p));
    const readyAll = sorted.filter(podReady).length;
    let desired = typeof spec.replicas === 'number' ? spec.replicas : 0;
    if (outOfDate.length) desired += surge;
    const toDelete = new Set<KubeObject>();
    let toCreate = 0;
    const diff = sorted.length - desired;
    if (diff < 0) toCreate += -diff;
    if (diff > 0) sorted.slice(0, diff).forEach(p => toDelete.add(p));
    let recreated = 0;
    for (const p of outOfDate) {
      if (!podReady(p) || readyAll === desired) {
        const wasReady = podReady(p);
        toDelete.add(p);
        if (recreated < outOfDate.length - surge) {
          toCreate++;
          recreated++;
        }
        if (wasReady) break;
      }
    }
    if (toDelete.size || toCreate) {
      this.recordEvent(
        model,
        'Scaled',
        `Scaled model from ${pods.length} to ${
          pods.length - toDelete.size + toCreate
        } replicas`,
        { component: 'kubeai-model-controller' },
      );
    }
    for (const p of toDelete) {
      this.safely(() => this.api.delete(this.pods, ns, p.metadata.name ?? ''));
    }
    for (let i = 0; i < toCreate; i++) {
      const { object: pod } = this.api.create(this.pods, ns, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          generateName: `model-${name}-${hash}-`,
          namespace: ns,
          labels: { ...template.labels, 'pod-hash': hash },
          annotations: { 'model-pod-port': '8000' },
          ownerReferences: [ownerRef(model)],
        },
        spec: clone(template.spec),
      });
      this.bindAndStart(model, pod);
    }
    for (const p of pods) {
      if (!toDelete.has(p) && !getPath(p, ['spec', 'nodeName'])) {
        this.bindAndStart(model, p);
      }
    }
  }

  /** Schedules a model Pod and starts its containers after the ready delay. */
  private bindAndStart(model: KubeObject, pod: KubeObject): void {
    const ns = pod.metadata.namespace ?? 'default';
    const uid = model.metadata.uid ?? '';
    const node = this.schedule(pod);
    if (!node) return;
    const seeded = this.seededReady.get(uid) ?? 0;
    if (seeded > 0) {
      this.seededReady.set(uid, seeded - 1);
      this.markPodRunning(ns, pod.metadata.name ?? '', true);
    } else {
      this.later(this.readyDelay, () =>
        this.markPodRunning(ns, pod.metadata.name ?? '', false),
      );
    }
  }

  /** Binds a pending Pod to a node (scheduler); returns the node, if any. */
  private schedule(pod: KubeObject): KubeObject | undefined {
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
  private markPodRunning(ns: string, name: string, quiet: boolean): void {
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
