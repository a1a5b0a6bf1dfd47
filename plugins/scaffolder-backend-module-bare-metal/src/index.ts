/**
 * Scaffolder actions for bare-metal servers: K3s install over SSH, Helm
 * install, node cordon and uncordon.
 *
 * @packageDocumentation
 */
export { scaffolderModuleBareMetal as default } from './module';
