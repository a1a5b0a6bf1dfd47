/*
 * KubeAI v0.22.1's model controller as the simulated controllers run it in
 * its namespace (kubeai.ts holds what it computes, CONTRACT.kubeai.md the
 * sources): feature labels and spec.replicas bounds written back to the
 * Model, the profile from the `kubeai-config` ConfigMap, Pods
 * `model-<name>-<podHash>-<random>` for `spec.replicas`, rollouts on a spec
 * change, the files ConfigMap, the cache finalizer and
 * `status.{replicas,cache}`.
 */
import { KubeApi } from './api';
import { KubeObject, Obj, clone, deepEqual, getPath, isObj } from './json';
import { ResourceDef, resourceKey } from './resources';
import { ownerRef, podHash } from './controllerUtils';
import { RecordEvent } from './events';
import { SimulatedKubelet, podReady } from './kubelet';
import {
  CACHE_FINALIZER,
  KUBEAI_CONFIG_MAP,
  KubeAiSystemConfig,
  ModelConfig,
  boundedReplicas,
  fileKey,
  kubeAiConfigMap,
  modelConfig,
  parseKubeAiConfig,
  podTemplate,
  selfLabels,
} from './kubeai';

/** The chart's Service in front of KubeAI's OpenAI-compatible API. */
export const KUBEAI_SERVICE = 'kubeai';

/**
 * `charts/kubeai/templates/service.yaml` rendered with the chart's values
 * (release `kubeai`): one Service for every Model, selecting KubeAI's own
 * Pod, not the model Pods, so it carries no `model` label.
 */
export function kubeAiService(namespace: string): KubeObject {
  const selector = {
    'app.kubernetes.io/name': 'kubeai',
    'app.kubernetes.io/instance': 'kubeai',
  };
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: KUBEAI_SERVICE,
      namespace,
      labels: {
        'helm.sh/chart': 'kubeai-0.22.1',
        ...selector,
        'app.kubernetes.io/version': 'v0.22.1',
        'app.kubernetes.io/managed-by': 'Helm',
      },
    },
    spec: {
      type: 'ClusterIP',
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
      selector,
    },
  };
}

/** The KubeAI install the model controller stands for. */
export interface KubeAiOptions {
  /** KubeAI's namespace: it reconciles Models there only (default `kubeai`). */
  namespace?: string;
  /** Its system config (Helm values); default: the chart's plus the seeds' profiles. */
  config?: KubeAiSystemConfig;
  /**
   * Create what the Helm chart renders that clients read: the `kubeai-config`
   * ConfigMap and the `kubeai` Service (default true).
   */
  installConfigMap?: boolean;
}

/** What the model controller needs from the simulated controllers. */
export interface ModelControllerHost {
  api: KubeApi;
  models: ResourceDef;
  pods: ResourceDef;
  configMaps: ResourceDef;
  services: ResourceDef;
  kubeai: { namespace: string; config: KubeAiSystemConfig; install: boolean };
  /** Time from Pod creation to Running/Ready. */
  readyDelay: number;
  kubelet: SimulatedKubelet;
  recordEvent: RecordEvent;
  later(ms: number, fn: () => void): void;
  safely(fn: () => void): void;
  enqueue(key: string): void;
}

export class KubeAiModelController {
  /** Why the last reconcile of `<ns>/<name>` failed (KubeAI logs it). */
  readonly modelErrors = new Map<string, string>();
  private readonly seededReady = new Map<string, number>();
  private readonly cacheLoaded = new Set<string>();
  private readonly cacheLoading = new Set<string>();
  private readonly api: KubeApi;
  private readonly models: ResourceDef;
  private readonly pods: ResourceDef;
  private readonly configMaps: ResourceDef;
  private readonly services: ResourceDef;
  private readonly kubeai: ModelControllerHost['kubeai'];
  private readonly readyDelay: number;
  private readonly kubelet: SimulatedKubelet;
  private readonly recordEvent: RecordEvent;
  private readonly later: ModelControllerHost['later'];
  private readonly safely: ModelControllerHost['safely'];
  private readonly enqueue: ModelControllerHost['enqueue'];

  constructor(host: ModelControllerHost) {
    this.api = host.api;
    this.models = host.models;
    this.pods = host.pods;
    this.configMaps = host.configMaps;
    this.services = host.services;
    this.kubeai = host.kubeai;
    this.readyDelay = host.readyDelay;
    this.kubelet = host.kubelet;
    this.recordEvent = host.recordEvent;
    this.later = host.later;
    this.safely = host.safely;
    this.enqueue = host.enqueue;
  }

  /** Seeded Models whose status claims ready replicas get their Pods Ready at once. */
  noteSeeded(o: KubeObject): void {
    if (o.metadata.uid) {
      const ready = Number(getPath(o, ['status', 'replicas', 'ready']) ?? 0);
      if (ready > 0) this.seededReady.set(o.metadata.uid, ready);
      if (getPath(o, ['status', 'cache', 'loaded']) === true)
        this.cacheLoaded.add(o.metadata.uid);
    }
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

  /**
   * Helm installed KubeAI: its ConfigMap and its Service exist once its
   * namespace does (the chart's Deployment is not emulated: KubeAI's own Pod
   * is this controller).
   */
  ensureKubeAiInstall(): void {
    const ns = this.kubeai.namespace;
    if (
      !this.kubeai.install ||
      !this.api.store.has('/namespaces', undefined, ns)
    )
      return;
    if (
      !this.api.store.has(resourceKey(this.configMaps), ns, KUBEAI_CONFIG_MAP)
    ) {
      this.safely(() =>
        this.api.create(
          this.configMaps,
          ns,
          kubeAiConfigMap(ns, this.kubeai.config),
        ),
      );
    }
    if (!this.api.store.has(resourceKey(this.services), ns, KUBEAI_SERVICE)) {
      this.safely(() => this.api.create(this.services, ns, kubeAiService(ns)));
    }
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
  reconcileModel(ns: string, name: string): void {
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
    const node = this.kubelet.schedule(pod);
    if (!node) return;
    const seeded = this.seededReady.get(uid) ?? 0;
    if (seeded > 0) {
      this.seededReady.set(uid, seeded - 1);
      this.kubelet.markPodRunning(ns, pod.metadata.name ?? '', true);
    } else {
      this.later(this.readyDelay, () =>
        this.kubelet.markPodRunning(ns, pod.metadata.name ?? '', false),
      );
    }
  }
}
