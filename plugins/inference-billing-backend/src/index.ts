export { inferenceBillingPlugin as default } from './plugin';
