/* The custom resources the portal reads and writes, as the API server returns them. */

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
