/**
 * Catalog module: the bare-metal servers of every location.
 *
 * @packageDocumentation
 */
export { catalogModuleBareMetal as default } from '@internal/backstage-plugin-bare-metal-backend';
