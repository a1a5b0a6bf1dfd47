export { bareMetalPlugin as default } from './plugin';
export { scaffolderModuleBareMetal } from './module';
export { catalogModuleBareMetal } from './catalogModule';
export { searchModuleBareMetal } from './searchModule';
