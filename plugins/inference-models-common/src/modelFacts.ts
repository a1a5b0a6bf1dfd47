/*
 * What a KubeAI Model custom resource says about itself, read defensively:
 * the one reading behind the plugin's Model summaries and the catalog
 * module's model entities, so both show the same facts and warnings.
 */
import type { ModelKubeAiSpec } from './entities';
import {
  OPENROUTER_ANNOTATION,
  parseOpenRouterAnnotation,
  type ParsedOpenRouterAnnotation,
} from './openRouter';

/**
 * A KubeAI Model object as the Kubernetes API returns it (inference-node's
 * `ModelResource` is one). Only the shape is assumed: every field is checked
 * before it is used.
 */
export interface KubeAiModelObject {
  metadata?: {
    name?: string;
    creationTimestamp?: string;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  status?: {
    replicas?: { ready?: number };
    cache?: { loaded?: boolean };
  };
}

/**
 * The profiles a location's KubeAI defines (its ConfigMap `kubeai-config`),
 * as the backend that read them resolves a Model's profiles against them.
 */
export interface KubeAiProfiles {
  /**
   * GPUs one replica of `<profile>:<count>` schedules; undefined when KubeAI
   * defines no such profile.
   */
  gpusPerReplica(resourceProfile: string): number | undefined;
  /** Whether KubeAI defines the cache profile. */
  hasCacheProfile(name: string): boolean;
}

/** What a Model CR says about itself. */
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
  kubeai: ModelKubeAiSpec;
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

/**
 * `<profile>:<count>` with a DNS-label profile name and a count of at least
 * one: what KubeAI accepts (exactly one `:`, a decimal count) and the portal
 * also finds meaningful.
 */
const PROFILE = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?):([1-9]\d*)$/;

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;
const int = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) ? v : undefined;
const list = <T>(v: unknown): T[] | undefined =>
  Array.isArray(v) && v.length > 0 ? (v as T[]) : undefined;

/** `Qwen/Qwen2.5-0.5B-Instruct` from `hf://Qwen/Qwen2.5-0.5B-Instruct[:quant][?q]` or `ollama://hf.co/<org>/<repo>[:file]`. */
function huggingFaceRepoFromUrl(url: string): string | undefined {
  const match =
    /^hf:\/\/([^/?:]+\/[^/?:]+)/.exec(url) ??
    /^ollama:\/\/hf\.co\/([^/?:]+\/[^/?:]+)/.exec(url);
  return match?.[1];
}

/** KubeAI's `<model>_<adapter>` id of an adapter (internal/apiutils/model.go). */
function adapterModelId(model: string, adapter: string): string {
  return `${model}_${adapter}`;
}

const utf8 = new TextEncoder();

/**
 * The facts of one Model CR. `kubeai` holds the profiles of the location's
 * KubeAI; without it the GPU count is unknown and profiles are not checked.
 * Never throws. Pure.
 */
export function readModelFacts(
  model: KubeAiModelObject,
  kubeai?: KubeAiProfiles,
): ModelFacts {
  const spec: Record<string, unknown> =
    model.spec && typeof model.spec === 'object' ? model.spec : {};
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
  } else if (!PROFILE.test(resourceProfile)) {
    warnings.push(
      `spec.resourceProfile '${resourceProfile}' is not of the form <profile>:<count>`,
    );
  } else if (kubeai) {
    gpuCount = kubeai.gpusPerReplica(resourceProfile);
    if (gpuCount === undefined) {
      warnings.push(
        `spec.resourceProfile: location's KubeAI defines no profile '${
          resourceProfile.split(':')[0]
        }', so no Pod starts`,
      );
    }
  }
  const cacheProfile = str(spec.cacheProfile);
  if (cacheProfile && kubeai && !kubeai.hasCacheProfile(cacheProfile)) {
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
  model: KubeAiModelObject,
  spec: Record<string, unknown>,
): ModelKubeAiSpec {
  const name = String(model.metadata?.name ?? '');
  const adapters = list<{ name: string; url: string }>(spec.adapters);
  const files = list<{ path: string; content: string }>(spec.files);
  const env =
    spec.env && typeof spec.env === 'object' ? Object.keys(spec.env) : [];
  const fields: ModelKubeAiSpec = {
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
      bytes: utf8.encode(String(f.content ?? '')).length,
    })),
    autoscaling: {
      disabled: spec.autoscalingDisabled === true,
      targetRequests: int(spec.targetRequests),
      scaleDownDelaySeconds: int(spec.scaleDownDelaySeconds),
    },
    loadBalancing:
      spec.loadBalancing && typeof spec.loadBalancing === 'object'
        ? (spec.loadBalancing as ModelKubeAiSpec['loadBalancing'])
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
