import type { ModelResource } from '@internal/backstage-plugin-inference-node';
import {
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
  gpuCount?: number;
  cacheProfile?: string;
  replicas: { desired: number; ready: number; min?: number; max?: number };
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

const PROFILE = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?):([1-9]\d*)$/;

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;
const int = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) ? v : undefined;

/**
 * `<profile>:<count>` as KubeAI reads it. The count is the number of
 * accelerators per replica; `cpu*` profiles have no GPU.
 */
export function parseResourceProfile(
  profile: string,
): { name: string; count: number; gpuCount: number } | undefined {
  const match = PROFILE.exec(profile);
  if (!match) {
    return undefined;
  }
  const count = Number(match[3]);
  return {
    name: match[1],
    count,
    gpuCount: match[1].startsWith('cpu') ? 0 : count,
  };
}

/** `Qwen/Qwen2.5-0.5B-Instruct` from `hf://Qwen/Qwen2.5-0.5B-Instruct[:quant][?q]` or `ollama://hf.co/<org>/<repo>[:file]`. */
export function huggingFaceRepoFromUrl(url: string): string | undefined {
  const match =
    /^hf:\/\/([^/?:]+\/[^/?:]+)/.exec(url) ??
    /^ollama:\/\/hf\.co\/([^/?:]+\/[^/?:]+)/.exec(url);
  return match?.[1];
}

export function readModelFacts(model: ModelResource): ModelFacts {
  const spec = (
    model.spec && typeof model.spec === 'object' ? model.spec : {}
  ) as Partial<ModelResource['spec']>;
  const warnings: string[] = [];

  const min = int(spec.minReplicas);
  const max = int(spec.maxReplicas);
  const desired =
    int(spec.replicas) ?? int(model.status?.replicas?.all) ?? min ?? 0;
  const ready = int(model.status?.replicas?.ready) ?? 0;
  let status: ModelFacts['status'] = 'Scaling';
  if (desired === 0) {
    status = 'ScaledToZero';
  } else if (ready >= desired) {
    status = 'Ready';
  }

  const resourceProfile = str(spec.resourceProfile);
  let gpuCount: number | undefined;
  if (resourceProfile) {
    const parsed = parseResourceProfile(resourceProfile);
    if (parsed) {
      gpuCount = parsed.gpuCount;
    } else {
      warnings.push(
        `spec.resourceProfile '${resourceProfile}' is not of the form <profile>:<count>`,
      );
    }
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
    cacheProfile: str(spec.cacheProfile),
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
