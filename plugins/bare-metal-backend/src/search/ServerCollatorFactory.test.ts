import { ConfigReader } from '@backstage/config';
import { ConfigInferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import { ServerService } from '../services/ServerService';
import {
  ServerCollatorFactory,
  type ServerDocument,
} from './ServerCollatorFactory';

describe('ServerCollatorFactory', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
  });
  afterAll(() => sandbox.close());

  it('emits one document per server with its location and GPUs, behind the read permission', async () => {
    const factory = new ServerCollatorFactory(
      new ServerService(
        ConfigInferenceLocationsService.fromConfig(
          new ConfigReader(sandbox.config as any),
        ),
      ),
    );
    expect(factory.visibilityPermission.name).toBe('baremetal.node.read');
    const documents: ServerDocument[] = [];
    for await (const document of await factory.getCollator())
      documents.push(document);
    expect(documents.map(d => d.title)).toEqual(['node1', 'node2', 'node3']);
    expect(documents[0]).toMatchObject({
      inferenceLocation: 'local',
      location: '/catalog/local/resource/node1',
      gpus: '2 x NVIDIA-GeForce-RTX-3090',
    });
    expect(documents[0].text).toContain('Server node1 in location local');
  });
});
