/**
 * Scaffolder actions that create, scale and retire KubeAI Models.
 *
 * @packageDocumentation
 */
export { scaffolderModuleInferenceModels as default } from './module';
