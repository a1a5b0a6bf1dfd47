/**
 * Scaffolder actions for bare-metal servers: K3s install, Helm install, node cordon.
 *
 * @packageDocumentation
 */
export { scaffolderModuleBareMetal as default } from '@internal/backstage-plugin-bare-metal-backend';
