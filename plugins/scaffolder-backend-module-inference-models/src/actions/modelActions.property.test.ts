/*
 * Property-based: 1,000 generated inputs per inference:model:* action. Each
 * input goes through what the scaffolder does (JSON-schema validation of the
 * step input, then the handler). The outcome is success, a validation or 4xx
 * error, or a clear error naming the location: never an unhandled
 * exception. A rejected input (and any dry run) changes nothing: the Models
 * in the Kubernetes emulator are as before. Prints the counts.
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonObject } from '@backstage/types';
import { ConfigInferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import {
  recordTestFigures,
  startKubernetesEmulator,
  type KubernetesEmulator,
} from '@internal/test-emulators';
import fc from 'fast-check';
import { validate, type Schema } from 'jsonschema';
import { createModelActions } from './modelActions';

jest.setTimeout(300_000);

const RUNS = 1000;
/** A small set of names, so that creates, scales and deletes meet. */
const NAMES = ['fc-a', 'fc-b', 'fc-c'];

const weird = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.constantFrom(
    '',
    ' ',
    '; rm -rf /',
    '$(id)',
    '../../etc/passwd',
    'http://169.254.169.254/latest/meta-data',
    'a'.repeat(300),
  ),
);
const anyValue = fc.oneof(
  weird,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
);
const location = fc.oneof(
  { weight: 20, arbitrary: fc.constant('local') },
  { weight: 1, arbitrary: fc.constantFrom('nowhere', 'LOCAL', 'loc;x') },
  { weight: 1, arbitrary: anyValue },
);
const name = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(...NAMES) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('x'.repeat(41), 'Bad_Name', '-a', 'a-'),
  },
  { weight: 1, arbitrary: anyValue },
);
const count = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 4 }) },
  { weight: 1, arbitrary: fc.integer({ min: -3, max: 100 }) },
  { weight: 1, arbitrary: anyValue },
);
const price = fc.oneof(
  fc.constantFrom('8', '0.15', '0', '24', '-1', '1e3', 'abc', ''),
  fc.integer({ min: -5, max: 100 }),
  fc.double(),
  anyValue,
);

/** Mostly a valid value, sometimes anything. */
const mostly = <T>(
  valid: fc.Arbitrary<T>,
  invalid: fc.Arbitrary<unknown> = anyValue,
) =>
  fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: invalid });

const createInput = fc.record(
  {
    location,
    name,
    source: mostly(
      fc.constantFrom(
        'Qwen/Qwen2.5-0.5B-Instruct',
        'hf://Qwen/Qwen2.5-0.5B-Instruct',
        'hf.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF:q4_k_m.gguf',
        'ollama://qwen2.5:0.5b',
        'pvc://models/qwen',
        'https://evil.example.com/model',
      ),
      weird,
    ),
    engine: mostly(
      fc.constantFrom('VLLM', 'OLlama', 'FasterWhisper', 'Infinity'),
      fc.constantFrom('Docker', 'vllm'),
    ),
    features: mostly(
      fc.subarray([
        'TextGeneration',
        'TextEmbedding',
        'Reranking',
        'SpeechToText',
      ]),
      fc.array(weird, { maxLength: 2 }),
    ),
    resourceProfile: mostly(
      fc.constantFrom('nvidia-unlimited', 'cpu-unlimited', 'amd-unlimited'),
      weird,
    ),
    gpuCount: mostly(fc.integer({ min: 1, max: 4 }), count),
    minReplicas: mostly(fc.integer({ min: 0, max: 3 }), count),
    maxReplicas: mostly(fc.integer({ min: 1, max: 3 }), count),
    replicas: mostly(fc.integer({ min: 0, max: 3 }), count),
    args: mostly(
      fc.array(fc.constantFrom('--dtype=half', '--max-model-len=4096'), {
        maxLength: 2,
      }),
      fc.array(weird, { maxLength: 3 }),
    ),
    env: mostly(
      fc.constant({}),
      fc.dictionary(fc.string({ maxLength: 8 }), weird, { maxKeys: 2 }),
    ),
    cacheProfile: mostly(fc.constantFrom('storage', ''), weird),
    promptPricePer1M: mostly(fc.constantFrom('8', '0.15', '0', 24), price),
    completionPricePer1M: mostly(fc.constantFrom('24', '0.6', 0), price),
    contextLength: mostly(fc.integer({ min: 1, max: 131072 }), count),
    maxOutputLength: mostly(fc.integer({ min: 1, max: 8192 }), count),
    quantization: mostly(fc.constantFrom('bf16', 'int4', 'fp8'), weird),
    supportedFeatures: mostly(fc.subarray(['tools', 'json_mode', 'reasoning'])),
    displayName: mostly(fc.constantFrom('Qwen', 'A model'), weird),
    description: mostly(fc.constant('test'), weird),
    countryCode: mostly(fc.constantFrom('RO', 'US'), weird),
    update: mostly(fc.boolean()),
  },
  {
    requiredKeys: [
      'location',
      'name',
      'source',
      'engine',
      'resourceProfile',
      'promptPricePer1M',
      'completionPricePer1M',
      'contextLength',
      'maxOutputLength',
      'quantization',
    ],
  },
) as fc.Arbitrary<JsonObject>;

const scaleInput = fc.record(
  { location, name, minReplicas: count, maxReplicas: count, replicas: count },
  { requiredKeys: ['location', 'name', 'minReplicas', 'maxReplicas'] },
) as fc.Arbitrary<JsonObject>;

const deleteInput = fc.record(
  { location, name, extra: anyValue },
  { requiredKeys: ['location', 'name'] },
) as fc.Arbitrary<JsonObject>;

type Outcome = 'schema' | 'rejected' | 'success' | 'external';

function classify(error: unknown): Outcome {
  const e = error as { name?: string; status?: number; message?: string };
  if (
    [
      'InputError',
      'NotFoundError',
      'ConflictError',
      'NotAllowedError',
    ].includes(e?.name ?? '')
  ) {
    return 'rejected';
  }
  if (typeof e?.message === 'string' && /^location local: /.test(e.message)) {
    return 'external';
  }
  throw error;
}

describe('inference:model:* actions: 1,000 generated inputs each', () => {
  let kube: KubernetesEmulator;
  let actions: ReturnType<typeof createModelActions>;

  beforeAll(async () => {
    kube = await startKubernetesEmulator({
      token: 'property-token',
      controller: { modelReadyDelayMs: 0 },
    });
    kube.seed([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeai' } },
    ]);
    const config = new ConfigReader({
      inference: {
        locations: [
          {
            name: 'local',
            domain: 'local.example.com',
            countryCode: 'RO',
            cluster: 'local',
            bifrost: { baseUrl: 'http://127.0.0.1:1' },
          },
        ],
      },
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'local',
                url: kube.url,
                authProvider: 'serviceAccount',
                serviceAccountToken: 'property-token',
                skipTLSVerify: true,
              },
            ],
          },
        ],
      },
    });
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockImplementation(async requests =>
      requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    );
    actions = createModelActions({
      locations: ConfigInferenceLocationsService.fromConfig(config),
      permissions,
      events: mockServices.events.mock(),
      pollIntervalMs: 5,
      now: () => 1700000000,
    });
  });
  afterAll(() => kube?.close());

  /** Every Model's spec and annotations. */
  const snapshot = () =>
    JSON.stringify(
      kube
        .list<any>('kubeai.org/v1', 'Model')
        .map(m => [m.metadata.name, m.metadata.annotations, m.spec]),
    );

  /**
   * The snapshot once KubeAI's controller has finished reacting to the
   * previous input (feature labels, spec.replicas, a cache finalizer going):
   * it writes to Models after the actions do, as the real one does.
   */
  async function settled(): Promise<string> {
    let last = snapshot();
    for (;;) {
      await new Promise(r => setTimeout(r, 5));
      const next = snapshot();
      if (next === last) return next;
      last = next;
    }
  }

  async function check(
    action: (typeof actions)[number],
    arbitrary: fc.Arbitrary<JsonObject>,
  ) {
    const counts: Record<Outcome, number> = {
      schema: 0,
      rejected: 0,
      success: 0,
      external: 0,
    };
    await fc.assert(
      fc.asyncProperty(arbitrary, fc.boolean(), async (input, isDryRun) => {
        const before = await settled();
        const { errors } = validate(input, action.schema!.input as Schema);
        let outcome: Outcome = 'schema';
        if (errors.length === 0) {
          try {
            await action.handler({
              ...createMockActionContext({ input }),
              isDryRun,
              getInitiatorCredentials: async () => mockCredentials.user(),
            } as any);
            outcome = 'success';
          } catch (e) {
            outcome = classify(e);
          }
        }
        counts[outcome]++;
        if (outcome !== 'success' || isDryRun) {
          expect(snapshot()).toBe(before);
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    recordTestFigures(
      `${action.id}: ${RUNS} inputs: ${counts.schema} rejected by the schema, ${counts.rejected} rejected by the action (4xx), ${counts.success} succeeded, ${counts.external} failed in the external system with a clear error; 0 unhandled`,
    );
    expect(
      counts.schema + counts.rejected + counts.success + counts.external,
    ).toBe(RUNS);
    return counts;
  }

  it('inference:model:create', async () => {
    const counts = await check(actions[0], createInput);
    // The generators reach every path: schema errors, action errors, creates.
    expect(counts.schema).toBeGreaterThan(0);
    expect(counts.rejected).toBeGreaterThan(0);
    expect(counts.success).toBeGreaterThan(0);
    // Nothing reaches the Kubernetes API that its CRD rules refuse: the
    // action checks them (transition rules included) before sending.
    expect(counts.external).toBe(0);
  });

  it('inference:model:scale', async () => {
    const counts = await check(actions[1], scaleInput);
    expect(counts.schema).toBeGreaterThan(0);
    expect(counts.rejected + counts.success).toBeGreaterThan(0);
    expect(counts.external).toBe(0);
  });

  it('inference:model:delete', async () => {
    const counts = await check(actions[2], deleteInput);
    expect(counts.schema).toBeGreaterThan(0);
    expect(counts.success).toBeGreaterThan(0);
  });
});
