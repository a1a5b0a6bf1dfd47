import { SignInPage } from '@backstage/core-components';
import {
  configApiRef,
  createFrontendModule,
  useApi,
} from '@backstage/frontend-plugin-api';
import {
  SignInPageBlueprint,
  SignInPageProps,
} from '@backstage/plugin-app-react';
import { oidcAuthApi } from './oidcAuthApi';
import { signInProviders } from './signInProviders';

function ConfiguredSignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  return <SignInPage {...props} providers={signInProviders(config)} />;
}

/** Replaces the app's guest-only sign-in page (sign-in-page:app). */
export const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => ConfiguredSignInPage,
  },
});

export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [signInPage, oidcAuthApi],
});
