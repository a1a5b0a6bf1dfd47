import { loadYaml } from '@kubernetes/client-node';

/*
 * KubeAI's system config, as its Helm chart renders it into ConfigMap
 * `kubeai-config` (key `system.yaml`; kubeai-project/kubeai v0.22.1
 * charts/kubeai/templates/configmap.yaml, internal/config/system.go). The
 * model controller resolves a Model's `resourceProfile` and `cacheProfile`
 * against it; a name it does not define leaves the Model without Pods.
 */

/** ConfigMap name for Helm release `kubeai` (`{{ fullname }}-config`). */
export const KUBEAI_CONFIG_MAP = 'kubeai-config';
export const KUBEAI_CONFIG_KEY = 'system.yaml';

/** `resourceProfiles.<name>` (internal/config/system.go `ResourceProfile`). */
export interface KubeAiResourceProfile {
  imageName?: string;
  requests?: Record<string, string | number>;
  limits?: Record<string, string | number>;
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
  affinity?: unknown;
  schedulerName?: string;
  runtimeClassName?: string;
}

/** The parts of `system.yaml` the portal reads. */
export interface KubeAiSystemConfig {
  resourceProfiles: Record<string, KubeAiResourceProfile>;
  cacheProfiles: Record<string, unknown>;
}

/** Parses `system.yaml`; throws with a reason when it is not a KubeAI config. */
export function parseKubeAiSystemConfig(text: string): KubeAiSystemConfig {
  const parsed = loadYaml<Record<string, unknown>>(text);
  const profiles = parsed?.resourceProfiles;
  if (!profiles || typeof profiles !== 'object' || Array.isArray(profiles)) {
    throw new Error(`${KUBEAI_CONFIG_KEY} has no resourceProfiles map`);
  }
  const caches = parsed.cacheProfiles;
  return {
    resourceProfiles: profiles as Record<string, KubeAiResourceProfile>,
    cacheProfiles:
      caches && typeof caches === 'object' && !Array.isArray(caches)
        ? (caches as Record<string, unknown>)
        : {},
  };
}

/**
 * `<name>:<multiple>` as the model controller splits it (model_controller.go
 * `getModelConfig`: exactly one `:`, `strconv.Atoi` multiple). Undefined
 * when KubeAI would refuse it.
 */
export function parseResourceProfileRef(
  ref: string,
): { name: string; multiple: number } | undefined {
  const split = ref.split(':');
  if (split.length !== 2 || !/^[+-]?\d+$/.test(split[1])) {
    return undefined;
  }
  return { name: split[0], multiple: Number(split[1]) };
}

/**
 * Accelerators one unit of a profile asks for: the sum of its `<vendor>/gpu`
 * limits (requests when it sets no limit), e.g. `nvidia.com/gpu: "2"` -> 2.
 * A profile named `nvidia-*` without such a resource has none.
 */
export function profileAccelerators(profile: KubeAiResourceProfile): number {
  const sum = (list?: Record<string, string | number>) =>
    Object.entries(list ?? {})
      .filter(([k]) => /\/gpu$/.test(k))
      .reduce((n, [, v]) => n + (Number(v) || 0), 0);
  const limits = sum(profile.limits);
  return limits > 0 ? limits : sum(profile.requests);
}

/**
 * GPUs per replica of a Model's `resourceProfile` in a location: the
 * profile's accelerators times the multiple, as the controller multiplies
 * requests and limits. Undefined when the reference is malformed or names a
 * profile the location does not define.
 */
export function gpusPerReplica(
  ref: string,
  config: KubeAiSystemConfig,
): number | undefined {
  const parsed = parseResourceProfileRef(ref);
  const profile = parsed && config.resourceProfiles[parsed.name];
  if (!parsed || !profile) {
    return undefined;
  }
  return profileAccelerators(profile) * parsed.multiple;
}
