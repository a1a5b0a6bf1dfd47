/*
 * What KubeAI v0.22.1's model controller computes from a Model, as pure
 * functions the simulated controller (controllers.ts) applies. Each follows
 * kubeai-project/kubeai at tag v0.22.1 (commit f442a2cd); see
 * CONTRACT.kubeai.md for the line-by-line sources and the tests.
 */
import yaml from 'js-yaml';
import { KubeObject, Obj, isObj } from './json';

/** `resourceProfiles.<name>` of KubeAI's system config (internal/config/system.go). */
export interface KubeAiResourceProfile {
  imageName?: string;
  requests?: Record<string, string | number>;
  limits?: Record<string, string | number>;
  nodeSelector?: Record<string, string>;
  affinity?: Obj;
  tolerations?: Obj[];
  schedulerName?: string;
  runtimeClassName?: string;
}

/** `cacheProfiles.<name>` of KubeAI's system config. */
export interface KubeAiCacheProfile {
  sharedFilesystem?: {
    storageClassName?: string;
    persistentVolumeName?: string;
  };
}

/** The parts of KubeAI's `system.yaml` the controller reads. */
export interface KubeAiSystemConfig {
  resourceProfiles: Record<string, KubeAiResourceProfile>;
  cacheProfiles: Record<string, KubeAiCacheProfile>;
  modelServers: Record<string, { images: Record<string, string> }>;
  modelRollouts: { surge: number };
}

/** Helm's `{{ fullname }}-config` for release `kubeai` (charts/kubeai/templates/configmap.yaml). */
export const KUBEAI_CONFIG_MAP = 'kubeai-config';
export const KUBEAI_CONFIG_KEY = 'system.yaml';
export const CACHE_FINALIZER = 'kubeai.org/cache-eviction';
export const FEATURE_LABEL_DOMAIN = 'features.kubeai.org';

const gpu = (resource: string, imageName: string): KubeAiResourceProfile => ({
  imageName,
  limits: { [resource]: '1' },
  requests: { [resource]: '1' },
});

/**
 * The chart's default values (charts/kubeai/values.yaml) plus the seeds'
 * profiles (`nvidia-unlimited`, ... from the platform README) and its
 * `storage` cache profile on Longhorn.
 */
export function defaultKubeAiConfig(): KubeAiSystemConfig {
  const tolerated = (resource: string, imageName: string) => ({
    ...gpu(resource, imageName),
    tolerations: [
      {
        key: resource,
        operator: 'Equal',
        value: 'present',
        effect: 'NoSchedule',
      },
    ],
  });
  return {
    resourceProfiles: {
      cpu: { imageName: 'cpu', requests: { cpu: 1, memory: '2Gi' } },
      'nvidia-gpu-t4': gpu('nvidia.com/gpu', 'nvidia-gpu'),
      'nvidia-gpu-l4': {
        ...tolerated('nvidia.com/gpu', 'nvidia-gpu'),
        requests: { 'nvidia.com/gpu': '1', cpu: '6', memory: '24Gi' },
      },
      'nvidia-gpu-h100': tolerated('nvidia.com/gpu', 'nvidia-gpu'),
      'amd-gpu-mi300x': tolerated('amd.com/gpu', 'amd-gpu'),
      'nvidia-unlimited': gpu('nvidia.com/gpu', 'nvidia-gpu'),
      'nvidia-older-unlimited': gpu('nvidia.com/gpu', 'nvidia-gpu'),
      'amd-unlimited': gpu('amd.com/gpu', 'amd-gpu'),
      'cpu-unlimited': { imageName: 'cpu' },
      'cpu-avx2-unlimited': { imageName: 'cpu' },
    },
    cacheProfiles: {
      storage: { sharedFilesystem: { storageClassName: 'longhorn' } },
    },
    modelServers: {
      VLLM: {
        images: {
          default: 'vllm/vllm-openai:v0.10.2',
          'nvidia-gpu': 'vllm/vllm-openai:v0.10.2',
          cpu: 'public.ecr.aws/q9t5s3a7/vllm-cpu-release-repo:v0.10.2',
          'amd-gpu': 'rocm/vllm/rocm6.4.1_vllm_0.10.1_20250909',
        },
      },
      OLlama: {
        images: {
          default: 'ollama/ollama:0.11.11',
          'nvidia-gpu': 'ollama/ollama:0.11.11',
          'amd-gpu': 'ollama/ollama:0.11.11-rocm',
        },
      },
      FasterWhisper: {
        images: {
          default: 'fedirz/faster-whisper-server:latest-cpu',
          'nvidia-gpu': 'fedirz/faster-whisper-server:latest-cuda',
        },
      },
      Infinity: {
        images: {
          default: 'michaelf34/infinity:0.0.77',
          cpu: 'michaelf34/infinity:0.0.77-cpu',
          'amd-gpu': 'michaelf34/infinity:0.0.77-rocm',
          'nvidia-gpu': 'michaelf34/infinity:0.0.77',
        },
      },
    },
    modelRollouts: { surge: 1 },
  };
}

/** The ConfigMap Helm renders (what a real location's portal reads). */
export function kubeAiConfigMap(
  namespace: string,
  config: KubeAiSystemConfig,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: KUBEAI_CONFIG_MAP,
      namespace,
      labels: {
        'app.kubernetes.io/name': 'kubeai',
        'app.kubernetes.io/instance': 'kubeai',
        'app.kubernetes.io/managed-by': 'Helm',
      },
    },
    data: {
      [KUBEAI_CONFIG_KEY]: yaml.dump({
        secretNames: {
          alibaba: 'kubeai-alibaba',
          aws: 'kubeai-aws',
          gcp: 'kubeai-gcp',
          huggingface: 'kubeai-huggingface',
        },
        ...config,
        modelLoading: {
          image: 'ghcr.io/kubeai-project/kubeai-model-loader:v0.14.0',
        },
        modelAutoscaling: {
          interval: '10s',
          timeWindow: '10m',
          stateConfigMapName: 'kubeai-autoscaler-state',
        },
      }),
    },
  };
}

/** Reads `system.yaml` back from the ConfigMap; undefined when it does not parse. */
export function parseKubeAiConfig(
  cm: KubeObject | undefined,
): KubeAiSystemConfig | undefined {
  const text = isObj(cm?.data) ? cm?.data?.[KUBEAI_CONFIG_KEY] : undefined;
  if (typeof text !== 'string') return undefined;
  try {
    const parsed = yaml.load(text) as Partial<KubeAiSystemConfig>;
    const defaults = defaultKubeAiConfig();
    return {
      resourceProfiles: parsed?.resourceProfiles ?? {},
      cacheProfiles: parsed?.cacheProfiles ?? {},
      modelServers: parsed?.modelServers ?? defaults.modelServers,
      modelRollouts: parsed?.modelRollouts ?? { surge: 0 },
    };
  } catch {
    return undefined;
  }
}

/** Quantity times an integer, e.g. `24Gi` x 2 = `48Gi`, `500m` x 2 = `1`. */
export function mulQuantity(q: string | number, n: number): string {
  const m = /^(\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(String(q).trim());
  if (!m) return String(q);
  const value = Number(m[1]) * n;
  if (m[2] === 'm' && value % 1000 === 0) return String(value / 1000);
  return `${value}${m[2]}`;
}

export interface ModelConfig {
  profile: KubeAiResourceProfile;
  requests?: Record<string, string>;
  limits?: Record<string, string>;
  image: string;
  cacheProfile?: KubeAiCacheProfile;
}

/**
 * `getModelConfig` (internal/modelcontroller/model_controller.go): the
 * profile named by `<name>:<multiple>` with its requests and limits times the
 * multiple, the cache profile and the server image. An error means the
 * reconcile fails and no Pod is created.
 */
export function modelConfig(
  spec: Obj,
  config: KubeAiSystemConfig,
): ModelConfig | { error: string } {
  const url = String(spec.url ?? '');
  if (!/^([a-z0-9]+):\/\/([^?]+)(\?.*)?$/.test(url)) {
    return { error: `parsing model source: invalid model URL: ${url}` };
  }
  let cacheProfile: KubeAiCacheProfile | undefined;
  if (typeof spec.cacheProfile === 'string' && spec.cacheProfile !== '') {
    cacheProfile = config.cacheProfiles[spec.cacheProfile];
    if (!cacheProfile) {
      return { error: `cache profile not found: "${spec.cacheProfile}"` };
    }
  }
  const raw = String(spec.resourceProfile ?? '');
  const split = raw.split(':');
  if (split.length !== 2) {
    return {
      error: `invalid resource profile: "${raw}", should match <name>:<multiple>, example: nvidia-gpu-l4:2`,
    };
  }
  // Go's strconv.Atoi: optional sign, decimal digits only.
  if (!/^[+-]?\d+$/.test(split[1])) {
    return {
      error: `invalid multiple in resource profile multiple: "${split[1]}"`,
    };
  }
  const multiple = Number(split[1]);
  const profile = config.resourceProfiles[split[0]];
  if (!profile) {
    return { error: `resource profile not found: "${split[0]}"` };
  }
  const times = (list?: Record<string, string | number>) =>
    list
      ? Object.fromEntries(
          Object.entries(list).map(([k, v]) => [k, mulQuantity(v, multiple)]),
        )
      : undefined;
  const engine = String(spec.engine ?? 'VLLM');
  const images =
    config.modelServers[
      ['OLlama', 'FasterWhisper', 'Infinity'].includes(engine) ? engine : 'VLLM'
    ]?.images ?? {};
  const image =
    typeof spec.image === 'string' && spec.image
      ? spec.image
      : images[profile.imageName || 'default'] ?? images.default;
  if (!image)
    return { error: 'looking up server image: missing default server image' };
  return {
    profile,
    requests: times(profile.requests),
    limits: times(profile.limits),
    image,
    cacheProfile,
  };
}

/**
 * `applySelfLabels`: one `features.kubeai.org/<Feature>: "true"` label per
 * feature, stale ones removed. Returns the new labels when they change.
 */
export function selfLabels(
  model: KubeObject,
): Record<string, string> | undefined {
  const labels = { ...(model.metadata.labels ?? {}) };
  const features = new Set(
    Array.isArray((model.spec as Obj)?.features)
      ? ((model.spec as Obj).features as unknown[]).map(String)
      : [],
  );
  let changed = false;
  for (const key of Object.keys(labels)) {
    if (
      key.startsWith(FEATURE_LABEL_DOMAIN) &&
      !features.has(key.slice(FEATURE_LABEL_DOMAIN.length + 1))
    ) {
      delete labels[key];
      changed = true;
    }
  }
  for (const f of features) {
    const key = `${FEATURE_LABEL_DOMAIN}/${f}`;
    if (!(key in labels)) {
      labels[key] = 'true';
      changed = true;
    }
  }
  return changed ? labels : undefined;
}

/**
 * `applyAutoscalingReplicaBounds`: unless autoscaling is disabled, an unset
 * `spec.replicas` or one below `minReplicas` becomes `minReplicas`, one above
 * `maxReplicas` becomes `maxReplicas`. Returns the new value when it changes.
 */
export function boundedReplicas(spec: Obj): number | undefined {
  if (spec.autoscalingDisabled === true) return undefined;
  const min = typeof spec.minReplicas === 'number' ? spec.minReplicas : 0;
  const max =
    typeof spec.maxReplicas === 'number' ? spec.maxReplicas : undefined;
  const replicas =
    typeof spec.replicas === 'number' ? spec.replicas : undefined;
  if (replicas === undefined || replicas < min) return min;
  if (max !== undefined && replicas > max) return max;
  return undefined;
}

/** `enforceReplicaBounds` of the autoscaler (internal/modelclient/scale.go). */
export function enforceReplicaBounds(replicas: number, spec: Obj): number {
  const min = typeof spec.minReplicas === 'number' ? spec.minReplicas : 0;
  const max =
    typeof spec.maxReplicas === 'number' ? spec.maxReplicas : undefined;
  if (max !== undefined && replicas > max) return max;
  return replicas < min ? min : replicas;
}

/** `/models/<name>-<uid>`: where a cached model lives (cache.go `modelCacheDir`). */
export function modelCacheDir(model: KubeObject): string {
  return `/models/${model.metadata.name}-${model.metadata.uid}`;
}

/** `fileConfigMapKey` (files.go): the path with `/` replaced by `_`. */
export function fileKey(path: string): string {
  return path.replace(/\//g, '_');
}

const secretEnv = (name: string, secret: string, key: string) => ({
  name,
  valueFrom: { secretKeyRef: { name: secret, key, optional: true } },
});

/** The model server container of a Model (engine_*.go, model_source.go). */
export function serverContainer(model: KubeObject, mc: ModelConfig): Obj {
  const spec = model.spec as Obj;
  const name = model.metadata.name ?? '';
  const url = String(spec.url ?? '');
  const [, scheme = '', ref = ''] = /^([a-z0-9]+):\/\/([^?]+)/.exec(url) ?? [];
  const engine = String(spec.engine ?? 'VLLM');
  const userArgs = Array.isArray(spec.args) ? spec.args.map(String) : [];
  const userEnv = isObj(spec.env)
    ? Object.keys(spec.env)
        .sort()
        .map(k => ({ name: k, value: String((spec.env as Obj)[k]) }))
    : [];
  const cached = typeof spec.cacheProfile === 'string' && !!spec.cacheProfile;
  let command: string[] | undefined;
  let args: string[] = [];
  let env: Obj[] = [];
  switch (engine) {
    case 'OLlama':
      args = userArgs;
      env = [
        { name: 'OLLAMA_HOST', value: '0.0.0.0:8000' },
        { name: 'OLLAMA_KEEP_ALIVE', value: '999999h' },
        ...(scheme === 'pvc'
          ? [{ name: 'OLLAMA_MODELS', value: '/model' }]
          : []),
      ];
      break;
    case 'FasterWhisper':
      args = userArgs;
      env = [
        { name: 'WHISPER__MODEL', value: cached ? modelCacheDir(model) : ref },
        { name: 'ENABLE_UI', value: 'false' },
      ];
      break;
    case 'Infinity':
      args = ['v2', ...userArgs];
      env = [
        {
          name: 'INFINITY_MODEL_ID',
          value: cached ? modelCacheDir(model) : ref,
        },
        { name: 'INFINITY_SERVED_MODEL_NAME', value: name },
        { name: 'INFINITY_URL_PREFIX', value: '/v1' },
        { name: 'INFINITY_ENGINE', value: 'torch' },
        { name: 'INFINITY_PORT', value: '8000' },
      ];
      break;
    default: {
      let modelFlag = ref;
      if (cached) modelFlag = modelCacheDir(model);
      else if (scheme === 's3') modelFlag = url;
      if (scheme === 'pvc') modelFlag = '/model';
      command = ['python3', '-m', 'vllm.entrypoints.openai.api_server'];
      args = [`--model=${modelFlag}`, `--served-model-name=${name}`];
      if (scheme === 's3' && !cached) args.push('--load-format=runai_streamer');
      args.push(...userArgs);
      if (Array.isArray(spec.adapters)) {
        args.push('--enable-lora');
        env.push({ name: 'VLLM_ALLOW_RUNTIME_LORA_UPDATING', value: 'True' });
      }
    }
  }
  env.push(...userEnv);
  // Credentials of the URL's scheme (model_source.go authFor*), optional Secrets.
  if (scheme === 'hf')
    env.push(secretEnv('HF_TOKEN', 'kubeai-huggingface', 'token'));
  if (scheme === 's3') {
    env.push(
      secretEnv('AWS_ACCESS_KEY_ID', 'kubeai-aws', 'accessKeyID'),
      secretEnv('AWS_SECRET_ACCESS_KEY', 'kubeai-aws', 'secretAccessKey'),
    );
  }
  if (scheme === 'oss') {
    env.push(
      secretEnv('OSS_ACCESS_KEY_ID', 'kubeai-alibaba', 'accessKeyID'),
      secretEnv('OSS_ACCESS_KEY_SECRET', 'kubeai-alibaba', 'accessKeySecret'),
    );
  }
  const mounts: Obj[] = [{ name: 'dshm', mountPath: '/dev/shm' }];
  if (Array.isArray(spec.files)) {
    for (const f of spec.files as Obj[]) {
      mounts.push({
        name: 'model-files',
        mountPath: String(f.path),
        subPath: fileKey(String(f.path)),
      });
    }
  }
  if (scheme === 'pvc') {
    const path = ref.split('/').slice(1).join('/');
    mounts.push({ name: 'model', mountPath: '/model', subPath: path });
  }
  const resources: Obj = {};
  if (mc.requests) resources.requests = mc.requests;
  if (mc.limits) resources.limits = mc.limits;
  const probePath = engine === 'OLlama' ? '/' : '/health';
  return {
    name: 'server',
    image: mc.image,
    ...(command ? { command } : {}),
    args,
    env,
    ...(Array.isArray(spec.envFrom) && spec.envFrom.length
      ? { envFrom: spec.envFrom }
      : {}),
    ports: [{ containerPort: 8000, name: 'http', protocol: 'TCP' }],
    resources,
    readinessProbe: { httpGet: { path: probePath, port: 'http' } },
    volumeMounts: mounts,
  };
}

/** The Pod spec and labels of a Model's server Pods (labelsForModel, *PodForModel). */
export function podTemplate(
  model: KubeObject,
  mc: ModelConfig,
): { labels: Record<string, string>; spec: Obj } {
  const spec = model.spec as Obj;
  const name = model.metadata.name ?? '';
  const engine = String(spec.engine ?? 'VLLM').toLowerCase();
  const scheme = /^([a-z0-9]+):\/\//.exec(String(spec.url ?? ''))?.[1];
  const volumes: Obj[] = [{ name: 'dshm', emptyDir: { medium: 'Memory' } }];
  if (Array.isArray(spec.files) && spec.files.length) {
    volumes.push({
      name: 'model-files',
      configMap: { name: `model-${name}-files` },
    });
  }
  if (scheme === 'pvc') {
    const claim = String(spec.url).slice('pvc://'.length).split(/[/?]/)[0];
    volumes.push({
      name: 'model',
      persistentVolumeClaim: { claimName: claim },
    });
  }
  const p = mc.profile;
  return {
    labels: {
      app: 'model',
      model: name,
      'app.kubernetes.io/name': engine,
      'app.kubernetes.io/instance': `${engine}-${name}`,
      'app.kubernetes.io/managed-by': 'kubeai',
    },
    spec: {
      ...(p.nodeSelector ? { nodeSelector: p.nodeSelector } : {}),
      ...(p.affinity ? { affinity: p.affinity } : {}),
      ...(p.tolerations ? { tolerations: p.tolerations } : {}),
      ...(p.schedulerName ? { schedulerName: p.schedulerName } : {}),
      ...(p.runtimeClassName ? { runtimeClassName: p.runtimeClassName } : {}),
      ...(typeof spec.priorityClassName === 'string' && spec.priorityClassName
        ? { priorityClassName: spec.priorityClassName }
        : {}),
      serviceAccountName: 'kubeai-models',
      containers: [serverContainer(model, mc)],
      volumes,
    },
  };
}
