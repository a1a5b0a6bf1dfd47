import { createConditionExports } from '@backstage/plugin-permission-node';
import { INFERENCE_MODEL_RESOURCE_TYPE } from '@internal/backstage-plugin-inference-models-common';
import { isInLocationRule } from './rules';

const exports = createConditionExports({
  pluginId: 'inference-models',
  resourceType: INFERENCE_MODEL_RESOURCE_TYPE,
  rules: { isInLocation: isInLocationRule },
});

/**
 * Conditions a permission policy can return for the Model permissions
 * (`inference.model.create/update/delete`), e.g.
 * `createInferenceModelConditionalDecision(permission,
 * inferenceModelConditions.isInLocation({ locations: ['pr'] }))`.
 *
 * @public
 */
export const inferenceModelConditions = exports.conditions;

/** @public */
export const createInferenceModelConditionalDecision =
  exports.createConditionalDecision;
