import { ConfigReader } from '@backstage/config';
import { sandboxUsersAuthenticator } from './sandboxUsersModule';

const config = new ConfigReader({
  users: [
    {
      userEntityRef: 'user:default/approver',
      ownershipEntityRefs: [
        'user:default/approver',
        'group:default/billing-admins',
      ],
    },
  ],
});

describe('sandbox sign-in', () => {
  const env = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = env;
  });

  it('signs in only the configured users, with their ownership', async () => {
    const ctx = sandboxUsersAuthenticator.initialize({ config });
    const { result } = await sandboxUsersAuthenticator.authenticate(
      { req: { query: { user: 'user:default/approver' } } as any },
      ctx,
    );
    expect(result.ownershipEntityRefs).toEqual([
      'user:default/approver',
      'group:default/billing-admins',
    ]);
    await expect(
      sandboxUsersAuthenticator.authenticate(
        { req: { query: { user: 'user:default/admin' } } as any },
        ctx,
      ),
    ).rejects.toMatchObject({ name: 'InputError' });
  });

  it('refuses to start in production', () => {
    process.env.NODE_ENV = 'production';
    expect(() => sandboxUsersAuthenticator.initialize({ config })).toThrow(
      /development only/,
    );
  });
});
