import { ConfigReader } from '@backstage/config';
import { ConfigInferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import { CustomerService } from '../services/CustomerService';
import {
  CustomerCollatorFactory,
  type CustomerDocument,
} from './CustomerCollatorFactory';

describe('CustomerCollatorFactory', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
  });
  afterAll(() => sandbox.close());

  it('emits one document per customer with its location, behind inference.customer.read, without key values', async () => {
    const factory = new CustomerCollatorFactory(
      new CustomerService(
        ConfigInferenceLocationsService.fromConfig(
          new ConfigReader(sandbox.config as any),
        ),
      ),
    );
    expect(factory.visibilityPermission.name).toBe('inference.customer.read');
    const documents: CustomerDocument[] = [];
    for await (const document of await factory.getCollator())
      documents.push(document);
    expect(documents.map(d => d.title)).toEqual([
      'Acme Robotics SRL',
      'Globex Analytics',
      'Initech Legal',
    ]);
    expect(documents.every(d => d.inferenceLocation === 'local')).toBe(true);
    expect(documents[0].text).toContain(
      'Customer Acme Robotics SRL in location local',
    );
    const serialized = JSON.stringify(documents);
    for (const key of sandbox.bifrost.virtualKeys()) {
      expect(serialized).not.toContain(key.value);
    }
  });
});
