/**
 * Search collator of the customers of every location, read from the
 * inference-billing plugin's API.
 *
 * @packageDocumentation
 */
export { searchModuleInferenceCustomers as default } from './module';
