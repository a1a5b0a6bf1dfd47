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
import { withCauses } from './apiErrors';
import {
  HELM_NAMESPACE,
  HelmChartResource,
  KUBEAI_GROUP,
  KUBEAI_MODELS,
  KUBEAI_VERSION,
  ModelResource,
  ModelScale,
} from './resources';
import {
  KUBEAI_CONFIG_KEY,
  KUBEAI_CONFIG_MAP,
  KubeAiSystemConfig,
  parseKubeAiSystemConfig,
} from './kubeaiSystemConfig';

export {
  KUBEAI_GROUP,
  KUBEAI_VERSION,
  KUBEAI_MODELS,
  HELM_NAMESPACE,
  type ModelResource,
  type ModelScale,
  type HelmChartResource,
} from './resources';

/**
 * Every write asks the API server to refuse unknown fields: its default
 * (`Warn`, Kubernetes 1.27+) drops them with only a `Warning` header, so a
 * misspelt or too-new field would be lost without anyone noticing.
 */
const FIELD_VALIDATION = 'Strict';

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
            {
              ...this.modelParams(),
              body,
              fieldValidation: FIELD_VALIDATION,
            },
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
            {
              ...this.modelParams(),
              name,
              body,
              fieldValidation: FIELD_VALIDATION,
            },
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
          {
            ...this.modelParams(),
            name,
            body: patch,
            fieldValidation: FIELD_VALIDATION,
          },
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
          {
            name,
            body: { spec: { unschedulable } },
            fieldValidation: FIELD_VALIDATION,
          },
          setHeaderOptions(
            'Content-Type',
            PatchStrategy.MergePatch,
            abortable(signal),
          ),
        ),
    );
  }

  /**
   * KubeAI's Pods (labelled `model=<name>`): every Model's, or one Model's.
   */
  async listModelPods(model?: string): Promise<V1Pod[]> {
    const namespace = this.location.kubeaiNamespace;
    const list = await this.call(
      model
        ? `list the Pods of Model ${namespace}/${model}`
        : `list Model pods in namespace ${namespace}`,
      true,
      signal =>
        this.core.listNamespacedPod(
          { namespace, labelSelector: model ? `model=${model}` : 'model' },
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
            fieldValidation: FIELD_VALIDATION,
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
            fieldValidation: FIELD_VALIDATION,
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
