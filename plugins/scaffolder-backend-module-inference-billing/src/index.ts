/**
 * Scaffolder actions of customer onboarding.
 *
 * @packageDocumentation
 */
export { scaffolderModuleInferenceBilling as default } from '@internal/backstage-plugin-inference-billing-backend';
