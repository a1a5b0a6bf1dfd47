import {
  gpusPerReplica,
  parseResourceProfileRef,
  type KubeAiSystemConfig,
  type ModelResource,
} from '@internal/backstage-plugin-inference-node';
import {
  type ModelKubeAiSpec,
  OPENROUTER_ANNOTATION,
  parseOpenRouterAnnotation,
  type ParsedOpenRouterAnnotation,
} from '@internal/backstage-plugin-inference-models-common';

/** What a Model CR says about itself, read defensively. Pure. */
export interface ModelFacts {
  name: string;
  engine: string;
  url: string;
  features: string[];
  resourceProfile?: string;
  /** GPUs per replica from the profile the location's KubeAI defines. */
  gpuCount?: number;
  cacheProfile?: string;
  replicas: { desired: number; ready: number; min?: number; max?: number };
  /** Everything else of the spec, as KubeAI stores it. */
  kubeai: ModelKubeAiFields;
  status: 'Ready' | 'Scaling' | 'ScaledToZero';
  createdAt?: string;
  /** The raw `openrouter.ai/json` annotation, when present. */
  rawListing?: string;
  listing: ParsedOpenRouterAnnotation;
  /** Hugging Face repository derived from an `hf://` or `ollama://hf.co/` URL. */
  huggingFaceRepo?: string;
  /** Annotation and spec problems, human-readable. */
  warnings: string[];
}

export type ModelKubeAiFields = ModelKubeAiSpec;

const PROFILE = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?):([1-9]\d*)$/;

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;
const int = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) ? v : undefined;

/**
 * `<profile>:<count>` with a DNS-label profile name and a count of at least
 * one (what KubeAI accepts and the portal also finds meaningful). What the
 * profile schedules per count is in the location's KubeAI system config.
 */
export function parseResourceProfile(
  profile: string,
): { name: string; count: number } | undefined {
  const match = PROFILE.exec(profile);
  return match ? { name: match[1], count: Number(match[3]) } : undefined;
}

/** `Qwen/Qwen2.5-0.5B-Instruct` from `hf://Qwen/Qwen2.5-0.5B-Instruct[:quant][?q]` or `ollama://hf.co/<org>/<repo>[:file]`. */
export function huggingFaceRepoFromUrl(url: string): string | undefined {
  const match =
    /^hf:\/\/([^/?:]+\/[^/?:]+)/.exec(url) ??
    /^ollama:\/\/hf\.co\/([^/?:]+\/[^/?:]+)/.exec(url);
  return match?.[1];
}

/** KubeAI's `<model>_<adapter>` id of an adapter (internal/apiutils/model.go). */
export function adapterModelId(model: string, adapter: string): string {
  return `${model}_${adapter}`;
}

/**
 * `kubeai` is the location's KubeAI system config; without it the GPU count
 * is unknown.
 */
export function readModelFacts(
  model: ModelResource,
  kubeai?: KubeAiSystemConfig,
): ModelFacts {
  const spec = (
    model.spec && typeof model.spec === 'object' ? model.spec : {}
  ) as Partial<ModelResource['spec']>;
  const warnings: string[] = [];

  const min = int(spec.minReplicas);
  const max = int(spec.maxReplicas);
  const autoscalingDisabled = spec.autoscalingDisabled === true;
  // KubeAI's controller keeps spec.replicas set (minReplicas when absent)
  // unless autoscaling is disabled; then an absent value means no Pod.
  const desired = int(spec.replicas) ?? (autoscalingDisabled ? 0 : min ?? 0);
  const ready = int(model.status?.replicas?.ready) ?? 0;
  let status: ModelFacts['status'] = 'Scaling';
  if (desired === 0) {
    status = 'ScaledToZero';
  } else if (ready >= desired) {
    status = 'Ready';
  }

  const resourceProfile = str(spec.resourceProfile);
  let gpuCount: number | undefined;
  if (!resourceProfile) {
    warnings.push(
      'spec.resourceProfile is missing: KubeAI starts no Pod without one',
    );
  } else if (
    !parseResourceProfile(resourceProfile) ||
    !parseResourceProfileRef(resourceProfile)
  ) {
    warnings.push(
      `spec.resourceProfile '${resourceProfile}' is not of the form <profile>:<count>`,
    );
  } else if (kubeai) {
    gpuCount = gpusPerReplica(resourceProfile, kubeai);
    if (gpuCount === undefined) {
      warnings.push(
        `spec.resourceProfile: location's KubeAI defines no profile '${
          resourceProfile.split(':')[0]
        }', so no Pod starts`,
      );
    }
  }
  const cacheProfile = str(spec.cacheProfile);
  if (cacheProfile && kubeai && !(cacheProfile in kubeai.cacheProfiles)) {
    warnings.push(
      `spec.cacheProfile: location's KubeAI defines no cache profile '${cacheProfile}', so no Pod starts`,
    );
  }

  const url = str(spec.url) ?? '';
  const rawListing = model.metadata?.annotations?.[OPENROUTER_ANNOTATION];
  const listing = parseOpenRouterAnnotation(rawListing);
  warnings.unshift(...listing.warnings);

  const createdAt = model.metadata?.creationTimestamp
    ? new Date(model.metadata.creationTimestamp)
    : undefined;

  return {
    name: String(model.metadata?.name ?? ''),
    engine: str(spec.engine) ?? '',
    url,
    features: Array.isArray(spec.features) ? spec.features.map(String) : [],
    resourceProfile,
    gpuCount,
    cacheProfile,
    kubeai: kubeAiFields(model, spec),
    replicas: {
      desired,
      ready,
      ...(min !== undefined ? { min } : {}),
      ...(max !== undefined ? { max } : {}),
    },
    status,
    createdAt:
      createdAt && !Number.isNaN(createdAt.getTime())
        ? createdAt.toISOString()
        : undefined,
    rawListing,
    listing,
    huggingFaceRepo: huggingFaceRepoFromUrl(url),
    warnings,
  };
}

function kubeAiFields(
  model: ModelResource,
  spec: Partial<ModelResource['spec']>,
): ModelKubeAiFields {
  const name = String(model.metadata?.name ?? '');
  const list = <T>(v: unknown): T[] | undefined =>
    Array.isArray(v) && v.length > 0 ? (v as T[]) : undefined;
  const adapters = list<{ name: string; url: string }>(spec.adapters);
  const files = list<{ path: string; content: string }>(spec.files);
  const env =
    spec.env && typeof spec.env === 'object' ? Object.keys(spec.env) : [];
  const fields: ModelKubeAiFields = {
    adapters: adapters?.map(a => ({
      name: String(a.name),
      url: String(a.url),
      id: adapterModelId(name, String(a.name)),
    })),
    image: str(spec.image),
    args: list<string>(spec.args)?.map(String),
    envNames: env.length ? env.sort() : undefined,
    envFrom: list<Record<string, unknown>>(spec.envFrom),
    files: files?.map(f => ({
      path: String(f.path),
      bytes: Buffer.byteLength(String(f.content ?? ''), 'utf8'),
    })),
    autoscaling: {
      disabled: spec.autoscalingDisabled === true,
      targetRequests: int(spec.targetRequests),
      scaleDownDelaySeconds: int(spec.scaleDownDelaySeconds),
    },
    loadBalancing:
      spec.loadBalancing && typeof spec.loadBalancing === 'object'
        ? spec.loadBalancing
        : undefined,
    priorityClassName: str(spec.priorityClassName),
    owner: str(spec.owner),
    cacheLoaded:
      typeof model.status?.cache?.loaded === 'boolean'
        ? model.status.cache.loaded
        : undefined,
  };
  return JSON.parse(JSON.stringify(fields));
}
