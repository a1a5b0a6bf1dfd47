/*
 * The customers collator as the search backend runs it: the module in a
 * backend with the billing plugin, reading the plugin's `GET /customers`
 * through discovery with the search plugin's own credentials.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { DocumentCollatorFactory } from '@backstage/plugin-search-common';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the module against the real plugin, over HTTP
import inferenceBillingPlugin from '@internal/backstage-plugin-inference-billing-backend';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import type { CustomerDocument } from './CustomerCollatorFactory';
import { searchModuleInferenceCustomers } from './module';

jest.setTimeout(60_000);

/** Two locations, each its own sandbox (Kubernetes API, Bifrost, Odoo). */
function twoLocations(a: Sandbox, b: Sandbox) {
  const location = (s: Sandbox) => (s.config as any).inference.locations[0];
  const cluster = (s: Sandbox) =>
    (s.config as any).kubernetes.clusterLocatorMethods[0].clusters[0];
  return {
    ...(a.config as any),
    inference: {
      ...(a.config as any).inference,
      locations: [
        location(a),
        { ...location(b), name: 'stalpeni', cluster: 'stalpeni' },
      ],
    },
    kubernetes: {
      ...(a.config as any).kubernetes,
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [cluster(a), { ...cluster(b), name: 'stalpeni' }],
        },
      ],
    },
  };
}

/** The module's collator, in a backend that also runs the billing plugin. */
async function customerCollator(config: any): Promise<DocumentCollatorFactory> {
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
      inferenceBillingPlugin,
      searchModuleInferenceCustomers,
      mockServices.rootConfig.factory({
        data: {
          ...config,
          inference: {
            ...config.inference,
            http: { timeoutMs: 1500, retries: 0 },
          },
        },
      }),
    ],
  });
  expect(collators).toHaveLength(1);
  return collators[0];
}

async function collect(factory: DocumentCollatorFactory) {
  const documents: CustomerDocument[] = [];
  for await (const document of await factory.getCollator())
    documents.push(document);
  return documents;
}

describe('CustomerCollatorFactory', () => {
  let sandboxes: Sandbox[];
  beforeAll(async () => {
    sandboxes = await Promise.all([
      startSandbox({ days: 1, modelReadyDelayMs: 0 }),
      startSandbox({ days: 1, modelReadyDelayMs: 0 }),
    ]);
  });
  afterAll(() => Promise.all(sandboxes.map(s => s.close())));

  it('emits one document per customer with its location, behind inference.customer.read, without key values', async () => {
    const [sandbox] = sandboxes;
    const factory = await customerCollator(sandbox.config);
    expect(factory.type).toBe('inference-customer');
    expect(factory.visibilityPermission!.name).toBe('inference.customer.read');
    const documents = await collect(factory);
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

  it('collects the customers of every location, each document linking to its customer page', async () => {
    const factory = await customerCollator(
      twoLocations(sandboxes[0], sandboxes[1]),
    );
    const documents = await collect(factory);
    const expected = (location: string, sandbox: Sandbox) =>
      sandbox.bifrost
        .customers()
        .map(c => ({
          kind: 'customer',
          title: c.name,
          location: `/inference/customers?location=${location}&customer=${encodeURIComponent(
            c.id,
          )}`,
          inferenceLocation: location,
          customerId: c.id,
        }))
        .sort((x, y) => x.title.localeCompare(y.title));
    expect(documents).toEqual(
      [
        ...expected('local', sandboxes[0]),
        ...expected('stalpeni', sandboxes[1]),
      ].map(d => expect.objectContaining(d)),
    );
    for (const document of documents) {
      expect(document.text).toContain(
        `Customer ${document.title} in location ${document.inferenceLocation}`,
      );
    }
    const serialized = JSON.stringify(documents);
    for (const key of sandboxes.flatMap(s => s.bifrost.virtualKeys())) {
      expect(serialized).not.toContain(key.value);
    }
  });
});
