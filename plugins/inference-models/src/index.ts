export { inferenceModelsPlugin as default } from './plugin';
export { inferenceModelsApiRef } from './api';
