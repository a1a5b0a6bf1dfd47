/**
 * Search module: the servers of every location (from the bare-metal
 * plugin's HTTP API), and no catalog duplicates of them.
 *
 * @packageDocumentation
 */
export { searchModuleBareMetal as default } from './module';
