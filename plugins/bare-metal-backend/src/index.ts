/**
 * The bare-metal backend plugin (`GET /nodes`, the MCP action `list-nodes`).
 * Its catalog, scaffolder and search modules are the packages
 * catalog-backend-module-bare-metal, scaffolder-backend-module-bare-metal
 * and search-backend-module-bare-metal.
 *
 * @packageDocumentation
 */
export { bareMetalPlugin as default } from './plugin';
