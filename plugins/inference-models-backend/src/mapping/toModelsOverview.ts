import type {
  InferenceModelsApiSchemas,
  ModelSummary,
} from '@internal/backstage-plugin-inference-models-common';

export type ModelsOverview =
  InferenceModelsApiSchemas['schemas']['ModelsOverview'];

/** Names of not-ready Models listed at most (the count says how many in all). */
export const NOT_READY_NAMES = 20;

/**
 * The home page's Model figures of one location: how many Models, how many
 * have every desired replica ready, how many are scaled to zero on purpose,
 * which are still short of replicas, and the replicas summed. Pure.
 */
export function toModelsOverview(
  models: ReadonlyArray<Pick<ModelSummary, 'name' | 'status' | 'replicas'>>,
): ModelsOverview {
  let ready = 0;
  let scaledToZero = 0;
  let readyReplicas = 0;
  let desiredReplicas = 0;
  const notReady: string[] = [];
  for (const model of models) {
    readyReplicas += model.replicas.ready;
    desiredReplicas += model.replicas.desired;
    if (model.status === 'Ready') ready += 1;
    else if (model.status === 'ScaledToZero') scaledToZero += 1;
    else notReady.push(model.name);
  }
  // Names are DNS labels: plain code-unit order is exact.
  notReady.sort((a, b) => (a < b ? -1 : Number(a > b)));
  return {
    total: models.length,
    ready,
    scaledToZero,
    notReady: notReady.slice(0, NOT_READY_NAMES),
    notReadyCount: notReady.length,
    replicas: { ready: readyReplicas, desired: desiredReplicas },
  };
}
