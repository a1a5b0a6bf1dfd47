/**
 * Types, permissions, entity conventions and the OpenRouter listing schema
 * shared by the inference-models frontend and backend.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './types';
export * from './entities';
export * from './openRouter';
export * from './pricing';
