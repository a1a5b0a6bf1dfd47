/*
 * Sign-in as one of a few fixed users, for the dev sandbox only (a second
 * user next to the guest, e.g. an approver for onboarding requests).
 *
 * Inert unless `auth.providers.sandbox` is configured: `./portal start`
 * writes it into the sandbox's generated app-config, never into
 * app-config*.yaml. Like the guest provider it refuses to work when
 * NODE_ENV is production unless `dangerouslyAllowOutsideDevelopment` is set.
 *
 *   auth:
 *     providers:
 *       sandbox:
 *         users:
 *           - userEntityRef: user:default/approver
 *             ownershipEntityRefs: [user:default/approver, group:default/billing-admins]
 *
 * `GET /api/auth/sandbox/refresh?user=user:default/approver` answers like the
 * guest provider's refresh, with a token of that user.
 */
import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';

/** An error Backstage's error handler maps by name (403, 400), without depending on @backstage/errors. */
function namedError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

type SandboxUser = { userEntityRef: string; ownershipEntityRefs: string[] };

export const sandboxUsersAuthenticator = createProxyAuthenticator<
  { users: SandboxUser[] },
  SandboxUser,
  undefined
>({
  defaultProfileTransform: async result => ({
    profile: {
      displayName: result.userEntityRef.replace(/^user:default\//, ''),
    },
  }),
  initialize({ config }) {
    if (
      process.env.NODE_ENV === 'production' &&
      !config.getOptionalBoolean('dangerouslyAllowOutsideDevelopment')
    ) {
      throw namedError(
        'NotAllowedError',
        'The sandbox sign-in is for development only (auth.providers.sandbox)',
      );
    }
    return {
      users: config.getConfigArray('users').map(u => ({
        userEntityRef: u.getString('userEntityRef'),
        ownershipEntityRefs: u.getOptionalStringArray(
          'ownershipEntityRefs',
        ) ?? [u.getString('userEntityRef')],
      })),
    };
  },
  async authenticate({ req }, { users }) {
    const wanted = String(req.query.user ?? users[0]?.userEntityRef ?? '');
    const user = users.find(u => u.userEntityRef === wanted);
    if (!user) {
      throw namedError('InputError', `No sandbox user ${wanted}`);
    }
    return { result: user };
  },
});

/** The `sandbox` auth provider (see above). */
export const authModuleSandboxUsers = createBackendModule({
  pluginId: 'auth',
  moduleId: 'sandbox-users',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'sandbox',
          factory: createProxyAuthProviderFactory({
            authenticator: sandboxUsersAuthenticator,
            signInResolver: async ({ result }, ctx) =>
              ctx.issueToken({
                claims: {
                  sub: result.userEntityRef,
                  ent: result.ownershipEntityRefs,
                },
              }),
          }),
        });
      },
    });
  },
});

/** Default export: `backend.add(import(...))` in ../index.ts. */
export default authModuleSandboxUsers;
