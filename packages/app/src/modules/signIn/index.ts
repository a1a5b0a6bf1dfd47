export { signInModule } from './signInModule';
export { oidcAuthApiRef } from './oidcAuthApi';
export { signInProviders } from './signInProviders';
