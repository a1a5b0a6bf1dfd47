/**
 * Catalog module: the bare-metal servers of every location, read from the
 * bare-metal plugin's HTTP API.
 *
 * @packageDocumentation
 */
export { catalogModuleBareMetal as default } from './module';
