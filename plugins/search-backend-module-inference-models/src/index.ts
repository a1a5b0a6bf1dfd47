/**
 * Search module: the Models of every location (from the inference-models
 * plugin's HTTP API), and no catalog duplicates of them.
 *
 * @packageDocumentation
 */
export { searchModuleInferenceModels as default } from './module';
