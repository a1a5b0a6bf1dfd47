export { inferenceBillingPlugin as default } from './plugin';
export { searchModuleInferenceCustomers } from './searchModule';
export { scaffolderModuleInferenceBilling } from './scaffolderModule';
