import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { EntityPolicies } from '@backstage/catalog-model';
import {
  catalogProcessingExtensionPoint,
  type EntityProvider,
  type EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import type { JsonObject } from '@backstage/types';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the test runs the plugin beside the module, as a backend does
import bareMetalPlugin from '@internal/backstage-plugin-bare-metal-backend';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import { catalogModuleBareMetal } from '../module';

describe('BareMetalEntityProvider', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
  });
  afterAll(() => sandbox.close());

  /**
   * The sandbox's `local` location, and with `down` a second location whose
   * cluster refuses connections.
   */
  function config(options: { down?: boolean } = {}): JsonObject {
    const inference = sandbox.config.inference as { locations: JsonObject[] };
    const kubernetes = sandbox.config.kubernetes as {
      clusterLocatorMethods: Array<{ clusters: JsonObject[] }>;
    };
    const [local] = inference.locations;
    return {
      ...(sandbox.config as JsonObject),
      inference: {
        http: { timeoutMs: 1000, retries: 0 },
        locations: [
          ...inference.locations,
          ...(options.down
            ? [
                {
                  ...local,
                  name: 'down',
                  domain: 'down.example.com',
                  cluster: 'down',
                },
              ]
            : []),
        ],
      },
      kubernetes: {
        ...kubernetes,
        clusterLocatorMethods: [
          {
            ...kubernetes.clusterLocatorMethods[0],
            clusters: [
              ...kubernetes.clusterLocatorMethods[0].clusters,
              ...(options.down
                ? [
                    {
                      name: 'down',
                      url: 'http://127.0.0.1:1',
                      authProvider: 'serviceAccount',
                      serviceAccountToken: 'x',
                    },
                  ]
                : []),
            ],
          },
        ],
      },
    };
  }

  /**
   * The catalog module's providers, each connected to a mock connection,
   * with the bare-metal plugin beside the module (as a backend runs them)
   * unless `withPlugin` is false.
   */
  async function connected(
    options: { down?: boolean; withPlugin?: boolean } = {},
  ) {
    const added: EntityProvider[] = [];
    const taskRunner = { run: jest.fn() };
    await startTestBackend({
      extensionPoints: [
        [
          catalogProcessingExtensionPoint,
          {
            addEntityProvider: (...providers: any[]) =>
              added.push(...providers.flat()),
          },
        ],
      ],
      features: [
        catalogModuleBareMetal,
        ...(options.withPlugin === false ? [] : [bareMetalPlugin]),
        mockServices.scheduler.mock({
          createScheduledTaskRunner: () => taskRunner,
        }).factory,
        mockServices.rootConfig.factory({ data: config(options) }),
      ],
    });
    const providers: Record<
      string,
      {
        provider: { refresh(): Promise<number> };
        connection: jest.Mocked<EntityProviderConnection>;
      }
    > = {};
    for (const provider of added) {
      const connection = {
        applyMutation: jest.fn(),
        refresh: jest.fn(),
      } as jest.Mocked<EntityProviderConnection>;
      await provider.connect(connection);
      providers[provider.getProviderName()] = {
        provider: provider as unknown as { refresh(): Promise<number> },
        connection,
      };
    }
    return { providers, taskRunner };
  }

  it('applies one full mutation of the location servers, with GPU facts', async () => {
    const { providers, taskRunner } = await connected();
    const { provider, connection } = providers['bare-metal:local'];
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
      gpuCount: 8,
      gpus: [
        {
          vendor: 'nvidia',
          product: 'NVIDIA-GeForce-RTX-3090',
          count: 8,
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
    const { providers } = await connected();
    const { provider, connection } = providers['bare-metal:local'];
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

  it("keeps a failing location's last entities without emptying the other locations'", async () => {
    const { providers } = await connected({ down: true });
    expect(Object.keys(providers).sort()).toEqual([
      'bare-metal:down',
      'bare-metal:local',
    ]);
    await expect(
      providers['bare-metal:down'].provider.refresh(),
    ).rejects.toThrow(/^location down: kubernetes: /);
    expect(
      providers['bare-metal:down'].connection.applyMutation,
    ).not.toHaveBeenCalled();
    expect(await providers['bare-metal:local'].provider.refresh()).toBe(3);
    expect(
      providers['bare-metal:local'].connection.applyMutation,
    ).toHaveBeenCalledTimes(1);
  });

  it('applies nothing when the bare-metal plugin cannot be reached', async () => {
    const { providers } = await connected({ withPlugin: false });
    const { provider, connection } = providers['bare-metal:local'];
    // No plugin behind /api/bare-metal: the backend answers 404.
    await expect(provider.refresh()).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    expect(connection.applyMutation).not.toHaveBeenCalled();
  });
});
