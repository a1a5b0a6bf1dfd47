/**
 * Catalog module: puts every location's cluster, gateway API and KubeAI Models in the catalog.
 *
 * @packageDocumentation
 */
export { catalogModuleInferenceModels as default } from '@internal/backstage-plugin-inference-models-backend';
