import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { EntityPolicies } from '@backstage/catalog-model';
import type { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import { ConfigInferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import { ServerService } from '../services/ServerService';
import { BareMetalEntityProvider } from './BareMetalEntityProvider';

describe('BareMetalEntityProvider', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
  });
  afterAll(() => sandbox.close());

  async function connected() {
    const locations = ConfigInferenceLocationsService.fromConfig(
      new ConfigReader({
        ...sandbox.config,
        inference: {
          ...(sandbox.config.inference as object),
          http: { timeoutMs: 1000, retries: 0 },
        },
      } as any),
    );
    const connection = {
      applyMutation: jest.fn(),
      refresh: jest.fn(),
    } as jest.Mocked<EntityProviderConnection>;
    const taskRunner = { run: jest.fn() };
    const provider = new BareMetalEntityProvider({
      location: locations.get('local'),
      servers: new ServerService(locations),
      owner: 'group:default/sre',
      logger: mockServices.logger.mock(),
      taskRunner,
    });
    await provider.connect(connection);
    return { provider, connection, taskRunner };
  }

  it('applies one full mutation of the location servers, with GPU facts', async () => {
    const { provider, connection, taskRunner } = await connected();
    expect(taskRunner.run).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'bare-metal:local:refresh' }),
    );
    expect(await provider.refresh()).toBe(3);
    const [mutation] = connection.applyMutation.mock.calls[0];
    expect(mutation.type).toBe('full');
    const entities = (mutation as any).entities.map((e: any) => e.entity);
    expect(
      (mutation as any).entities.every(
        (e: any) => e.locationKey === 'bare-metal:local',
      ),
    ).toBe(true);
    expect(
      entities.map((e: any) => `${e.metadata.namespace}/${e.metadata.name}`),
    ).toEqual(['local/node1', 'local/node2', 'local/node3']);
    const node1 = entities[0];
    expect(node1.spec).toMatchObject({
      type: 'bare-metal-server',
      owner: 'group:default/sre',
      dependencyOf: ['resource:local/local'],
      address: '192.168.1.10',
      gpuCount: 2,
      gpus: [
        {
          vendor: 'nvidia',
          product: 'NVIDIA-GeForce-RTX-3090',
          count: 2,
          memoryMiB: 24576,
        },
      ],
    });
    expect(node1.metadata.tags).toEqual(['gpu']);
    const policies = EntityPolicies.allOf([]);
    for (const entity of entities) {
      await expect(policies.enforce(entity)).resolves.toBeDefined();
    }
  });

  it('applies nothing when the cluster is down, so the last entities stay', async () => {
    const { provider, connection } = await connected();
    const fault = sandbox.kubernetes.faults.inject({
      kind: '5xx',
      status: 503,
    });
    try {
      await expect(provider.refresh()).rejects.toThrow(
        /^location local: kubernetes: /,
      );
      expect(connection.applyMutation).not.toHaveBeenCalled();
    } finally {
      sandbox.kubernetes.faults.clear(fault);
    }
  });
});
