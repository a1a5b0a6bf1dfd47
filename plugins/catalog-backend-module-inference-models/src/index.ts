/**
 * Catalog module: puts every location's cluster, gateway API and KubeAI
 * Models in the catalog, on a schedule and when the inference-models plugin
 * or the model scaffolder actions ask for it (events topic
 * `inference-models.catalog-refresh`).
 *
 * @packageDocumentation
 */
export { catalogModuleInferenceModels as default } from './module';
