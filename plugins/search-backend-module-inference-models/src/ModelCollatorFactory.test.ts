import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { DocumentCollatorFactory } from '@backstage/plugin-search-common';
import {
  searchEngineRegistryExtensionPoint,
  searchIndexRegistryExtensionPoint,
} from '@backstage/plugin-search-backend-node/alpha';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the test runs the plugin beside the module, as a backend does
import inferenceModelsPlugin from '@internal/backstage-plugin-inference-models-backend';
import type { ModelSummary } from '@internal/backstage-plugin-inference-models-common';
import type { PluginApiCaller } from '@internal/backstage-plugin-inference-node';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import {
  ModelCollatorFactory,
  PAGE_SIZE,
  type ModelDocument,
  withLocation,
} from './ModelCollatorFactory';
import { searchModuleInferenceModels } from './module';

async function documentsOf(
  factory: DocumentCollatorFactory,
): Promise<ModelDocument[]> {
  const documents: ModelDocument[] = [];
  for await (const document of await factory.getCollator()) {
    documents.push(document);
  }
  return documents;
}

describe('ModelCollatorFactory', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
  });
  afterAll(() => sandbox.close());

  it("emits one document per Model deployment with its location, behind inference.model.read, from the plugin's GET /models", async () => {
    const collators: DocumentCollatorFactory[] = [];
    await startTestBackend({
      extensionPoints: [
        [searchEngineRegistryExtensionPoint, { setSearchEngine: () => {} }],
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
        searchModuleInferenceModels,
        inferenceModelsPlugin,
        mockServices.rootConfig.factory({ data: sandbox.config as any }),
      ],
    });
    const [factory] = collators;
    expect(factory.type).toBe('inference-model');
    expect(factory.visibilityPermission!.name).toBe('inference.model.read');
    const documents = await documentsOf(factory);
    expect(documents).toHaveLength(8);
    const qwen = documents.find(
      d => d.location === '/catalog/local/resource/qwen25-05b-instruct',
    )!;
    expect(qwen).toMatchObject({
      title: 'Qwen2.5-0.5B-Instruct (local)',
      inferenceLocation: 'local',
      engine: 'VLLM',
    });
    expect(qwen.text).toContain('Model qwen25-05b-instruct in location local');
  });

  it('reads every page, keeping each deployment once and skipping unreadable locations', async () => {
    const summary = (location: string, name: string) =>
      ({
        location,
        name,
        engine: 'VLLM',
        url: `hf://org/${name}`,
        features: ['TextGeneration'],
        replicas: { desired: 1, ready: 1 },
        status: 'Ready',
        warnings: [],
      } as ModelSummary);
    const pages = [
      {
        items: [summary('local', 'a'), summary('local', 'b')],
        nextOffset: 2,
      },
      // b again: a Model created before it moved it to this page.
      { items: [summary('local', 'b'), summary('pr', 'c')] },
    ];
    let page = 0;
    const request = jest.fn(async (_request: object) => ({
      errors: [
        { location: 'down', system: 'kubernetes', message: 'location down' },
      ],
      total: 4,
      offset: 0,
      limit: PAGE_SIZE,
      ...pages[page++],
    }));
    const documents = await documentsOf(
      new ModelCollatorFactory({ request } as unknown as PluginApiCaller),
    );
    expect(request.mock.calls).toEqual([
      [{ method: 'GET', path: '/models?limit=1000&offset=0' }],
      [{ method: 'GET', path: '/models?limit=1000&offset=2' }],
    ]);
    expect(documents.map(d => d.location)).toEqual([
      '/catalog/local/resource/a',
      '/catalog/local/resource/b',
      '/catalog/pr/resource/c',
    ]);
  });

  it('titles a deployment with its location once, whether or not its display name says it', () => {
    expect(withLocation('Qwen2.5-0.5B-Instruct', 'pr')).toBe(
      'Qwen2.5-0.5B-Instruct (pr)',
    );
    expect(withLocation('Qwen2.5-0.5B-Instruct (pr)', 'pr')).toBe(
      'Qwen2.5-0.5B-Instruct (pr)',
    );
    expect(withLocation('Qwen2.5 (Ollama, Q4_K_M, PR)', 'pr')).toBe(
      'Qwen2.5 (Ollama, Q4_K_M, PR)',
    );
    // A word that only contains the location's name does not count.
    expect(withLocation('Sprite', 'pr')).toBe('Sprite (pr)');
    expect(withLocation('Llama (eu-west.1)', 'eu-west.1')).toBe(
      'Llama (eu-west.1)',
    );
    expect(withLocation('Llama (eu-westx1)', 'eu-west.1')).toBe(
      'Llama (eu-westx1) (eu-west.1)',
    );
  });
});
