export { inferenceBillingPlugin as default } from './plugin';
export { inferenceBillingApiRef } from './api';
