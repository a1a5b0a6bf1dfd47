import { ConfigReader } from '@backstage/core-app-api';
import { oidcProvider, signInProviders } from './signInProviders';

describe('signInProviders', () => {
  it('offers guest when only the guest provider is configured (the sandbox)', () => {
    expect(
      signInProviders(new ConfigReader({ auth: { providers: { guest: {} } } })),
    ).toEqual(['guest']);
  });

  it('offers OIDC, and no guest, when only OIDC is configured (production)', () => {
    expect(
      signInProviders(
        new ConfigReader({
          auth: { providers: { oidc: { production: {} } } },
        }),
      ),
    ).toEqual([oidcProvider]);
  });

  it('drops guest when a later config file sets it to null', () => {
    const config = ConfigReader.fromConfigs([
      {
        context: 'app-config.yaml',
        data: { auth: { providers: { guest: {} } } },
      },
      {
        context: 'app-config.production.yaml',
        data: {
          auth: { providers: { guest: null, oidc: { production: {} } } },
        },
      },
    ]);
    expect(signInProviders(config)).toEqual([oidcProvider]);
  });

  it('offers both when both are configured, and guest when none is', () => {
    expect(
      signInProviders(
        new ConfigReader({
          auth: { providers: { guest: {}, oidc: { development: {} } } },
        }),
      ),
    ).toEqual([oidcProvider, 'guest']);
    expect(signInProviders(new ConfigReader({}))).toEqual(['guest']);
  });
});
