/*
 * Simulated in-cluster controllers, so that the emulated cluster "moves":
 *
 *  - KubeAI v0.22.1's model controller in its namespace (modelController.ts,
 *    with what it computes in kubeai.ts; CONTRACT.kubeai.md the sources); its
 *    autoscaler (autoscaler.ts) when enabled.
 *  - the scheduler and kubelet (kubelet.ts, scheduling.ts): Pods bound to a
 *    node that passes the scheduler's filters and has room for their
 *    requests (GPUs, cpu, memory), retried when a node changes or a bound Pod
 *    goes away; Running/Ready after
 *    `modelReadyDelayMs`; on Model deletion the garbage collector removes
 *    them (ownerReferences).
 *  - k3s helm-controller (+ job controller), in helmController.ts.
 *  - core/v1 Events for what happens (events.ts).
 *
 * This file routes store events to them through one work queue.
 */
import { KubeApi } from './api';
import { StatusError } from './errors';
import { KubeObject, getPath } from './json';
import { ResourceDef, resourceKey } from './resources';
import { StoreEvent } from './store';
import { HELM_CHART_LABEL, HelmChartController } from './helmController';
import { AutoscalerOptions, ModelAutoscaler } from './autoscaler';
import { KUBEAI_CONFIG_MAP, defaultKubeAiConfig } from './kubeai';
import { EventOptions, EventRecorder } from './events';
import { SimulatedKubelet } from './kubelet';
import { KubeAiModelController, KubeAiOptions } from './modelController';

export type { KubeAiOptions } from './modelController';

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

export { podHash } from './controllerUtils';

export class SimulatedControllers {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly queue = new Set<string>();
  private scheduled = false;
  private closed = false;
  private readonly unsubscribe: () => void;
  private readonly models: ResourceDef;
  private readonly charts: ResourceDef;
  private readonly pods: ResourceDef;
  private readonly jobs: ResourceDef;
  private readonly nodes: ResourceDef;
  private readonly configMaps: ResourceDef;
  private readonly kubeaiNamespace: string;
  private readonly eventRecorder: EventRecorder;
  private readonly kubelet: SimulatedKubelet;
  private readonly model: KubeAiModelController;
  /** Why the last reconcile of `<ns>/<name>` failed (KubeAI logs it). */
  readonly modelErrors: Map<string, string>;
  private readonly helm: HelmChartController;
  /** KubeAI's autoscaler, when enabled. */
  readonly autoscaler?: ModelAutoscaler;
  /** Errors reconcilers hit (for debugging tests). */
  readonly errors: Error[] = [];

  constructor(private readonly api: KubeApi, options: ControllerOptions = {}) {
    const reg = api.registry;
    this.models = reg.mustByKind('kubeai.org/v1', 'Model');
    this.charts = reg.mustByKind('helm.cattle.io/v1', 'HelmChart');
    this.pods = reg.mustByKind('v1', 'Pod');
    this.jobs = reg.mustByKind('batch/v1', 'Job');
    this.nodes = reg.mustByKind('v1', 'Node');
    this.configMaps = reg.mustByKind('v1', 'ConfigMap');
    const kubeai = {
      namespace: options.kubeai?.namespace ?? 'kubeai',
      config: options.kubeai?.config ?? defaultKubeAiConfig(),
      install: options.kubeai?.installConfigMap ?? true,
    };
    this.kubeaiNamespace = kubeai.namespace;
    const safely = (fn: () => void) => this.safely(fn);
    const later = (ms: number, fn: () => void) => this.later(ms, fn);
    const enqueue = (key: string) => this.enqueue(key);
    this.eventRecorder = new EventRecorder(
      api,
      reg.mustByKind('v1', 'Event'),
      safely,
    );
    const recordEvent = this.recordEvent.bind(this);
    this.kubelet = new SimulatedKubelet({
      api,
      nodes: this.nodes,
      pods: this.pods,
      recordEvent,
    });
    this.model = new KubeAiModelController({
      api,
      models: this.models,
      pods: this.pods,
      configMaps: this.configMaps,
      services: reg.mustByKind('v1', 'Service'),
      kubeai,
      readyDelay: options.modelReadyDelayMs ?? 1500,
      kubelet: this.kubelet,
      recordEvent,
      later,
      safely,
      enqueue,
    });
    this.modelErrors = this.model.modelErrors;
    this.helm = new HelmChartController({
      api,
      charts: this.charts,
      jobs: this.jobs,
      pods: this.pods,
      jobDelay: options.helmJobDelayMs ?? 1500,
      recordEvent,
      later,
      safely,
      pickNode: pod => this.kubelet.pickNode(pod),
      enqueue,
    });
    this.unsubscribe = api.store.subscribe(e => this.onEvent(e));
    this.model.ensureKubeAiInstall();
    if (options.autoscaler) {
      this.autoscaler = new ModelAutoscaler(
        api,
        this.models,
        kubeai.namespace,
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
    if (o.apiVersion === 'kubeai.org/v1' && o.kind === 'Model') {
      this.model.noteSeeded(o);
    }
  }

  /** Records a core/v1 Event about `involved`. */
  recordEvent(
    involved: KubeObject,
    reason: string,
    message: string,
    opts: EventOptions,
  ): void {
    this.eventRecorder.record(involved, reason, message, opts);
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
        // A bound Pod going away frees its node's resources: the scheduler
        // retries the Pods it could not place (its unschedulable queue).
        if (e.type === 'DELETED' && getPath(o, ['spec', 'nodeName'])) {
          this.retryUnscheduled();
        }
        break;
      }
      case '/namespaces':
        if (o.metadata.name === this.kubeaiNamespace)
          this.model.ensureKubeAiInstall();
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

  private retryUnscheduled(): void {
    for (const p of this.api.store.list(resourceKey(this.pods))) {
      const model = p.metadata.labels?.model;
      if (model && !getPath(p, ['spec', 'nodeName'])) {
        this.enqueue(`model|${p.metadata.namespace}|${model}`);
      }
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
          ? this.model.reconcileModel(ns, name)
          : this.helm.reconcileChart(ns, name),
      );
    }
  }
}
