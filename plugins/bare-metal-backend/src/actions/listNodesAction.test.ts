import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ConfigInferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import { ServerService } from '../services/ServerService';
import { registerListNodesAction } from './listNodesAction';

describe('actions registry: bare-metal list-nodes', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
  });
  afterAll(() => sandbox.close());

  function registry(
    result:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
  ) {
    const actionsRegistry = actionsRegistryServiceMock();
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockResolvedValue([{ result }] as any);
    const locations = ConfigInferenceLocationsService.fromConfig(
      new ConfigReader(sandbox.config as any),
    );
    registerListNodesAction({
      actionsRegistry,
      permissions,
      servers: new ServerService({ locations }),
    });
    return { actionsRegistry, permissions };
  }

  it('is registered read-only, visible with baremetal.node.read', async () => {
    const { actionsRegistry } = registry();
    const { actions } = await actionsRegistry.list();
    expect(actions).toEqual([
      expect.objectContaining({
        id: 'test:list-nodes',
        attributes: { readOnly: true, idempotent: true, destructive: false },
      }),
    ]);
    expect(
      actionsRegistry.actions.get('test:list-nodes')?.visibilityPermission
        ?.name,
    ).toBe('baremetal.node.read');
  });

  it("lists a location's nodes with GPUs, checking the caller's permission", async () => {
    const { actionsRegistry, permissions } = registry();
    const credentials = mockCredentials.user('user:default/mcp-client');
    const { output } = await actionsRegistry.invoke({
      id: 'test:list-nodes',
      input: { location: 'local' },
      credentials,
    });
    const { nodes, errors } = output as any;
    expect(errors).toEqual([]);
    expect(nodes.map((n: any) => n.name)).toEqual(['node1', 'node2', 'node3']);
    expect(nodes[0]).toMatchObject({
      membership: 'managed',
      ready: true,
      gpus: [expect.objectContaining({ count: 8 })],
    });
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({ name: 'baremetal.node.read' }),
        },
      ],
      { credentials },
    );
  });

  it('refuses a caller without baremetal.node.read', async () => {
    const { actionsRegistry } = registry(AuthorizeResult.DENY);
    await expect(
      actionsRegistry.invoke({
        id: 'test:list-nodes',
        input: { location: 'local' },
        credentials: mockCredentials.user(),
      }),
    ).rejects.toThrow('Permission baremetal.node.read is required');
  });

  it('rejects an unknown or malformed location naming the field', async () => {
    const { actionsRegistry } = registry();
    await expect(
      actionsRegistry.invoke({
        id: 'test:list-nodes',
        input: { location: 'nowhere' },
        credentials: mockCredentials.user(),
      }),
    ).rejects.toThrow("location: No location named 'nowhere'");
    await expect(
      actionsRegistry.invoke({
        id: 'test:list-nodes',
        input: { location: 'Bad; rm -rf /' },
        credentials: mockCredentials.user(),
      }),
    ).rejects.toThrow(/location/);
  });
});
