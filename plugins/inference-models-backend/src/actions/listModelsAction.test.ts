import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ConfigInferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import { ModelService } from '../services/ModelService';
import { registerListModelsAction } from './listModelsAction';

describe('actions registry: inference-models list-models', () => {
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
    registerListModelsAction({
      actionsRegistry,
      permissions,
      models: new ModelService({ locations, cacheSeconds: 0 }),
    });
    return { actionsRegistry, permissions };
  }

  it('is registered read-only, visible with inference.model.read', async () => {
    const { actionsRegistry } = registry();
    const { actions } = await actionsRegistry.list();
    expect(actions).toEqual([
      expect.objectContaining({
        id: 'test:list-models',
        attributes: { readOnly: true, idempotent: true, destructive: false },
      }),
    ]);
    expect(
      actionsRegistry.actions.get('test:list-models')?.visibilityPermission
        ?.name,
    ).toBe('inference.model.read');
  });

  it('lists and filters the sandbox Models, checking the caller', async () => {
    const { actionsRegistry, permissions } = registry();
    const credentials = mockCredentials.user('user:default/mcp-client');
    const { output } = await actionsRegistry.invoke({
      id: 'test:list-models',
      input: { location: 'local', engine: 'OLlama' },
      credentials,
    });
    const { models, errors, total } = output as any;
    expect(errors).toEqual([]);
    expect(total).toBe(models.length);
    expect(models.length).toBeGreaterThan(0);
    expect(models.every((m: any) => m.engine === 'OLlama')).toBe(true);
    expect(models.map((m: any) => m.name)).toContain(
      'qwen25-05b-instruct-ollama',
    );
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({ name: 'inference.model.read' }),
        },
      ],
      { credentials },
    );
    const limited = await actionsRegistry.invoke({
      id: 'test:list-models',
      input: { limit: 1 },
      credentials,
    });
    expect((limited.output as any).models).toHaveLength(1);
    expect((limited.output as any).total).toBeGreaterThan(1);
  });

  it('refuses a caller without inference.model.read, and bad input', async () => {
    const { actionsRegistry } = registry(AuthorizeResult.DENY);
    await expect(
      actionsRegistry.invoke({
        id: 'test:list-models',
        input: {},
        credentials: mockCredentials.user(),
      }),
    ).rejects.toThrow('inference.model.read');
    const allowed = registry().actionsRegistry;
    await expect(
      allowed.invoke({
        id: 'test:list-models',
        input: { engine: 'Docker' },
        credentials: mockCredentials.user(),
      }),
    ).rejects.toThrow(/engine/);
  });
});
