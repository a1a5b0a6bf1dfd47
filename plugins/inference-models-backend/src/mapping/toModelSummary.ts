import type { ModelResource } from '@internal/backstage-plugin-inference-node';
import type { ModelSummary } from '@internal/backstage-plugin-inference-models-common';

/** The live summary of one Model CR of one location. Pure. */
export function toModelSummary(
  location: string,
  model: ModelResource,
): ModelSummary {
  const spec = model.spec ?? ({} as ModelResource['spec']);
  const desired =
    spec.replicas ?? model.status?.replicas?.all ?? spec.minReplicas ?? 0;
  const ready = model.status?.replicas?.ready ?? 0;
  let status: ModelSummary['status'] = 'Scaling';
  if (desired === 0) {
    status = 'ScaledToZero';
  } else if (ready >= desired) {
    status = 'Ready';
  }
  return {
    location,
    name: model.metadata.name,
    engine: String(spec.engine ?? ''),
    url: String(spec.url ?? ''),
    features: Array.isArray(spec.features) ? spec.features.map(String) : [],
    resourceProfile: spec.resourceProfile,
    cacheProfile: spec.cacheProfile,
    replicas: {
      desired,
      ready,
      min: spec.minReplicas,
      max: spec.maxReplicas,
    },
    status,
    createdAt: model.metadata.creationTimestamp
      ? new Date(model.metadata.creationTimestamp).toISOString()
      : undefined,
  };
}
