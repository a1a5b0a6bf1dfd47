import { createPermission } from '@backstage/plugin-permission-common';

/** Read the KubeAI Models of any location. */
export const inferenceModelReadPermission = createPermission({
  name: 'inference.model.read',
  attributes: { action: 'read' },
});

/** Create a KubeAI Model in a location (scaffolder action). */
export const inferenceModelCreatePermission = createPermission({
  name: 'inference.model.create',
  attributes: { action: 'create' },
});

/** Change a KubeAI Model, e.g. scale it (scaffolder actions). */
export const inferenceModelUpdatePermission = createPermission({
  name: 'inference.model.update',
  attributes: { action: 'update' },
});

/** Delete (retire) a KubeAI Model (scaffolder action). */
export const inferenceModelDeletePermission = createPermission({
  name: 'inference.model.delete',
  attributes: { action: 'delete' },
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
