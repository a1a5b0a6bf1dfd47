import { createPermission } from '@backstage/plugin-permission-common';

/** Read the KubeAI Models of any location. */
export const inferenceModelReadPermission = createPermission({
  name: 'inference.model.read',
  attributes: { action: 'read' },
});

/** Every permission of the inference-models plugin. */
export const inferenceModelsPermissions = [inferenceModelReadPermission];
