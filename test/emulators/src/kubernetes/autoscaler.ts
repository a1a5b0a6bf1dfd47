/*
 * KubeAI's model autoscaler (internal/modelautoscaler/autoscaler.go and
 * internal/modelclient/scale.go at v0.22.1): every interval it averages each
 * Model's active requests over a time window, wants
 * ceil(average / spec.targetRequests) replicas within [minReplicas,
 * maxReplicas], and writes that through the scale subresource. A scale-down
 * happens only after ceil(scaleDownDelaySeconds / interval) consecutive runs
 * that wanted fewer. Models with `autoscalingDisabled` are skipped.
 *
 * The emulator has no traffic of its own: tests set the active requests a
 * Model's proxy would report with `setActiveRequests`.
 */
import { KubeApi } from './api';
import { KubeObject, Obj, isObj } from './json';
import { enforceReplicaBounds } from './kubeai';
import { ResourceDef, resourceKey } from './resources';

export interface AutoscalerOptions {
  /** Real milliseconds between two runs (KubeAI: `modelAutoscaling.interval`). */
  intervalMs: number;
  /** Seconds of KubeAI time one run stands for (default 10, the chart's interval). */
  intervalSeconds?: number;
  /** Seconds the moving average covers (default 600, the chart's `timeWindow`). */
  timeWindowSeconds?: number;
}

export class ModelAutoscaler {
  private readonly timer: NodeJS.Timeout;
  private readonly active = new Map<string, number>();
  private readonly history = new Map<string, number[]>();
  private readonly scaleDowns = new Map<string, number>();
  private readonly intervalSeconds: number;
  private readonly windowRuns: number;

  constructor(
    private readonly api: KubeApi,
    private readonly models: ResourceDef,
    private readonly namespace: string,
    options: AutoscalerOptions,
  ) {
    this.intervalSeconds = options.intervalSeconds ?? 10;
    this.windowRuns = Math.ceil(
      (options.timeWindowSeconds ?? 600) / this.intervalSeconds,
    );
    this.timer = setInterval(() => this.run(), options.intervalMs);
    this.timer.unref?.();
  }

  /** The active requests KubeAI's proxy counts for a Model right now. */
  setActiveRequests(model: string, requests: number): void {
    this.active.set(model, requests);
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** One autoscaler run (exposed so tests need not wait for the interval). */
  run(): void {
    const models = this.api.store.list(
      resourceKey(this.models),
      this.namespace,
    );
    for (const m of models) {
      try {
        this.scaleModel(m);
      } catch {
        // A failed scale is retried on the next run, like upstream's log-and-continue.
      }
    }
  }

  private scaleModel(m: KubeObject): void {
    const spec = (isObj(m.spec) ? m.spec : {}) as Obj;
    if (spec.autoscalingDisabled === true || m.metadata.deletionTimestamp)
      return;
    const name = m.metadata.name ?? '';
    // The moving average starts from a zero-filled window (getMovingAvgActiveReqPerModel).
    const window = this.history.get(name) ?? new Array(this.windowRuns).fill(0);
    window.push(this.active.get(name) ?? 0);
    window.shift();
    this.history.set(name, window);
    const avg = window.reduce((a, b) => a + b, 0) / window.length;
    const target =
      typeof spec.targetRequests === 'number' ? spec.targetRequests : 100;
    const delay =
      typeof spec.scaleDownDelaySeconds === 'number'
        ? spec.scaleDownDelaySeconds
        : 30;
    const required = Math.ceil(delay / this.intervalSeconds);
    const wanted = enforceReplicaBounds(Math.ceil(avg / target), spec);
    const existing = typeof spec.replicas === 'number' ? spec.replicas : 0;
    if (existing > wanted) {
      const consecutive = this.scaleDowns.get(name) ?? 0;
      if (consecutive < required) {
        this.scaleDowns.set(name, consecutive + 1);
        return;
      }
    } else {
      this.scaleDowns.set(name, 0);
    }
    if (existing !== wanted) {
      this.api.updateScale(this.models, this.namespace, name, {
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: { name, namespace: this.namespace },
        spec: { replicas: wanted },
      });
    }
  }
}
