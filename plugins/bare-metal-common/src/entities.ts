/*
 * Catalog conventions of the bare-metal servers, shared by the catalog module
 * that writes the entities, the search module that drops their catalog
 * documents, and the frontend that offers the Server tab on them.
 */

/** Catalog `spec.type` of a server's `Resource` entity (namespace = location). */
export const SERVER_ENTITY_TYPE = 'bare-metal-server';
