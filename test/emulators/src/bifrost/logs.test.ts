import { BifrostEmulator, startBifrostEmulator } from './index';
import { logsResponseBody, normalizeLog, searchLogs } from './logs';
import { BifrostStore } from './state';

type Json = Record<string, any>;

describe('Bifrost emulator: /api/logs', () => {
  let bf: BifrostEmulator;

  beforeAll(async () => {
    bf = await startBifrostEmulator();
  });
  afterAll(async () => {
    await bf.close();
  });

  beforeEach(() => {
    bf.reset();
    bf.seed({
      customers: [{ id: 'cust-a', name: 'Acme' }],
      teams: [{ id: 'team-r', name: 'Research', customer_id: 'cust-a' }],
      virtualKeys: [
        { id: 'vk-1', name: 'acme-direct', customer_id: 'cust-a' },
        { id: 'vk-2', name: 'research', team_id: 'team-r' },
        { id: 'vk-3', name: 'loose' },
      ],
    });
    bf.addLogs([
      {
        id: 'r1',
        timestamp: '2026-01-01T10:00:00Z',
        provider: 'kubeai',
        model: 'qwen',
        virtual_key_id: 'vk-1',
        latency: 100,
        token_usage: {
          prompt_tokens: 10,
          completion_tokens: 5,
          total_tokens: 15,
        },
        cost: 0.5,
      },
      {
        id: 'r2',
        timestamp: '2026-01-02T10:00:00Z',
        provider: 'kubeai',
        model: 'llama',
        virtual_key_id: 'vk-2',
        latency: 300,
        token_usage: {
          prompt_tokens: 100,
          completion_tokens: 50,
          total_tokens: 150,
        },
      },
      {
        id: 'r3',
        timestamp: '2026-01-03T10:00:00Z',
        provider: 'openai',
        model: 'gpt-4o-mini',
        virtual_key_id: 'vk-3',
        status: 'error',
        latency: 50,
        token_usage: {
          prompt_tokens: 1,
          completion_tokens: 0,
          total_tokens: 1,
        },
      },
      {
        id: 'r4',
        timestamp: '2026-01-04T10:00:00Z',
        provider: 'kubeai',
        model: 'qwen',
        virtual_key_id: 'vk-1',
        latency: 200,
        token_usage: { prompt_tokens: 20, completion_tokens: 20 },
        cost: 1.25,
      },
    ]);
  });

  async function logs(query = ''): Promise<{ status: number; json: Json }> {
    const res = await fetch(`${bf.url}/api/logs${query ? `?${query}` : ''}`);
    return { status: res.status, json: (await res.json()) as Json };
  }
  const ids = (json: Json) => json.logs.map((l: Json) => l.id);

  it('fills totals and the VK/team/customer names when logs are added', () => {
    const all = bf.logs();
    expect(all.find(l => l.id === 'r4')!.token_usage!.total_tokens).toBe(40);
    expect(all.find(l => l.id === 'r2')).toEqual(
      expect.objectContaining({
        virtual_key_name: 'research',
        team_id: 'team-r',
        team_name: 'Research',
        customer_id: 'cust-a',
        customer_name: 'Acme',
      }),
    );
  });

  it('answers JSON in UTF-8', async () => {
    const res = await fetch(`${bf.url}/api/logs`);
    expect(res.headers.get('content-type')).toBe(
      'application/json; charset=utf-8',
    );
    expect(Number(res.headers.get('content-length'))).toBe(
      Buffer.byteLength(await res.text()),
    );
  });

  it('returns the {logs, pagination, stats, has_logs} shape, newest first by default', async () => {
    const { status, json } = await logs();
    expect(status).toBe(200);
    expect(ids(json)).toEqual(['r4', 'r3', 'r2', 'r1']);
    expect(json.pagination).toEqual({
      limit: 50,
      offset: 0,
      sort_by: 'timestamp',
      order: 'desc',
      total_count: 4,
    });
    expect(json.has_logs).toBe(true);
    expect(json.stats).toEqual(
      expect.objectContaining({
        total_requests: 4,
        success_rate: 75,
        average_latency: 162.5,
        total_tokens: 206,
        total_cost: 1.75,
      }),
    );
    const r2 = json.logs.find((l: Json) => l.id === 'r2');
    expect(r2).not.toHaveProperty('cost');
    expect(Object.keys(r2)).toEqual(
      expect.arrayContaining([
        'id',
        'timestamp',
        'object',
        'provider',
        'model',
        'status',
        'latency',
        'token_usage',
        'virtual_key_id',
        'virtual_key_name',
        'team_id',
        'team_name',
        'customer_id',
        'customer_name',
        'created_at',
      ]),
    );
  });

  it('filters by CSV lists of VK, team, customer, provider, model and status', async () => {
    expect(
      ids((await logs('virtual_key_ids=vk-1,vk-3&order=asc')).json),
    ).toEqual(['r1', 'r3', 'r4']);
    expect(ids((await logs('team_ids=team-r')).json)).toEqual(['r2']);
    expect(ids((await logs('customer_ids=cust-a&order=asc')).json)).toEqual([
      'r1',
      'r2',
      'r4',
    ]);
    expect(ids((await logs('providers=openai')).json)).toEqual(['r3']);
    expect(ids((await logs('models=qwen,%20llama&order=asc')).json)).toEqual([
      'r1',
      'r2',
      'r4',
    ]);
    expect(ids((await logs('status=error')).json)).toEqual(['r3']);
  });

  it('filters by time range and silently ignores invalid times', async () => {
    const range = await logs(
      'start_time=2026-01-02T00:00:00Z&end_time=2026-01-03T23:59:59Z',
    );
    expect(ids(range.json)).toEqual(['r3', 'r2']);
    const invalid = await logs('start_time=yesterday&end_time=2026-13-45');
    expect(invalid.status).toBe(200);
    expect(invalid.json.pagination.total_count).toBe(4);
  });

  it('request_id matches exactly and ignores the time range', async () => {
    const r = await logs('request_id=r1&start_time=2026-01-03T00:00:00Z');
    expect(ids(r.json)).toEqual(['r1']);
  });

  it('filters by token and cost ranges', async () => {
    expect(ids((await logs('min_tokens=40&order=asc')).json)).toEqual([
      'r2',
      'r4',
    ]);
    expect(ids((await logs('max_tokens=15&order=asc')).json)).toEqual([
      'r1',
      'r3',
    ]);
    expect(ids((await logs('min_cost=1')).json)).toEqual(['r4']);
    expect(ids((await logs('missing_cost_only=true&order=asc')).json)).toEqual([
      'r2',
      'r3',
    ]);
  });

  it('sorts by latency/tokens/cost and falls back to defaults for unknown values', async () => {
    expect(ids((await logs('sort_by=latency&order=asc')).json)).toEqual([
      'r3',
      'r1',
      'r4',
      'r2',
    ]);
    expect(ids((await logs('sort_by=tokens')).json)).toEqual([
      'r2',
      'r4',
      'r1',
      'r3',
    ]);
    const unknown = await logs('sort_by=price&order=sideways');
    expect(unknown.json.pagination).toEqual(
      expect.objectContaining({ sort_by: 'timestamp', order: 'desc' }),
    );
    expect(ids(unknown.json)).toEqual(['r4', 'r3', 'r2', 'r1']);
  });

  it('paginates with limit/offset and keeps total_count and stats over all matches', async () => {
    const page = await logs('limit=2&offset=1');
    expect(ids(page.json)).toEqual(['r3', 'r2']);
    expect(page.json.pagination).toEqual(
      expect.objectContaining({ limit: 2, offset: 1, total_count: 4 }),
    );
    expect(page.json.stats.total_requests).toBe(4);
  });

  it('rejects limit <= 0, limit > 1000 and negative offsets with 400', async () => {
    const cases: [string, string][] = [
      ['limit=0', 'limit must be greater than 0'],
      ['limit=-3', 'limit must be greater than 0'],
      ['limit=1001', 'limit cannot exceed 1000'],
      ['offset=-1', 'offset cannot be negative'],
    ];
    for (const [query, message] of cases) {
      const r = await logs(query);
      expect([query, r.status, r.json]).toEqual([
        query,
        400,
        { is_bifrost_error: false, status_code: 400, error: { message } },
      ]);
    }
    expect((await logs('limit=1000')).status).toBe(200);
  });

  it('serves a single log and 404s an unknown one', async () => {
    const res = await fetch(`${bf.url}/api/logs/r2`);
    expect(((await res.json()) as Json).id).toBe('r2');
    const missing = await fetch(`${bf.url}/api/logs/nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as Json).error.message).toBe(
      'log not found',
    );
  });

  it('reports has_logs=false on an empty store', async () => {
    bf.reset();
    const r = await logs();
    expect(r.json).toEqual(
      expect.objectContaining({
        logs: [],
        has_logs: false,
        pagination: expect.objectContaining({ total_count: 0 }),
      }),
    );
  });
});

describe('Bifrost emulator: /api/logs JSON', () => {
  it('is exactly JSON.stringify of the response in UTF-8, from each log stored as JSON once', () => {
    const store = new BifrostStore();
    const logs = [
      normalizeLog(store, {
        id: 'a',
        timestamp: '2026-01-01T00:00:00Z',
        cost: 0.25,
        latency: 7,
      }),
      normalizeLog(store, {
        id: 'b "quoted" \\ ünïcødé 模型 😀',
        timestamp: '2026-01-02T00:00:00Z',
        status: 'error',
        error_details: { error: { message: 'line\nbreak' } } as any,
        token_usage: { prompt_tokens: 3 },
      }),
      normalizeLog(store, { id: 'c', status: 'processing' }),
    ];
    for (const order of ['asc', 'desc'] as const) {
      const response = searchLogs(
        logs,
        {},
        { limit: 2, offset: 1, sortBy: 'timestamp', order },
      );
      expect(response.logs).toHaveLength(2);
      expect(logsResponseBody(response).toString('utf8')).toBe(
        JSON.stringify(response),
      );
    }
    // A log made elsewhere (not through normalizeLog) is serialised as is.
    const response = searchLogs(
      [{ ...logs[0], id: 'copy' }],
      {},
      { limit: 10, offset: 0, sortBy: 'timestamp', order: 'asc' },
    );
    expect(logsResponseBody(response).toString('utf8')).toBe(
      JSON.stringify(response),
    );
  });
});
