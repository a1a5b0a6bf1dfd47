/**
 * Search collator of the Models of every location.
 *
 * @packageDocumentation
 */
export { searchModuleInferenceModels as default } from '@internal/backstage-plugin-inference-models-backend';
