/*
 * KubeAI v0.22.1's rules for the Model fields beyond url/engine/replicas
 * (api/k8s/v1/model_types.go), its CRD defaults, and the profile check
 * against the location's system config (internal/modelcontroller
 * getModelConfig). See test/emulators/src/kubernetes/CONTRACT.kubeai.md.
 */
import { InputError } from '@backstage/errors';
import {
  parseResourceProfileRef,
  type KubeAiSystemConfig,
  type ModelResource,
} from '@internal/backstage-plugin-inference-node';

const ADAPTER_NAME = /^[a-z0-9-]+$/;
const ADAPTER_SCHEMES = ['hf://', 's3://', 'gs://', 'oss://'];

/**
 * The CRD's rules for adapters, files, autoscaling and load balancing
 * (kubeai v0.22.1 api/k8s/v1/model_types.go), checked before sending.
 */
export function validateKubeAiFields(spec: ModelResource['spec']): void {
  for (const [i, a] of (spec.adapters ?? []).entries()) {
    if (!ADAPTER_NAME.test(a.name) || a.name.length > 63) {
      throw new InputError(
        `adapters[${i}].name: must match ^[a-z0-9-]+$, at most 63 characters`,
      );
    }
    if (!ADAPTER_SCHEMES.some(p => a.url.startsWith(p))) {
      throw new InputError(
        `adapters[${i}].url: must start with ${ADAPTER_SCHEMES.join(', ')}`,
      );
    }
  }
  const files = spec.files ?? [];
  if (files.length > 10) {
    throw new InputError('files: at most 10 files');
  }
  const paths = new Set<string>();
  for (const [i, f] of files.entries()) {
    if (
      !f.path.startsWith('/') ||
      f.path.includes(':') ||
      f.path.length > 1024
    ) {
      throw new InputError(
        `files[${i}].path: must be an absolute path without ':', at most 1024 characters`,
      );
    }
    if (f.content.length > 100000) {
      throw new InputError(`files[${i}].content: at most 100000 characters`);
    }
    if (paths.has(f.path)) {
      throw new InputError(`files[${i}].path: all file paths must be unique`);
    }
    paths.add(f.path);
  }
  if (spec.targetRequests !== undefined && spec.targetRequests < 1) {
    throw new InputError('targetRequests: must be >= 1');
  }
  const meanLoad = spec.loadBalancing?.prefixHash?.meanLoadFactor;
  if (meanLoad !== undefined && meanLoad < 100) {
    throw new InputError(
      'loadBalancing.prefixHash.meanLoadFactor: must be >= 100',
    );
  }
}

/**
 * KubeAI accepts any `resourceProfile`/`cacheProfile` and then never starts
 * a Pod when its system config does not define it; refused here instead,
 * naming the field and what the location does define.
 */
export function validateProfiles(
  location: string,
  spec: ModelResource['spec'],
  kubeai: KubeAiSystemConfig,
): void {
  const ref = parseResourceProfileRef(spec.resourceProfile ?? '');
  const defined = Object.keys(kubeai.resourceProfiles).sort();
  if (!ref || !(ref.name in kubeai.resourceProfiles)) {
    throw new InputError(
      `resourceProfile: location ${location}'s KubeAI defines no profile '${
        ref?.name ?? spec.resourceProfile
      }' (it defines ${defined.join(', ') || 'none'})`,
    );
  }
  if (spec.cacheProfile && !(spec.cacheProfile in kubeai.cacheProfiles)) {
    const caches = Object.keys(kubeai.cacheProfiles).sort();
    throw new InputError(
      `cacheProfile: location ${location}'s KubeAI defines no cache profile '${
        spec.cacheProfile
      }' (it defines ${caches.join(', ') || 'none'})`,
    );
  }
}

/**
 * The values the CRD's defaults give fields left unset (model_types.go
 * `+kubebuilder:default`), so that a stored Model and an input compare
 * equal whether a default was written or not.
 */
export function withCrdDefaults(spec: ModelResource['spec']) {
  const lb = spec.loadBalancing ?? {};
  return {
    targetRequests: spec.targetRequests ?? 100,
    scaleDownDelaySeconds: spec.scaleDownDelaySeconds ?? 30,
    autoscalingDisabled: spec.autoscalingDisabled ?? false,
    loadBalancing: {
      strategy: lb.strategy ?? 'LeastLoad',
      prefixHash: {
        meanLoadFactor: lb.prefixHash?.meanLoadFactor ?? 125,
        replication: lb.prefixHash?.replication ?? 256,
        prefixCharLength: lb.prefixHash?.prefixCharLength ?? 100,
      },
    },
  };
}
