export { inferenceModelsPlugin as default } from './plugin';
