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

  async function setup(extra: { now?: () => number } = {}) {
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
      ...extra,
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
        token_usage: {
          prompt_tokens: 10,
          completion_tokens: 10,
          total_tokens: 20,
        },
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

  it('bills every kind of log row once at the snapshot price, including a row still processing when pulled', async () => {
    // The sandbox's clock: hours after the rows below.
    const { store, ingestor } = await setup({
      now: () => Date.parse('2026-11-20T06:00:00Z'),
    });
    await ingestor.ingest('local');
    const customer_id = 'cust-row-kinds';
    const usage = { prompt_tokens: 1000, completion_tokens: 1000 };
    const row = (id: string, at: string, more: Record<string, unknown>) => ({
      id,
      timestamp: `2026-11-20T${at}:00.000Z`,
      provider: 'kubeai',
      model: 'qwen25-05b-instruct',
      customer_id,
      ...more,
    });
    sandbox.bifrost.addLogs([
      // Started, not finished: no usage yet.
      row('kind-processing', '01:00', { status: 'processing' }),
      row('kind-success', '01:01', {
        status: 'success',
        token_usage: usage,
        cost: 0.032,
      }),
      // A failed request: Bifrost charges nothing, whatever usage it logged.
      row('kind-error', '01:02', { status: 'error', token_usage: usage }),
      // A fallback chain: the failed first attempt, then the fallback that answered.
      row('kind-fallback-0', '01:03', { status: 'error', fallback_index: 0 }),
      row('kind-fallback-1', '01:03', {
        status: 'success',
        fallback_index: 1,
        parent_request_id: 'kind-fallback-0',
        token_usage: usage,
        cost: 0.032,
      }),
      row('kind-stream', '01:04', {
        status: 'success',
        stream: true,
        token_usage: usage,
        cost: 0.032,
      }),
      // Answered from the semantic cache: never reached KubeAI.
      row('kind-cache-hit', '01:05', {
        status: 'success',
        token_usage: usage,
        cost: 0,
        cache_debug: { cache_hit: true, hit_type: 'direct' },
      } as any),
      // The gateway had no price (no cost logged): billed at ours, reported.
      row('kind-unpriced-in-gateway', '01:06', {
        status: 'success',
        token_usage: usage,
      }),
      row('kind-later', '05:00', {
        status: 'success',
        token_usage: usage,
        cost: 0.032,
      }),
    ]);
    const first = await ingestor.ingest('local');
    expect(first.processing).toBe(1);
    expect(first.notBilled).toBe(3);
    expect(first.unpricedInGateway).toEqual(['qwen25-05b-instruct']);
    // The cursor waits just before the pending row.
    expect(await store.getCursor('local')).toBe('2026-11-20T00:59:59.999Z');

    // The request completes hours later, in place.
    sandbox.bifrost.updateLog('kind-processing', {
      status: 'success',
      token_usage: usage,
      cost: 0.032,
    });
    const second = await ingestor.ingest('local');
    expect(second.processing).toBe(0);
    expect(second.added).toBe(1);
    expect(await store.getCursor('local')).toBe('2026-11-20T05:00:00.000Z');
    // A third run adds nothing.
    expect((await ingestor.ingest('local')).added).toBe(0);

    const [rollup] = (
      await store.dailyRollups({
        location: 'local',
        from: '2026-11-20',
        to: '2026-11-21',
      })
    ).filter(r => r.customerId === customer_id);
    // Billed: processing (once final), success, fallback-1, stream,
    // unpriced-in-gateway, later; each 1000 * 0.000008 + 1000 * 0.000024.
    expect(rollup).toEqual(
      expect.objectContaining({
        requests: 9,
        promptTokens: 6000,
        completionTokens: 6000,
        cost: '0.192',
      }),
    );
  });
  it('waits for the usage of a successful row logged before its usage, and bills it once written', async () => {
    // Large-response mode answers before the usage at the end of the body is
    // read: the row is `success` first, its usage is written afterwards.
    let clock = Date.parse('2026-11-21T02:10:00Z');
    const { store, ingestor } = await setup({ now: () => clock });
    await ingestor.ingest('local');
    const customer_id = 'cust-late-usage';
    sandbox.bifrost.addLogs([
      {
        id: 'late-usage',
        timestamp: '2026-11-21T02:00:00.000Z',
        provider: 'kubeai',
        model: 'qwen25-05b-instruct',
        status: 'success',
        customer_id,
      },
      {
        id: 'after-late-usage',
        timestamp: '2026-11-21T02:05:00.000Z',
        provider: 'kubeai',
        model: 'qwen25-05b-instruct',
        status: 'success',
        customer_id,
        token_usage: {
          prompt_tokens: 1000,
          completion_tokens: 1000,
          total_tokens: 2000,
        },
      },
    ]);
    const first = await ingestor.ingest('local');
    expect(first.awaitingUsage).toBe(1);
    expect(await store.getCursor('local')).toBe('2026-11-21T01:59:59.999Z');

    sandbox.bifrost.updateLog('late-usage', {
      token_usage: {
        prompt_tokens: 1000,
        completion_tokens: 1000,
        total_tokens: 2000,
      },
      cost: 0.032,
    });
    clock = Date.parse('2026-11-21T02:20:00Z');
    const second = await ingestor.ingest('local');
    expect([second.awaitingUsage, second.added]).toEqual([0, 1]);
    expect(await store.getCursor('local')).toBe('2026-11-21T02:05:00.000Z');
    const [rollup] = (
      await store.dailyRollups({
        location: 'local',
        from: '2026-11-21',
        to: '2026-11-22',
      })
    ).filter(r => r.customerId === customer_id);
    // Both billed: 2 x (1000 * 0.000008 + 1000 * 0.000024).
    expect(rollup).toEqual(
      expect.objectContaining({ requests: 2, cost: '0.064' }),
    );
  });

  it('records a successful row still without usage after the settle time with 0 tokens, and says so', async () => {
    const { store, ingestor, logger } = await setup({
      now: () => Date.parse('2026-11-22T05:00:00Z'),
    });
    await ingestor.ingest('local');
    sandbox.bifrost.addLogs([
      {
        id: 'never-usage',
        timestamp: '2026-11-22T04:00:00.000Z',
        provider: 'kubeai',
        model: 'qwen25-05b-instruct',
        status: 'success',
      },
    ]);
    const result = await ingestor.ingest('local');
    expect([result.awaitingUsage, result.withoutUsage]).toEqual([0, 1]);
    expect(await store.getCursor('local')).toBe('2026-11-22T04:00:00.000Z');
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'still without token usage after the settle time',
      ),
    );
  });
});
