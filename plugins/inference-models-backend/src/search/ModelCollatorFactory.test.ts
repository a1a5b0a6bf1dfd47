import { ConfigReader } from '@backstage/config';
import { ConfigInferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import { ModelService } from '../services/ModelService';
import {
  ModelCollatorFactory,
  type ModelDocument,
} from './ModelCollatorFactory';

describe('ModelCollatorFactory', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
  });
  afterAll(() => sandbox.close());

  it('emits one document per Model deployment with its location, behind inference.model.read', async () => {
    const factory = new ModelCollatorFactory(
      new ModelService(
        ConfigInferenceLocationsService.fromConfig(
          new ConfigReader(sandbox.config as any),
        ),
      ),
    );
    expect(factory.visibilityPermission.name).toBe('inference.model.read');
    const documents: ModelDocument[] = [];
    for await (const document of await factory.getCollator())
      documents.push(document);
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
});
