import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type {
  BifrostLogEntry,
  InferenceLocationsService,
  ModelResource,
} from '@internal/backstage-plugin-inference-node';
import { UsageLedgerStore } from '../database/UsageLedgerStore';
import { toInvoiceDrafts } from '../invoicing/toInvoiceDrafts';
import { toPricingSheet } from '../mapping/toPricingSheet';
import { UsageIngestor } from './UsageIngestor';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const BASE = 'qwen25-05b-instruct';

const models: ModelResource[] = [
  {
    apiVersion: 'kubeai.org/v1',
    kind: 'Model',
    metadata: {
      name: BASE,
      annotations: {
        'openrouter.ai/json': JSON.stringify({
          id: BASE,
          pricing: { prompt: '0.000008', completion: '0.000024' },
        }),
      },
    },
    spec: {
      url: 'hf://Qwen/Qwen2.5-0.5B-Instruct',
      engine: 'VLLM',
      features: ['TextGeneration'],
      adapters: [{ name: 'myadapter', url: 'hf://acme/qwen-lora' }],
    },
  },
];

const usage = { prompt_tokens: 1000, completion_tokens: 1000 };
const log = (
  id: string,
  model: string,
  customer_id: string,
  more: Partial<BifrostLogEntry> = {},
): BifrostLogEntry =>
  ({
    id,
    timestamp: `2026-10-05T10:00:0${id.length % 10}.000Z`,
    provider: 'kubeai',
    model,
    status: 'success',
    customer_id,
    token_usage: usage,
    ...more,
  } as BifrostLogEntry);

const logs: BifrostLogEntry[] = [
  // The adapter, as Bifrost logs it (model after the provider prefix) and
  // with the prefix.
  log('a-1', `${BASE}_myadapter`, 'cust-a'),
  log('a-22', `kubeai/${BASE}_myadapter`, 'cust-a'),
  log('a-333', BASE, 'cust-a'),
  // A mistyped model: KubeAI answers 404, Bifrost logs an error row without tokens.
  log('a-4444', 'qwen-typo', 'cust-a', {
    status: 'error',
    token_usage: undefined,
  }),
  // `<x>_<y>` names that are no adapter of a Model.
  log('b-1', `${BASE}_otheradapter`, 'cust-b'),
  log('b-22', 'nosuchmodel_myadapter', 'cust-b'),
];

/** A location whose cluster has `models` and whose Bifrost logged `logs`. */
function fakeLocations(): InferenceLocationsService {
  return {
    kubeAi: () => ({ listModels: async () => models }),
    bifrost: () => ({
      listLogs: async ({ offset }: { offset: number }) => ({
        logs: offset === 0 ? logs : [],
        totalCount: logs.length,
      }),
    }),
  } as unknown as InferenceLocationsService;
}

describe('UsageIngestor prices', () => {
  async function ingest() {
    const knex = await databases.init('SQLITE_3');
    const store = await UsageLedgerStore.create(
      mockServices.database.mock({ getClient: async () => knex }),
    );
    const ingestor = new UsageIngestor({
      locations: fakeLocations(),
      store,
      logger: mockServices.logger.mock(),
      now: () => Date.parse('2026-10-06T00:00:00Z'),
    });
    const result = await ingestor.ingest('local');
    return { store, result };
  }

  it("bills a LoRA adapter's usage at its Model's snapshot price and leaves other <x>_<y> names unpriced", async () => {
    const { store, result } = await ingest();
    expect(result.added).toBe(logs.length);
    // Only names with tokens and no price; the error row without tokens is none.
    expect(result.unpricedModels).toEqual([
      'nosuchmodel_myadapter',
      `${BASE}_otheradapter`,
    ]);
    const rollups = await store.dailyRollups({
      location: 'local',
      from: '2026-10-05',
      to: '2026-10-06',
    });
    const of = (customerId: string, model: string) =>
      rollups.find(r => r.customerId === customerId && r.model === model);
    // 2 x (1000 * 0.000008 + 1000 * 0.000024)
    expect(of('cust-a', `${BASE}_myadapter`)).toEqual(
      expect.objectContaining({ requests: 2, cost: '0.064', unpriced: false }),
    );
    expect(of('cust-a', BASE)).toEqual(
      expect.objectContaining({ requests: 1, cost: '0.032', unpriced: false }),
    );
    expect(of('cust-a', 'qwen-typo')).toEqual(
      expect.objectContaining({ requests: 1, cost: '0', unpriced: false }),
    );
    expect(of('cust-b', `${BASE}_otheradapter`)).toEqual(
      expect.objectContaining({ cost: '0', unpriced: true }),
    );
    expect(of('cust-b', 'nosuchmodel_myadapter')).toEqual(
      expect.objectContaining({ cost: '0', unpriced: true }),
    );
  });

  it('makes the invoice path agree: adapter usage is invoiced, unpriced <x>_<y> usage blocks, a mistyped name without tokens does not', async () => {
    const { store } = await ingest();
    const usageTotals = await store.usageTotals({
      location: 'local',
      from: '2026-10-01',
      to: '2026-11-01',
    });
    const drafts = toInvoiceDrafts('local', '2026-10', usageTotals);
    const a = drafts.find(d => d.customerId === 'cust-a')!;
    expect(a.status).toBe('ready');
    expect(a.exactTotal).toBe('0.096');
    expect(a.total).toBe('0.10');
    expect(a.lines.map(l => [l.model, l.exactAmount])).toEqual([
      ['qwen-typo', '0'],
      [BASE, '0.032'],
      [`${BASE}_myadapter`, '0.064'],
    ]);
    const b = drafts.find(d => d.customerId === 'cust-b')!;
    expect(b.status).toBe('blocked');
    expect(b.reason).toContain(`${BASE}_otheradapter (1 requests`);
    expect(b.reason).toContain('nosuchmodel_myadapter (1 requests');
  });

  it('pushes to Bifrost exactly the names the ledger prices', async () => {
    const { store } = await ingest();
    const sheet = toPricingSheet('local', models);
    const priced = new Set(
      (
        await store.usageTotals({
          location: 'local',
          from: '2026-10-01',
          to: '2026-11-01',
        })
      )
        .filter(u => u.promptTokens > 0 && !u.unpriced)
        .map(u => u.model),
    );
    expect(sheet.pricing_overrides.map(o => o.pattern).sort()).toEqual(
      [...priced].sort(),
    );
    expect(sheet.prices).toEqual([
      { model: BASE, prompt: '0.000008', completion: '0.000024' },
      {
        model: `${BASE}_myadapter`,
        prompt: '0.000008',
        completion: '0.000024',
      },
    ]);
  });
});
