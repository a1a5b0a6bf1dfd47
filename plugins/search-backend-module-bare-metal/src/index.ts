/**
 * Search collator of the servers of every location.
 *
 * @packageDocumentation
 */
export { searchModuleBareMetal as default } from '@internal/backstage-plugin-bare-metal-backend';
