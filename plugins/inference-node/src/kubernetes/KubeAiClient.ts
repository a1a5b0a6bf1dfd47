import {
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  V1Job,
  V1Node,
  V1Pod,
} from '@kubernetes/client-node';
import { callExternal } from '../http/callExternal';
import { ExternalCallSettings, InferenceLocation } from '../locations/types';
import { abortable } from './signal';
import {
  KUBEAI_CONFIG_KEY,
  KUBEAI_CONFIG_MAP,
  KubeAiSystemConfig,
  parseKubeAiSystemConfig,
} from './kubeaiSystemConfig';

export const KUBEAI_GROUP = 'kubeai.org';
export const KUBEAI_VERSION = 'v1';
export const KUBEAI_MODELS = 'models';

/** A KubeAI Model custom resource as the API server returns it. */
export interface ModelResource {
  apiVersion: 'kubeai.org/v1';
  kind: 'Model';
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  /** Every field of KubeAI v0.22.1's ModelSpec (api/k8s/v1/model_types.go). */
  spec: {
    url: string;
    engine: 'OLlama' | 'VLLM' | 'FasterWhisper' | 'Infinity';
    features: Array<
      'TextGeneration' | 'TextEmbedding' | 'Reranking' | 'SpeechToText'
    >;
    /** LoRA adapters (VLLM only); clients address them as `<model>_<name>`. */
    adapters?: Array<{ name: string; url: string }>;
    /** `<profile>:<multiple>`, the profile defined in KubeAI's system config. */
    resourceProfile?: string;
    cacheProfile?: string;
    image?: string;
    args?: string[];
    env?: Record<string, string>;
    envFrom?: Array<Record<string, unknown>>;
    /** Owned by the autoscaler unless `autoscalingDisabled`. */
    replicas?: number;
    minReplicas?: number;
    maxReplicas?: number;
    autoscalingDisabled?: boolean;
    targetRequests?: number;
    scaleDownDelaySeconds?: number;
    /** Deprecated upstream; only fills `owned_by` of KubeAI's /v1/models. */
    owner?: string;
    loadBalancing?: {
      strategy?: 'LeastLoad' | 'PrefixHash';
      prefixHash?: {
        meanLoadFactor?: number;
        replication?: number;
        prefixCharLength?: number;
      };
    };
    files?: Array<{ path: string; content: string }>;
    priorityClassName?: string;
    [key: string]: unknown;
  };
  status?: {
    replicas?: { all?: number; ready?: number };
    cache?: { loaded?: boolean };
  };
}

/**
 * Rethrows an API server error so that the reason callExternal reports names
 * the causes of a 422 Invalid Status (`details.causes[].field/message`),
 * which the plain Status message may cut short.
 */
function withCauses(error: unknown): never {
  const e = error as { code?: unknown; body?: unknown };
  if (e?.code !== 422) {
    throw error;
  }
  let body: any = e.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      throw error;
    }
  }
  const causes: Array<{ field?: string; message?: string }> =
    body?.details?.causes ?? [];
  if (!Array.isArray(causes) || causes.length === 0) {
    throw error;
  }
  const text = causes
    .map(c => [c.field, c.message].filter(Boolean).join(': '))
    .join('; ')
    .replace(/\n/g, ' ');
  throw Object.assign(new Error(text), {
    code: 422,
    body: { message: `Invalid: ${text}` },
  });
}

/** Spec fields `scaleModel` changes. */
export interface ModelScale {
  minReplicas: number;
  maxReplicas: number;
  /**
   * Pinned replica count: sets `autoscalingDisabled`, since otherwise
   * KubeAI's autoscaler owns `spec.replicas` and overwrites it. Omitted
   * hands the Model back to the autoscaler.
   */
  replicas?: number;
}

/** Namespace K3s's helm-controller watches for HelmCharts. */
export const HELM_NAMESPACE = 'kube-system';

/** A K3s HelmChart (helm.cattle.io/v1). */
export interface HelmChartResource {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    [key: string]: unknown;
  };
  spec: {
    repo?: string;
    chart: string;
    version?: string;
    targetNamespace?: string;
    createNamespace?: boolean;
    valuesContent?: string;
    [key: string]: unknown;
  };
  status?: { jobName?: string; [key: string]: unknown };
}

/**
 * The Kubernetes API of one location: KubeAI Models, Nodes and Pods, through
 * the real @kubernetes/client-node, with timeouts and location-naming errors.
 */
export class KubeAiClient {
  private readonly objects: CustomObjectsApi;
  private readonly core: CoreV1Api;
  private readonly batch: BatchV1Api;
  private systemConfig?: { value: KubeAiSystemConfig; until: number };

  constructor(
    private readonly location: InferenceLocation,
    kubeConfig: KubeConfig,
    private readonly settings: ExternalCallSettings,
  ) {
    this.objects = kubeConfig.makeApiClient(CustomObjectsApi);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.batch = kubeConfig.makeApiClient(BatchV1Api);
  }

  private call<T>(
    operation: string,
    idempotent: boolean,
    fn: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    return callExternal(
      {
        ...this.settings,
        location: this.location.name,
        system: 'kubernetes',
        operation,
        idempotent,
      },
      fn,
    );
  }

  async listModels(): Promise<ModelResource[]> {
    const namespace = this.location.kubeaiNamespace;
    const list = await this.call(
      `list Models in namespace ${namespace}`,
      true,
      signal =>
        this.objects.listNamespacedCustomObject(
          {
            group: KUBEAI_GROUP,
            version: KUBEAI_VERSION,
            namespace,
            plural: KUBEAI_MODELS,
          },
          abortable(signal),
        ),
    );
    return (list as { items: ModelResource[] }).items;
  }

  async getModel(name: string): Promise<ModelResource> {
    const namespace = this.location.kubeaiNamespace;
    return (await this.call(`get Model ${namespace}/${name}`, true, signal =>
      this.objects.getNamespacedCustomObject(
        {
          group: KUBEAI_GROUP,
          version: KUBEAI_VERSION,
          namespace,
          plural: KUBEAI_MODELS,
          name,
        },
        abortable(signal),
      ),
    )) as ModelResource;
  }

  private modelParams() {
    return {
      group: KUBEAI_GROUP,
      version: KUBEAI_VERSION,
      namespace: this.location.kubeaiNamespace,
      plural: KUBEAI_MODELS,
    };
  }

  /** Creates a Model; a 422 names the API server's causes. Not retried. */
  async createModel(manifest: ModelResource): Promise<ModelResource> {
    const namespace = this.location.kubeaiNamespace;
    const body = {
      ...manifest,
      metadata: { ...manifest.metadata, namespace },
    };
    return (await this.call(
      `create Model ${namespace}/${manifest.metadata.name}`,
      false,
      signal =>
        this.objects
          .createNamespacedCustomObject(
            { ...this.modelParams(), body },
            abortable(signal),
          )
          .catch(withCauses),
    )) as ModelResource;
  }

  /**
   * Replaces a Model (PUT). Without `metadata.resourceVersion` the current one
   * is read first, so a concurrent change between read and write is a 409.
   */
  async replaceModel(manifest: ModelResource): Promise<ModelResource> {
    const namespace = this.location.kubeaiNamespace;
    const name = manifest.metadata.name;
    const resourceVersion =
      manifest.metadata.resourceVersion ??
      (await this.getModel(name)).metadata.resourceVersion;
    const body = {
      ...manifest,
      metadata: { ...manifest.metadata, namespace, resourceVersion },
    };
    return (await this.call(
      `replace Model ${namespace}/${name}`,
      false,
      signal =>
        this.objects
          .replaceNamespacedCustomObject(
            { ...this.modelParams(), name, body },
            abortable(signal),
          )
          .catch(withCauses),
    )) as ModelResource;
  }

  /** JSON merge patch (RFC 7386) of a Model: `null` removes a field. */
  async patchModel(name: string, patch: object): Promise<ModelResource> {
    const namespace = this.location.kubeaiNamespace;
    return (await this.call(`patch Model ${namespace}/${name}`, true, signal =>
      this.objects
        .patchNamespacedCustomObject(
          { ...this.modelParams(), name, body: patch },
          setHeaderOptions(
            'Content-Type',
            PatchStrategy.MergePatch,
            abortable(signal),
          ),
        )
        .catch(withCauses),
    )) as ModelResource;
  }

  /**
   * Sets a Model's replica bounds. KubeAI's autoscaler owns `spec.replicas`
   * unless `autoscalingDisabled` (its controller clamps the value into the
   * bounds, its autoscaler rewrites it through /scale every interval), so a
   * pin also disables autoscaling, and removing a pin re-enables it and
   * leaves `replicas` to the controller's clamping.
   */
  async scaleModel(name: string, scale: ModelScale): Promise<ModelResource> {
    const pinned = scale.replicas !== undefined;
    return this.patchModel(name, {
      spec: {
        minReplicas: scale.minReplicas,
        maxReplicas: scale.maxReplicas,
        autoscalingDisabled: pinned ? true : null,
        ...(pinned ? { replicas: scale.replicas } : {}),
      },
    });
  }

  /**
   * KubeAI's system config (resource and cache profiles) from the ConfigMap
   * its chart renders, kept for a minute: KubeAI itself reads it only when
   * it starts.
   */
  async getSystemConfig(): Promise<KubeAiSystemConfig> {
    const now = Date.now();
    if (this.systemConfig && this.systemConfig.until > now) {
      return this.systemConfig.value;
    }
    const namespace = this.location.kubeaiNamespace;
    const cm = await this.call(
      `read KubeAI system config ConfigMap ${namespace}/${KUBEAI_CONFIG_MAP}`,
      true,
      signal =>
        this.core.readNamespacedConfigMap(
          { namespace, name: KUBEAI_CONFIG_MAP },
          abortable(signal),
        ),
    );
    const text = cm.data?.[KUBEAI_CONFIG_KEY];
    if (typeof text !== 'string') {
      throw new Error(
        `location ${this.location.name}: kubernetes: ConfigMap ${namespace}/${KUBEAI_CONFIG_MAP} has no ${KUBEAI_CONFIG_KEY}`,
      );
    }
    let value: KubeAiSystemConfig;
    try {
      value = parseKubeAiSystemConfig(text);
    } catch (e) {
      throw new Error(
        `location ${
          this.location.name
        }: kubernetes: ConfigMap ${namespace}/${KUBEAI_CONFIG_MAP}: ${
          (e as Error).message
        }`,
      );
    }
    this.systemConfig = { value, until: now + 60_000 };
    return value;
  }

  /** Deletes a Model. Returns false when there was none (404). */
  async deleteModel(name: string): Promise<boolean> {
    const namespace = this.location.kubeaiNamespace;
    try {
      await this.call(`delete Model ${namespace}/${name}`, true, signal =>
        this.objects.deleteNamespacedCustomObject(
          { ...this.modelParams(), name },
          abortable(signal),
        ),
      );
      return true;
    } catch (e) {
      if ((e as { status?: number }).status === 404) {
        return false;
      }
      throw e;
    }
  }

  async listNodes(): Promise<V1Node[]> {
    const list = await this.call('list Nodes', true, signal =>
      this.core.listNode({}, abortable(signal)),
    );
    return list.items;
  }

  async getNode(name: string): Promise<V1Node> {
    return this.call(`get Node ${name}`, true, signal =>
      this.core.readNode({ name }, abortable(signal)),
    );
  }

  /** Cordons (true) or uncordons (false) a Node, like `kubectl cordon`. */
  async setNodeUnschedulable(
    name: string,
    unschedulable: boolean,
  ): Promise<V1Node> {
    return this.call(
      `${unschedulable ? 'cordon' : 'uncordon'} Node ${name}`,
      true,
      signal =>
        this.core.patchNode(
          { name, body: { spec: { unschedulable } } },
          setHeaderOptions(
            'Content-Type',
            PatchStrategy.MergePatch,
            abortable(signal),
          ),
        ),
    );
  }

  async listModelPods(): Promise<V1Pod[]> {
    const namespace = this.location.kubeaiNamespace;
    const list = await this.call(
      `list Model pods in namespace ${namespace}`,
      true,
      signal =>
        this.core.listNamespacedPod(
          { namespace, labelSelector: 'model' },
          abortable(signal),
        ),
    );
    return list.items;
  }

  /** K3s HelmChart (helm.cattle.io/v1) in kube-system; undefined when absent. */
  async getHelmChart(name: string): Promise<HelmChartResource | undefined> {
    try {
      return (await this.call(
        `get HelmChart ${HELM_NAMESPACE}/${name}`,
        true,
        signal =>
          this.objects.getNamespacedCustomObject(
            {
              group: 'helm.cattle.io',
              version: 'v1',
              namespace: HELM_NAMESPACE,
              plural: 'helmcharts',
              name,
            },
            abortable(signal),
          ),
      )) as HelmChartResource;
    } catch (e) {
      if ((e as { status?: number }).status === 404) return undefined;
      throw e;
    }
  }

  async createHelmChart(
    manifest: HelmChartResource,
  ): Promise<HelmChartResource> {
    const body = {
      ...manifest,
      apiVersion: 'helm.cattle.io/v1',
      kind: 'HelmChart',
      metadata: { ...manifest.metadata, namespace: HELM_NAMESPACE },
    };
    return (await this.call(
      `create HelmChart ${HELM_NAMESPACE}/${manifest.metadata.name}`,
      false,
      signal =>
        this.objects.createNamespacedCustomObject(
          {
            group: 'helm.cattle.io',
            version: 'v1',
            namespace: HELM_NAMESPACE,
            plural: 'helmcharts',
            body,
          },
          abortable(signal),
        ),
    )) as HelmChartResource;
  }

  /** JSON merge patch of a HelmChart in kube-system. */
  async patchHelmChart(
    name: string,
    patch: object,
  ): Promise<HelmChartResource> {
    return (await this.call(
      `patch HelmChart ${HELM_NAMESPACE}/${name}`,
      true,
      signal =>
        this.objects.patchNamespacedCustomObject(
          {
            group: 'helm.cattle.io',
            version: 'v1',
            namespace: HELM_NAMESPACE,
            plural: 'helmcharts',
            name,
            body: patch,
          },
          setHeaderOptions(
            'Content-Type',
            PatchStrategy.MergePatch,
            abortable(signal),
          ),
        ),
    )) as HelmChartResource;
  }

  /** A Job; undefined when absent. */
  async getJob(namespace: string, name: string): Promise<V1Job | undefined> {
    try {
      return await this.call(`get Job ${namespace}/${name}`, true, signal =>
        this.batch.readNamespacedJob({ namespace, name }, abortable(signal)),
      );
    } catch (e) {
      if ((e as { status?: number }).status === 404) return undefined;
      throw e;
    }
  }

  /** Pods of a Job (label `job-name=<job>`). */
  async listJobPods(namespace: string, job: string): Promise<V1Pod[]> {
    const list = await this.call(
      `list pods of Job ${namespace}/${job}`,
      true,
      signal =>
        this.core.listNamespacedPod(
          { namespace, labelSelector: `job-name=${job}` },
          abortable(signal),
        ),
    );
    return list.items;
  }

  /** The last `tailLines` lines of a pod's log. */
  async readPodLog(
    namespace: string,
    name: string,
    tailLines = 20,
  ): Promise<string> {
    const log = await this.call(
      `read log of Pod ${namespace}/${name}`,
      true,
      signal =>
        this.core.readNamespacedPodLog(
          { namespace, name, tailLines },
          abortable(signal),
        ),
    );
    return String(log ?? '');
  }
}
