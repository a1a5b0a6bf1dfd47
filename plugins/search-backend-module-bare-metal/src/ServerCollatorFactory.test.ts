import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import type { DocumentCollatorFactory } from '@backstage/plugin-search-common';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the test runs the plugin beside the module, as a backend does
import bareMetalPlugin from '@internal/backstage-plugin-bare-metal-backend';
import type { ServerListResponse } from '@internal/backstage-plugin-bare-metal-common';
import type { PluginApiCaller } from '@internal/backstage-plugin-inference-node';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import { searchModuleBareMetal } from './module';
import {
  ServerCollatorFactory,
  type ServerDocument,
} from './ServerCollatorFactory';

async function documentsOf(
  factory: DocumentCollatorFactory,
): Promise<ServerDocument[]> {
  const documents: ServerDocument[] = [];
  for await (const document of await factory.getCollator()) {
    documents.push(document);
  }
  return documents;
}

describe('ServerCollatorFactory', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
  });
  afterAll(() => sandbox.close());

  it("emits one document per server with its location and GPUs, behind the read permission, from the plugin's GET /nodes", async () => {
    const collators: DocumentCollatorFactory[] = [];
    await startTestBackend({
      extensionPoints: [
        [
          searchIndexRegistryExtensionPoint,
          {
            addCollator: ({ factory }: { factory: DocumentCollatorFactory }) =>
              collators.push(factory),
            addDecorator: () => {},
          },
        ],
      ],
      features: [
        searchModuleBareMetal,
        bareMetalPlugin,
        mockServices.rootConfig.factory({ data: sandbox.config as any }),
      ],
    });
    const [factory] = collators;
    expect(factory.visibilityPermission!.name).toBe('baremetal.node.read');
    const documents = await documentsOf(factory);
    expect(documents.map(d => d.title)).toEqual(['node1', 'node2', 'node3']);
    expect(documents[0]).toMatchObject({
      inferenceLocation: 'local',
      location: '/catalog/local/resource/node1',
      gpus: '8 x NVIDIA-GeForce-RTX-3090',
    });
    expect(documents[0].text).toContain('Server node1 in location local');
  });

  it('skips the locations that could not be read', async () => {
    const response: ServerListResponse = {
      items: [
        {
          location: 'local',
          name: 'node1',
          address: '192.168.1.10',
          roles: ['server'],
          membership: 'managed',
          gpus: [],
          modelPods: [],
        },
      ],
      errors: [
        {
          location: 'down',
          system: 'kubernetes',
          message: 'location down: kubernetes: list Nodes failed',
        },
      ],
      summaries: [],
      total: 1,
      offset: 0,
    };
    const api = { request: jest.fn(async () => response) };
    const documents = await documentsOf(
      new ServerCollatorFactory(api as unknown as PluginApiCaller),
    );
    expect(api.request).toHaveBeenCalledWith({ method: 'GET', path: '/nodes' });
    expect(documents.map(d => `${d.inferenceLocation}/${d.title}`)).toEqual([
      'local/node1',
    ]);
    expect(documents[0].text).toBe(
      'Server node1 in location local; address 192.168.1.10; roles server; no GPUs',
    );
  });
});
