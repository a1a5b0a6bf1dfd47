/*
 * Simulated in-cluster controllers, so that the emulated cluster "moves":
 *
 *  - KubeAI's model controller (+ scheduler + kubelet): a Model gets
 *    `spec.replicas ?? spec.minReplicas ?? 0` Pods named
 *    `model-<name>-<podHash>-<random>` (KubeAI uses that generateName), bound
 *    to a Ready node (GPU nodes first for `nvidia-*` resource profiles), which
 *    turn Running/Ready after `modelReadyDelayMs`; `status.replicas.{all,ready}`
 *    follows. Pods are deleted on scale-down; on Model deletion the garbage
 *    collector removes them (ownerReferences).
 *  - k3s helm-controller (+ job controller): a HelmChart gets a finalizer and a
 *    Job `helm-install-<name>` with one Pod that succeeds after
 *    `helmJobDelayMs`, or fails with an explanatory pod log when the chart
 *    cannot be found. Deleting a HelmChart runs `helm-delete-<name>` first.
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

export interface ControllerOptions {
  /** Time from Pod creation to Running/Ready for model Pods (default 1500). */
  modelReadyDelayMs?: number;
  /** Time a helm install/delete Job runs (default 1500). */
  helmJobDelayMs?: number;
}

const HELM_FINALIZER = 'wrangler.cattle.io/on-helm-chart-remove';
const HELM_CONFIG_HASH = 'helmcharts.helm.cattle.io/configHash';
const HELM_CHART_LABEL = 'helmcharts.helm.cattle.io/chart';
const KLIPPER_IMAGE = 'rancher/klipper-helm:v0.9.8-build20250709';
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `k8sutils.PodHash`-like: FNV-32a of the spec, encoded like rand.SafeEncodeString. */
export function podHash(v: unknown): string {
  let h = 0x811c9dc5;
  for (const ch of JSON.stringify(v)) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return [...String(h)]
    .map(c => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length])
    .join('');
}

function engineApp(engine: unknown): string {
  switch (engine) {
    case 'OLlama':
      return 'ollama';
    case 'Infinity':
      return 'infinity';
    case 'FasterWhisper':
      return 'faster-whisper';
    default:
      return 'vllm';
  }
}

function engineImage(engine: unknown, gpu: boolean): string {
  switch (engine) {
    case 'OLlama':
      return 'ollama/ollama:0.12.3';
    case 'Infinity':
      return 'michaelf34/infinity:0.0.77';
    case 'FasterWhisper':
      return gpu
        ? 'fedirz/faster-whisper-server:0.6.0-rc.3-cuda'
        : 'fedirz/faster-whisper-server:0.6.0-rc.3-cpu';
    default:
      return gpu
        ? 'vllm/vllm-openai:v0.11.0'
        : 'substratusai/vllm:v0.6.3.post1-cpu';
  }
}

function profileResources(profile: string | undefined): Obj {
  if (!profile) return {};
  const [name, countStr] = profile.split(':');
  const count = Number(countStr ?? '1') || 1;
  if (name.startsWith('nvidia')) {
    return {
      requests: { 'nvidia.com/gpu': String(count) },
      limits: { 'nvidia.com/gpu': String(count) },
    };
  }
  if (name.startsWith('amd')) {
    return {
      requests: { 'amd.com/gpu': String(count) },
      limits: { 'amd.com/gpu': String(count) },
    };
  }
  return { requests: { cpu: String(count), memory: `${count * 2}Gi` } };
}

function nodeReady(n: KubeObject): boolean {
  if (getPath(n, ['spec', 'unschedulable']) === true) return false;
  const conds = getPath(n, ['status', 'conditions']);
  if (!Array.isArray(conds) || conds.length === 0) return true; // minimal seeded nodes count as Ready
  return conds.some(c => isObj(c) && c.type === 'Ready' && c.status === 'True');
}

function nodeHasGpu(n: KubeObject): boolean {
  const alloc = Number(
    getPath(n, ['status', 'allocatable', 'nvidia.com/gpu']) ?? 0,
  );
  const cap = Number(getPath(n, ['status', 'capacity', 'nvidia.com/gpu']) ?? 0);
  const labels = n.metadata.labels ?? {};
  return alloc > 0 || cap > 0 || labels['nvidia.com/gpu.present'] === 'true';
}

function nodeIP(n: KubeObject | undefined): string {
  const addrs = getPath(n, ['status', 'addresses']);
  const ip = Array.isArray(addrs)
    ? addrs.find(a => isObj(a) && a.type === 'InternalIP')
    : undefined;
  return isObj(ip) ? String(ip.address) : '10.0.0.10';
}

function podReady(p: KubeObject): boolean {
  const conds = getPath(p, ['status', 'conditions']);
  return (
    Array.isArray(conds) &&
    conds.some(c => isObj(c) && c.type === 'Ready' && c.status === 'True')
  );
}

function ownedBy(o: KubeObject, owner: KubeObject): boolean {
  return (o.metadata.ownerReferences ?? []).some(
    r => r.uid === owner.metadata.uid,
  );
}

function ownerRef(owner: KubeObject) {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

function helmFailure(spec: Obj): string | undefined {
  const chart = String(spec.chart ?? '');
  const repo = spec.repo === undefined ? undefined : String(spec.repo);
  if (spec.chartContent) return undefined;
  if (
    repo !== undefined &&
    repo !== '' &&
    !repo.startsWith('http') &&
    !repo.startsWith('oci')
  ) {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(repo)?.[1];
    return scheme
      ? `Error: INSTALLATION FAILED: could not find protocol handler for: ${scheme}`
      : `Error: INSTALLATION FAILED: looks like "${repo}" is not a valid chart repository or cannot be reached: Get "${repo}/index.yaml": unsupported protocol scheme ""`;
  }
  if (chart.includes('does-not-exist')) {
    const version = spec.version ? ` version "${String(spec.version)}"` : '';
    return repo
      ? `Error: INSTALLATION FAILED: chart "${chart}"${version} not found in ${repo} repository`
      : `Error: INSTALLATION FAILED: repo ${chart.split('/')[0]} not found`;
  }
  return undefined;
}

export class SimulatedControllers {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly queue = new Set<string>();
  private scheduled = false;
  private closed = false;
  private readonly unsubscribe: () => void;
  private readonly seededReady = new Map<string, number>();
  private readonly pending = new Set<string>();
  private ipCounter = 0;
  private eventCounter = 0;
  private readonly models: ResourceDef;
  private readonly charts: ResourceDef;
  private readonly pods: ResourceDef;
  private readonly jobs: ResourceDef;
  private readonly nodes: ResourceDef;
  private readonly events: ResourceDef;
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
    this.readyDelay = options.modelReadyDelayMs ?? 1500;
    this.jobDelay = options.helmJobDelayMs ?? 1500;
    this.unsubscribe = api.store.subscribe(e => this.onEvent(e));
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
    }
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
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
          : this.reconcileChart(ns, name),
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

  private pickNode(wantsGpu: boolean): KubeObject | undefined {
    const nodes = this.api.store
      .list(resourceKey(this.nodes))
      .filter(nodeReady);
    if (!nodes.length) return undefined;
    const gpu = nodes.filter(nodeHasGpu);
    const candidates = wantsGpu && gpu.length ? gpu : nodes;
    const load = (n: KubeObject) =>
      this.api.store
        .list(resourceKey(this.pods))
        .filter(p => getPath(p, ['spec', 'nodeName']) === n.metadata.name)
        .length;
    return [...candidates].sort((a, b) => load(a) - load(b))[0];
  }

  private reconcileModel(ns: string, name: string): void {
    const model = this.api.store.get(resourceKey(this.models), ns, name);
    if (!model || model.metadata.deletionTimestamp) return;
    const spec = isObj(model.spec) ? model.spec : {};
    const desired = Number(spec.replicas ?? spec.minReplicas ?? 0) || 0;
    let pods = this.api.store
      .list(resourceKey(this.pods), ns)
      .filter(
        p =>
          p.metadata.labels?.model === name &&
          ownedBy(p, model) &&
          !p.metadata.deletionTimestamp,
      );

    const profile =
      typeof spec.resourceProfile === 'string'
        ? spec.resourceProfile
        : undefined;
    const wantsGpu = !!profile?.startsWith('nvidia');
    const template = {
      engine: spec.engine,
      url: spec.url,
      image: spec.image,
      args: spec.args,
      env: spec.env,
      resourceProfile: profile,
      files: spec.files,
    };
    const hash = podHash(template);

    if (pods.length !== desired) {
      this.recordEvent(
        model,
        'Scaled',
        `Scaled model from ${pods.length} to ${desired} replicas`,
        {
          component: 'kubeai-model-controller',
        },
      );
    }
    if (pods.length > desired) {
      // not ready, then unscheduled, then youngest first (sortPodsByDeletionOrder)
      const order = [...pods].sort((a, b) => {
        const ra = podReady(a);
        const rb = podReady(b);
        if (ra !== rb) return ra ? 1 : -1;
        const sa = !!getPath(a, ['spec', 'nodeName']);
        const sb = !!getPath(b, ['spec', 'nodeName']);
        if (sa !== sb) return sa ? 1 : -1;
        return String(b.metadata.creationTimestamp).localeCompare(
          String(a.metadata.creationTimestamp),
        );
      });
      for (const p of order.slice(0, pods.length - desired)) {
        this.safely(() =>
          this.api.delete(this.pods, ns, p.metadata.name ?? ''),
        );
      }
    }
    for (let i = pods.length; i < desired; i++) {
      this.createModelPod(model, hash, wantsGpu, profile);
    }
    pods = this.api.store
      .list(resourceKey(this.pods), ns)
      .filter(p => p.metadata.labels?.model === name && ownedBy(p, model));
    for (const p of pods) {
      if (!getPath(p, ['spec', 'nodeName']))
        this.bindAndStart(model, p, wantsGpu);
    }
    const fresh = this.api.store.get(resourceKey(this.models), ns, name);
    if (!fresh) return;
    const status: Obj = {
      ...(isObj(fresh.status) ? clone(fresh.status) : {}),
      replicas: { all: pods.length, ready: pods.filter(podReady).length },
    };
    if (spec.cacheProfile) {
      const loaded = getPath(fresh, ['status', 'cache', 'loaded']) === true;
      status.cache = { loaded: loaded || pods.some(podReady) };
    }
    if (!deepEqual(status, fresh.status)) {
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

  private createModelPod(
    model: KubeObject,
    hash: string,
    wantsGpu: boolean,
    profile: string | undefined,
  ): void {
    const spec = model.spec as Obj;
    const name = model.metadata.name ?? '';
    const ns = model.metadata.namespace ?? 'default';
    const url = String(spec.url ?? '');
    const engine = spec.engine;
    const args: string[] = [];
    if (engine === 'VLLM' || engine === undefined) {
      const repo = url.replace(/^[a-z0-9]+:\/\//, '').split('?')[0];
      args.push(
        `--model=${url.startsWith('hf://') ? repo : '/model'}`,
        `--served-model-name=${name}`,
      );
    }
    args.push(...((spec.args as string[] | undefined) ?? []));
    const env = isObj(spec.env)
      ? Object.entries(spec.env).map(([k, v]) => ({
          name: k,
          value: String(v),
        }))
      : [];
    const labels: Record<string, string> = {
      'app.kubernetes.io/name': engineApp(engine),
      'app.kubernetes.io/managed-by': 'kubeai',
      model: name,
      'pod-hash': hash,
    };
    const podBody = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `model-${name}-${hash}-`,
        namespace: ns,
        labels,
        annotations: { 'model-pod-port': '8000' },
        ownerReferences: [ownerRef(model)],
      },
      spec: {
        containers: [
          {
            name: 'server',
            image:
              typeof spec.image === 'string'
                ? spec.image
                : engineImage(engine, wantsGpu),
            args,
            env,
            ports: [{ containerPort: 8000, name: 'http', protocol: 'TCP' }],
            resources: profileResources(profile),
            readinessProbe: {
              httpGet: {
                path: engine === 'OLlama' ? '/' : '/health',
                port: 'http',
              },
            },
          },
        ],
        ...(typeof spec.priorityClassName === 'string'
          ? { priorityClassName: spec.priorityClassName }
          : {}),
      },
    };
    const { object: pod } = this.api.create(this.pods, ns, podBody);
    this.bindAndStart(model, pod, wantsGpu);
  }

  /** Schedules a model Pod and starts its containers after the ready delay. */
  private bindAndStart(
    model: KubeObject,
    pod: KubeObject,
    wantsGpu: boolean,
  ): void {
    const ns = pod.metadata.namespace ?? 'default';
    const uid = model.metadata.uid ?? '';
    const node = this.schedule(pod, wantsGpu);
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
  private schedule(pod: KubeObject, wantsGpu: boolean): KubeObject | undefined {
    const ns = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    const current = this.api.store.get(resourceKey(this.pods), ns, name);
    if (!current) return undefined;
    if (getPath(current, ['spec', 'nodeName'])) return undefined;
    const node = this.pickNode(wantsGpu);
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

  // ------------------------------------------------------------ helm charts

  private reconcileChart(ns: string, name: string): void {
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
    const env = (
      [
        ['NAME', name],
        ['VERSION', spec.version],
        ['REPO', spec.repo],
        ['HELM_DRIVER', 'secret'],
        ['CHART_NAMESPACE', ns],
        ['CHART', spec.chart],
        ['HELM_VERSION', spec.helmVersion],
        ['TARGET_NAMESPACE', spec.targetNamespace ?? ns],
        ['FAILURE_POLICY', spec.failurePolicy ?? 'reinstall'],
      ] as [string, unknown][]
    ).map(([k, v]) => ({ name: k, value: v === undefined ? '' : String(v) }));
    const body = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: jobName,
        namespace: ns,
        labels: { [HELM_CHART_LABEL]: name },
        annotations: {
          [HELM_CONFIG_HASH]: configHash,
          'objectset.rio.cattle.io/id': 'helm-controller',
        },
        ownerReferences: [ownerRef(chart)],
      },
      spec: {
        backoffLimit:
          typeof spec.backOffLimit === 'number' ? spec.backOffLimit : 1000,
        template: {
          metadata: {
            labels: { [HELM_CHART_LABEL]: name },
            annotations: { [HELM_CONFIG_HASH]: configHash },
          },
          spec: {
            restartPolicy: 'OnFailure',
            serviceAccountName: `helm-${name}`,
            containers: [
              {
                name: 'helm',
                image:
                  typeof spec.jobImage === 'string'
                    ? spec.jobImage
                    : KLIPPER_IMAGE,
                args: [action],
                env,
              },
            ],
          },
        },
      },
    };
    let job: KubeObject;
    try {
      job = this.api.create(this.jobs, ns, body).object;
    } catch (e) {
      if (e instanceof StatusError && e.code === 409)
        return this.api.store.get(resourceKey(this.jobs), ns, jobName);
      throw e;
    }
    const template = getPath(job, ['spec', 'template']) as Obj;
    const node = this.pickNode(false);
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
      this.helmLogPrefix(action, name, spec, ns),
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

  private helmLogPrefix(
    action: string,
    name: string,
    spec: Obj,
    ns: string,
  ): string {
    const target = String(spec.targetNamespace ?? ns);
    if (action === 'delete') {
      return `+ helm_v3 uninstall ${name} --namespace ${target} --wait\n`;
    }
    const repo = spec.repo ? ` --repo ${String(spec.repo)}` : '';
    const version = spec.version ? ` --version ${String(spec.version)}` : '';
    return [
      'if [[ ${KUBERNETES_SERVICE_HOST} =~ .*:.* ]]; then',
      `+ helm_v3 repo update`,
      `+ helm_v3 install --namespace ${target} ${name} ${String(
        spec.chart ?? '',
      )}${repo}${version} --values /config/values-01_HelmChart.yaml`,
      '',
    ].join('\n');
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
      next.status = {
        ...(isObj(pod.status) ? pod.status : {}),
        phase: failure ? 'Failed' : 'Succeeded',
        conditions: [
          'Initialized',
          'Ready',
          'ContainersReady',
          'PodScheduled',
        ].map(type => ({
          type,
          status:
            type === 'Ready' || type === 'ContainersReady' ? 'False' : 'True',
          lastProbeTime: null,
          lastTransitionTime: now,
          ...(type === 'Ready' || type === 'ContainersReady'
            ? { reason: 'PodCompleted' }
            : {}),
        })),
        containerStatuses: [
          {
            name: 'helm',
            state: {
              terminated: {
                exitCode: failure ? 1 : 0,
                reason: failure ? 'Error' : 'Completed',
                startedAt: getPath(pod, ['status', 'startTime']) ?? now,
                finishedAt: now,
              },
            },
            lastState: {},
            ready: false,
            restartCount: 0,
            image: getPath(pod, ['spec', 'containers', '0', 'image']),
            imageID: '',
            started: false,
          },
        ],
      };
      this.api.store.write(resourceKey(this.pods), next);
      const date = new Date()
        .toUTCString()
        .replace(/,/, '')
        .replace(' GMT', ' UTC');
      let tail: string;
      if (failure) {
        tail = `${failure}\n`;
      } else if (action === 'delete') {
        tail = `release "${chartName}" uninstalled\n`;
      } else {
        tail = [
          `NAME: ${chartName}`,
          `LAST DEPLOYED: ${date}`,
          `NAMESPACE: ${target}`,
          'STATUS: deployed',
          'REVISION: 1',
          'TEST SUITE: None',
          '',
        ].join('\n');
      }
      this.api.podLogs.set(key, (this.api.podLogs.get(key) ?? '') + tail);
    }
    const nextJob = clone(job);
    const start = getPath(job, ['status', 'startTime']) ?? now;
    nextJob.status = failure
      ? {
          startTime: start,
          failed: 1,
          terminating: 0,
          ready: 0,
          uncountedTerminatedPods: {},
          conditions: [
            {
              type: 'FailureTarget',
              status: 'True',
              lastProbeTime: now,
              lastTransitionTime: now,
              reason: 'BackoffLimitExceeded',
              message: 'Job has reached the specified backoff limit',
            },
            {
              type: 'Failed',
              status: 'True',
              lastProbeTime: now,
              lastTransitionTime: now,
              reason: 'BackoffLimitExceeded',
              message: 'Job has reached the specified backoff limit',
            },
          ],
        }
      : {
          startTime: start,
          completionTime: now,
          succeeded: 1,
          terminating: 0,
          ready: 0,
          uncountedTerminatedPods: {},
          conditions: [
            {
              type: 'SuccessCriteriaMet',
              status: 'True',
              lastProbeTime: now,
              lastTransitionTime: now,
              reason: 'CompletionsReached',
              message: 'Reached expected number of succeeded pods',
            },
            {
              type: 'Complete',
              status: 'True',
              lastProbeTime: now,
              lastTransitionTime: now,
              reason: 'CompletionsReached',
              message: 'Reached expected number of succeeded pods',
            },
          ],
        };
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
