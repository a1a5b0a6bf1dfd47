/**
 * The inference-models backend: the `inference-models` plugin (HTTP API) as
 * the default export, and the catalog module that puts every location's
 * KubeAI Models in the catalog.
 *
 * @packageDocumentation
 */
export { inferenceModelsPlugin as default } from './plugin';
export { catalogModuleInferenceModels, DEFAULT_MODELS_OWNER } from './module';
export {
  InferenceModelsEntityProvider,
  type RefreshResult,
} from './catalog/InferenceModelsEntityProvider';
export {
  modelCatalogRefreshServiceRef,
  type ModelCatalogRefreshService,
} from './catalog/refreshService';
export {
  toModelEntity,
  type ModelEntityOptions,
} from './mapping/toModelEntity';
export {
  toLocationEntities,
  type LocationEntitiesOptions,
} from './mapping/toLocationEntities';
export { toOpenRouterListing } from './mapping/toOpenRouterListing';
export { scaffolderModuleInferenceModels } from './scaffolderModule';
export {
  createModelActions,
  createModelCreateAction,
  createModelScaleAction,
  createModelDeleteAction,
  MODEL_ACTION_IDS,
  type ModelActionsOptions,
} from './actions/modelActions';
export { perTokenPrice } from './actions/modelSpec';
export { searchModuleInferenceModels } from './searchModule';
export {
  inferenceModelConditions,
  createInferenceModelConditionalDecision,
} from './permissions/conditions';
