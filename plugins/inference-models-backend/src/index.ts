/**
 * The inference-models backend plugin (HTTP API), the default export, and
 * the permission conditions of its Model resources for permission policies.
 * Its catalog, scaffolder and search modules are packages of their own.
 *
 * @packageDocumentation
 */
export { inferenceModelsPlugin as default } from './plugin';
export {
  inferenceModelConditions,
  createInferenceModelConditionalDecision,
} from './permissions/conditions';
