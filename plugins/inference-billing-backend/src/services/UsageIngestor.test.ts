import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  ConfigInferenceLocationsService,
  ExternalSystemError,
} from '@internal/backstage-plugin-inference-node';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import { UsageLedgerStore } from '../database/UsageLedgerStore';
import { UsageIngestor } from './UsageIngestor';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('UsageIngestor', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({
      days: 3,
      modelReadyDelayMs: 0,
      now: new Date('2026-11-20T00:00:00Z'),
    });
  });
  afterAll(() => sandbox.close());

  async function setup() {
    const knex = await databases.init('SQLITE_3');
    const store = await UsageLedgerStore.create(
      mockServices.database.mock({ getClient: async () => knex }),
    );
    const config = new ConfigReader({
      ...sandbox.config,
      inference: {
        ...(sandbox.config.inference as object),
        http: { timeoutMs: 1500, retries: 0 },
      },
    } as any);
    const logger = mockServices.logger.mock();
    const ingestor = new UsageIngestor({
      locations: ConfigInferenceLocationsService.fromConfig(config),
      store,
      logger,
      pageSize: 50,
    });
    return { store, ingestor, logger };
  }

  it('pulls every log in pages once, and a re-run adds nothing', async () => {
    const { store, ingestor } = await setup();
    const total = sandbox.bifrost.logs().length;
    expect(total).toBeGreaterThan(100);
    const first = await ingestor.ingest('local');
    expect(first.added).toBe(total);
    expect(await store.countRecords('local')).toBe(total);
    const second = await ingestor.ingest('local');
    expect(second.added).toBe(0);
    expect(await store.countRecords('local')).toBe(total);

    // A request that finished late (logged with its start time, before the
    // cursor but inside the overlap) and a new one after the cursor.
    const cursor = (await store.getCursor('local'))!;
    const usage = {
      prompt_tokens: 1000,
      completion_tokens: 1000,
      total_tokens: 2000,
    };
    sandbox.bifrost.addLogs([
      {
        id: 'late-1',
        timestamp: new Date(Date.parse(cursor) - 5 * 60_000).toISOString(),
        provider: 'kubeai',
        model: 'qwen25-05b-instruct',
        status: 'success',
        token_usage: usage,
      },
      {
        id: 'new-1',
        timestamp: '2026-11-20T00:30:00.000Z',
        provider: 'kubeai',
        model: 'kubeai/qwen25-05b-instruct',
        status: 'success',
        token_usage: usage,
      },
    ]);
    expect((await ingestor.ingest('local')).added).toBe(2);
    expect(await store.getCursor('local')).toBe('2026-11-20T00:30:00.000Z');
    const rollups = await store.dailyRollups({
      location: 'local',
      from: '2026-11-20',
      to: '2026-11-21',
    });
    // 1000 * 0.000008 + 1000 * 0.000024
    expect(rollups).toEqual([
      expect.objectContaining({
        customerId: null,
        model: 'qwen25-05b-instruct',
        requests: 1,
        cost: '0.032',
      }),
    ]);
  });

  it('reports unknown customers and unpriced models instead of dropping them', async () => {
    const { ingestor, logger } = await setup();
    sandbox.bifrost.addLogs([
      {
        id: 'odd-1',
        timestamp: '2026-11-19T22:00:00.000Z',
        provider: 'kubeai',
        model: 'deepseek-r1-distill-qwen-15b',
        status: 'success',
      },
    ]);
    const result = await ingestor.ingest('local');
    expect(result.unpricedModels).toContain('deepseek-r1-distill-qwen-15b');
    expect(result.unknownCustomer).toBeGreaterThanOrEqual(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('location local: usage kept with'),
    );
  });

  it('fails with an error naming location and system when Bifrost is down, and resumes later', async () => {
    const { store, ingestor } = await setup();
    const fault = sandbox.bifrost.faults.inject({
      kind: '5xx',
      status: 503,
      pathPrefix: '/api/logs',
    });
    const error = await ingestor.ingest('local').catch(e => e);
    sandbox.bifrost.faults.clear(fault);
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect(error.message).toMatch(
      /^location local: bifrost: list logs failed: HTTP 503/,
    );
    expect(await store.countRecords('local')).toBe(0);
    await ingestor.ingest('local');
    expect(await store.countRecords('local')).toBe(
      sandbox.bifrost.logs().length,
    );
  });

  it('commits each batch with its cursor: a run that fails mid-way keeps what it wrote, the next adds the rest once', async () => {
    const { store } = await setup();
    const config = new ConfigReader({
      ...sandbox.config,
      inference: {
        ...(sandbox.config.inference as object),
        http: { timeoutMs: 1500, retries: 0 },
      },
    } as any);
    const locations = ConfigInferenceLocationsService.fromConfig(config);
    const bifrost = locations.bifrost('local');
    let calls = 0;
    const listLogs = bifrost.listLogs.bind(bifrost);
    jest.spyOn(bifrost, 'listLogs').mockImplementation(async options => {
      calls += 1;
      if (calls === 4) throw new Error('connection reset');
      return listLogs(options);
    });
    const ingestor = new UsageIngestor({
      locations,
      store,
      logger: mockServices.logger.mock(),
      pageSize: 20,
      commitSize: 20,
    });
    await expect(ingestor.ingest('local')).rejects.toThrow('connection reset');
    const kept = await store.countRecords('local');
    expect(kept).toBeGreaterThan(0);
    const cursor = await store.getCursor('local');
    expect(cursor).toBeDefined();
    const total = sandbox.bifrost
      .logs()
      .filter(l => l.status !== 'processing').length;
    expect(kept).toBeLessThan(total);

    const resumed = await ingestor.ingest('local');
    expect(resumed.added).toBe(total - kept);
    expect(await store.countRecords('local')).toBe(total);
    const rollups = await store.dailyRollups({
      location: 'local',
      from: '2000-01-01',
      to: '2100-01-01',
    });
    expect(rollups.reduce((n, r) => n + r.requests, 0)).toBe(total);
  });
});
