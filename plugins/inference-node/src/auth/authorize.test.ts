import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { authorize } from './authorize';

const read = createPermission({
  name: 'x.read',
  attributes: { action: 'read' },
});
const scale = createPermission({
  name: 'x.scale',
  attributes: { action: 'update' },
  resourceType: 'x-thing',
});

describe('authorize', () => {
  it('passes when every check is allowed, sending resource refs with resource permissions', async () => {
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockResolvedValue([
      { result: AuthorizeResult.ALLOW },
      { result: AuthorizeResult.ALLOW },
    ]);
    await authorize({
      permissions,
      credentials: mockCredentials.user(),
      checks: [
        { permission: read },
        { permission: scale, resourceRef: 'x:pr/qwen' },
      ],
    });
    expect(permissions.authorize).toHaveBeenCalledWith(
      [{ permission: read }, { permission: scale, resourceRef: 'x:pr/qwen' }],
      { credentials: mockCredentials.user() },
    );
  });

  it('throws NotAllowedError naming the first denied permission', async () => {
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockResolvedValue([
      { result: AuthorizeResult.ALLOW },
      { result: AuthorizeResult.DENY },
    ]);
    await expect(
      authorize({
        permissions,
        credentials: mockCredentials.user(),
        checks: [
          { permission: read },
          { permission: scale, resourceRef: 'x:pr/qwen' },
        ],
      }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: 'Permission x.scale is required',
    });
  });
});
