/**
 * The portal's role-based permission policy.
 *
 * @packageDocumentation
 */
export {};
