import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  V1Node,
  V1Pod,
} from '@kubernetes/client-node';
import { callExternal } from '../http/callExternal';
import { ExternalCallSettings, InferenceLocation } from '../locations/types';
import { abortable } from './signal';

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
  spec: {
    url: string;
    engine: 'OLlama' | 'VLLM' | 'FasterWhisper' | 'Infinity';
    features: Array<
      'TextGeneration' | 'TextEmbedding' | 'Reranking' | 'SpeechToText'
    >;
    resourceProfile?: string;
    cacheProfile?: string;
    image?: string;
    args?: string[];
    env?: Record<string, string>;
    replicas?: number;
    minReplicas?: number;
    maxReplicas?: number;
    targetRequests?: number;
    scaleDownDelaySeconds?: number;
    owner?: string;
    priorityClassName?: string;
    [key: string]: unknown;
  };
  status?: {
    replicas?: { all?: number; ready?: number };
    cache?: { loaded?: boolean };
  };
}

/**
 * The Kubernetes API of one location: KubeAI Models, Nodes and Pods, through
 * the real @kubernetes/client-node, with timeouts and location-naming errors.
 */
export class KubeAiClient {
  private readonly objects: CustomObjectsApi;
  private readonly core: CoreV1Api;

  constructor(
    private readonly location: InferenceLocation,
    kubeConfig: KubeConfig,
    private readonly settings: ExternalCallSettings,
  ) {
    this.objects = kubeConfig.makeApiClient(CustomObjectsApi);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
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
}
