/*
 * Property-based: 1,000 generated inputs per onboarding action. Each input
 * goes through what the scaffolder does (JSON-schema validation of the step
 * input, then the handler) against an in-memory billing API that answers like
 * the real one (unknown request: 404). The outcome is success or a
 * validation/4xx error, never an unhandled exception; a refused input stores,
 * decides and provisions nothing. Prints the counts.
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonObject } from '@backstage/types';
import fc from 'fast-check';
import { validate, type Schema } from 'jsonschema';
import { recordTestFigures } from '@internal/test-emulators';
import type { OnboardingRequest } from '@internal/backstage-plugin-inference-billing-common';
import { createOnboardingActions } from './onboardingActions';

jest.setTimeout(120_000);

const RUNS = 1000;

function request(
  id: string,
  status: OnboardingRequest['status'],
): OnboardingRequest {
  return {
    id,
    status,
    companyName: 'Initech SRL',
    contactEmail: 'billing@initech.example',
    vatId: 'RO12345678',
    country: 'RO',
    locations: ['local'],
    allowedModels: { local: ['qwen25-05b-instruct'] },
    budgetUsd: 500,
    requestsPerMinute: 60,
    tokensPerMinute: 100000,
    currency: 'EUR',
    requestedBy: 'user:default/guest',
    createdAt: '2026-11-22T00:00:00.000Z',
    expiresAt: '2099-01-01T00:00:00.000Z',
    ...(status !== 'pending' && {
      decidedBy: 'user:default/approver',
      decisionReason: 'no',
    }),
    provisioning: [],
  } as unknown as OnboardingRequest;
}

/** The billing plugin's onboarding API, in memory, answering like the real one. */
function memoryApi() {
  const requests = new Map<string, OnboardingRequest>([
    ['req-approved', request('req-approved', 'approved' as any)],
    ['req-rejected', request('req-rejected', 'rejected' as any)],
  ]);
  const effects: string[] = [];
  const find = (id: string) => {
    const found = requests.get(id);
    if (!found) throw new NotFoundError(`No onboarding request '${id}'`);
    return found;
  };
  return {
    effects,
    createRequest: async (body: any) => {
      effects.push(`create ${body.companyName}`);
      const created = {
        ...request(`req-${requests.size + 1}`, 'pending'),
        ...body,
      };
      requests.set(created.id, created);
      return created;
    },
    getRequest: async (id: string) => ({ ...find(id) }),
    provision: async (id: string, location: string, step: string) => {
      find(id);
      effects.push(`provision ${id} ${location} ${step}`);
      return {
        location,
        step,
        existed: false,
        provisioning: {
          location,
          bifrostCustomerId: 'cust-1',
          virtualKeyId: 'vk-1',
          virtualKeyName: 'initech',
          virtualKeyLast4: 'abcd',
          revealId: 'reveal-1',
          odooPartnerId: '42',
        },
      };
    },
    complete: async (id: string) => {
      effects.push(`complete ${id}`);
      return find(id);
    },
  };
}

const weird = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', ' ', '$(id)', '; rm -rf /', 'a'.repeat(300), '../x'),
);
const anyValue = fc.oneof(
  weird,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(weird, { maxLength: 3 }),
);
/** Mostly valid, sometimes a plausible mistake, sometimes anything. */
const mostly = <T>(valid: fc.Arbitrary<T>, mistake?: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 24, arbitrary: valid as fc.Arbitrary<unknown> },
    { weight: 1, arbitrary: mistake ?? anyValue },
    { weight: 1, arbitrary: anyValue },
  );

const onboardingInput = fc.record(
  {
    companyName: mostly(
      fc.constantFrom('Initech SRL', 'Globex Corp'),
      fc.constant('A'),
    ),
    contactEmail: mostly(
      fc.constant('billing@initech.example'),
      fc.constant('not-an-email'),
    ),
    vatId: mostly(
      fc.constantFrom('RO12345678', 'DE123456789'),
      fc.constant('nope'),
    ),
    country: mostly(fc.constantFrom('RO', 'US'), fc.constantFrom('XX', 'ro')),
    locations: mostly(fc.constant(['local']), fc.constantFrom(['nowhere'], [])),
    budgetUsd: mostly(
      fc.integer({ min: 1, max: 100_000 }),
      fc.integer({ min: -5, max: 0 }),
    ),
    requestsPerMinute: mostly(
      fc.integer({ min: 1, max: 10_000 }),
      fc.constant(0),
    ),
    tokensPerMinute: mostly(
      fc.integer({ min: 1, max: 1_000_000 }),
      fc.constant(0),
    ),
    allowedModels: mostly(
      fc.constantFrom(
        ['resource:local/qwen25-05b-instruct'],
        ['qwen25-05b-instruct'],
      ),
      fc.constantFrom(['resource:other/qwen'], []),
    ),
    currency: mostly(fc.constantFrom('EUR', 'USD'), fc.constant('euro')),
    notes: mostly(fc.constantFrom('pilot', '')),
    timeoutMinutes: mostly(
      fc.integer({ min: 1, max: 10_000 }),
      fc.constant(-1),
    ),
  },
  {
    requiredKeys: [
      'companyName',
      'contactEmail',
      'vatId',
      'country',
      'locations',
      'budgetUsd',
      'requestsPerMinute',
      'tokensPerMinute',
      'allowedModels',
      'currency',
    ],
  },
) as fc.Arbitrary<JsonObject>;

// Known requests are decided already: the wait ends at once.
const requestId = fc.oneof(
  fc.constantFrom('req-approved', 'req-rejected', 'req-unknown'),
  anyValue,
);
const awaitInput = fc.record(
  { requestId, timeoutMinutes: anyValue },
  { requiredKeys: ['requestId'] },
) as fc.Arbitrary<JsonObject>;
const provisionInput = fc.record(
  { requestId, extra: anyValue },
  { requiredKeys: ['requestId'] },
) as fc.Arbitrary<JsonObject>;

type Outcome = 'schema' | 'rejected' | 'success';

function classify(error: unknown): Outcome {
  const e = error as { name?: string; message?: string };
  if (
    [
      'InputError',
      'NotFoundError',
      'ConflictError',
      'NotAllowedError',
    ].includes(e?.name ?? '') ||
    // The await action fails the task with the approver's reason.
    /rejected by user:default\/approver/.test(e?.message ?? '')
  ) {
    return 'rejected';
  }
  throw error;
}

describe('onboarding actions: 1,000 generated inputs each', () => {
  const permissions = mockServices.permissions.mock();
  permissions.authorize.mockImplementation(async requests =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })),
  );

  async function check(
    index: 0 | 1 | 2,
    arbitrary: fc.Arbitrary<JsonObject>,
    changes: (outcome: Outcome) => boolean,
  ) {
    const counts: Record<Outcome, number> = {
      schema: 0,
      rejected: 0,
      success: 0,
    };
    let id = '';
    await fc.assert(
      fc.asyncProperty(arbitrary, fc.boolean(), async (input, isDryRun) => {
        const api = memoryApi();
        const action = createOnboardingActions({
          api: api as any,
          permissions,
          pollSeconds: 0.001,
        })[index];
        id = action.id;
        const { errors } = validate(input, action.schema!.input as Schema);
        let outcome: Outcome = 'schema';
        if (errors.length === 0) {
          const store = new Map<string, unknown>();
          try {
            await action.handler({
              ...createMockActionContext({ input }),
              isDryRun,
              task: { id: 'task-1' },
              getInitiatorCredentials: async () => mockCredentials.user(),
              checkpoint: async ({ key, fn }: any) => {
                if (!store.has(key)) store.set(key, await fn());
                return store.get(key);
              },
            } as any);
            outcome = 'success';
          } catch (e) {
            outcome = classify(e);
          }
        }
        counts[outcome]++;
        // Refused inputs and dry runs leave the billing data untouched.
        if (outcome !== 'success' || isDryRun || !changes(outcome)) {
          return api.effects.length === 0;
        }
        return true;
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    recordTestFigures(
      `${id}: ${RUNS} inputs: ${counts.schema} rejected by the schema, ${counts.rejected} rejected by the action, ${counts.success} succeeded; 0 unhandled`,
    );
    return counts;
  }

  it('inference:customer:requestOnboarding', async () => {
    const counts = await check(0, onboardingInput, () => true);
    expect(counts.schema).toBeGreaterThan(0);
    expect(counts.rejected).toBeGreaterThan(0);
    expect(counts.success).toBeGreaterThan(0);
  });

  it('inference:approval:await (decides nothing itself)', async () => {
    const counts = await check(1, awaitInput, () => false);
    expect(counts.success).toBeGreaterThan(0);
    expect(counts.rejected).toBeGreaterThan(0);
  });

  it('inference:customer:provision', async () => {
    const counts = await check(2, provisionInput, () => true);
    expect(counts.schema + counts.rejected).toBeGreaterThan(0);
    expect(counts.success).toBeGreaterThan(0);
  });
});
