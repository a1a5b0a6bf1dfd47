import {
  gpusPerReplica,
  type KubeAiSystemConfig,
  type ModelResource,
} from '@internal/backstage-plugin-inference-node';
import {
  readModelFacts,
  type ModelSummary,
} from '@internal/backstage-plugin-inference-models-common';

/** The live summary of one Model CR of one location. Never throws. Pure. */
export function toModelSummary(
  location: string,
  model: ModelResource,
  kubeai?: KubeAiSystemConfig,
): ModelSummary {
  const facts = readModelFacts(
    model,
    kubeai && {
      gpusPerReplica: profile => gpusPerReplica(profile, kubeai),
      hasCacheProfile: name => name in kubeai.cacheProfiles,
    },
  );
  const { fields } = facts.listing;
  return {
    location,
    name: facts.name,
    engine: facts.engine,
    url: facts.url,
    features: facts.features,
    resourceProfile: facts.resourceProfile,
    gpuCount: facts.gpuCount,
    cacheProfile: facts.cacheProfile,
    kubeai: facts.kubeai,
    replicas: facts.replicas,
    status: facts.status,
    createdAt: facts.createdAt,
    title: fields.name,
    pricing:
      fields.pricing && Object.keys(fields.pricing).length > 0
        ? fields.pricing
        : undefined,
    contextLength: fields.context_length,
    warnings: facts.warnings,
  };
}
