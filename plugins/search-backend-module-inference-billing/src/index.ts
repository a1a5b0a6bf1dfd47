/**
 * Search collator of the customers of every location.
 *
 * @packageDocumentation
 */
export { searchModuleInferenceCustomers as default } from '@internal/backstage-plugin-inference-billing-backend';
