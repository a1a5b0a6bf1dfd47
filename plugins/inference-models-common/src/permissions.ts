import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Resource type of the Model-changing permissions: their resource ref is
 * `<location>/<model name>` (see modelPermissionRef), so a policy can allow
 * them conditionally, e.g. only in some locations (rule IS_IN_LOCATION of the
 * inference-models plugin).
 */
export const INFERENCE_MODEL_RESOURCE_TYPE = 'inference-model';

/** The resource ref of a Model for the permission framework. */
export function modelPermissionRef(location: string, name: string): string {
  return `${location}/${name}`;
}

/** Read the KubeAI Models of any location. */
export const inferenceModelReadPermission = createPermission({
  name: 'inference.model.read',
  attributes: { action: 'read' },
});

/** Create a KubeAI Model in a location (scaffolder action). */
export const inferenceModelCreatePermission = createPermission({
  name: 'inference.model.create',
  attributes: { action: 'create' },
  resourceType: INFERENCE_MODEL_RESOURCE_TYPE,
});

/** Change a KubeAI Model, e.g. scale it (scaffolder actions). */
export const inferenceModelUpdatePermission = createPermission({
  name: 'inference.model.update',
  attributes: { action: 'update' },
  resourceType: INFERENCE_MODEL_RESOURCE_TYPE,
});

/** Delete (retire) a KubeAI Model (scaffolder action). */
export const inferenceModelDeletePermission = createPermission({
  name: 'inference.model.delete',
  attributes: { action: 'delete' },
  resourceType: INFERENCE_MODEL_RESOURCE_TYPE,
});

/**
 * Refresh a location's model entities in the catalog now rather than at the
 * next scheduled run (`POST /api/inference-models/refresh`).
 */
export const inferenceModelRefreshPermission = createPermission({
  name: 'inference.model.refresh',
  attributes: {},
});

/** Every permission of the inference-models plugin. */
export const inferenceModelsPermissions = [
  inferenceModelReadPermission,
  inferenceModelCreatePermission,
  inferenceModelUpdatePermission,
  inferenceModelDeletePermission,
  inferenceModelRefreshPermission,
];
