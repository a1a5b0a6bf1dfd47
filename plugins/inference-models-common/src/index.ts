/**
 * Types and permissions shared by the inference-models frontend and backend.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './types';
