export { bareMetalPlugin as default } from './plugin';
