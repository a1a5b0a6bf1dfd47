export { bareMetalPlugin as default } from './plugin';
export { bareMetalApiRef } from './api';
