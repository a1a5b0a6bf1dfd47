import type { ConfigApi } from '@backstage/frontend-plugin-api';
import type { IdentityProviders } from '@backstage/core-components';
import { oidcAuthApiRef } from './oidcAuthApi';

/** The OIDC (Dex) button of the sign-in page. */
export const oidcProvider = {
  id: 'oidc-auth-provider',
  title: 'Dex',
  message: 'Sign in with your company account',
  apiRef: oidcAuthApiRef,
};

/**
 * What the sign-in page offers, from the auth providers the config names
 * (`auth.providers.guest` and `auth.providers.oidc` are visible to the
 * frontend, see packages/app/config.d.ts): guest in the sandbox, OIDC in
 * production, both when both are configured. Guest when neither is, as the
 * default sign-in page does.
 */
export function signInProviders(config: ConfigApi): IdentityProviders {
  const providers: IdentityProviders = [];
  if (config.has('auth.providers.oidc')) providers.push(oidcProvider);
  if (config.has('auth.providers.guest')) providers.push('guest');
  return providers.length > 0 ? providers : ['guest'];
}
