import { OdooEmulator, startOdooEmulator } from './index';
import { json2For } from './testing';

describe('Odoo emulator: JSON-2 (19.0)', () => {
  let odoo: OdooEmulator;
  let call: ReturnType<typeof json2For>;

  beforeAll(async () => {
    odoo = await startOdooEmulator({
      version: '19.0',
      database: 'prod',
      apiKey: 'secret-key',
    });
    call = json2For(odoo.url, 'secret-key');
  });
  afterAll(async () => {
    await odoo.close();
  });
  beforeEach(async () => {
    odoo.reset();
    await fetch(`${odoo.url}/__emulator/faults`, { method: 'DELETE' });
  });

  it('serves GET /web/version', async () => {
    const res = await fetch(`${odoo.url}/web/version`);
    expect(await res.json()).toEqual({
      version_info: [19, 0, 0, 'final', 0, ''],
      version: '19.0',
    });
  });

  it('answers 401 werkzeug Unauthorized "Invalid apikey" without a valid bearer token', async () => {
    for (const headers of [
      { authorization: 'bearer nope' },
      { authorization: '' },
    ]) {
      const r = await call('res.partner', 'search', { domain: [] }, headers);
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer');
      expect(r.body).toEqual({
        name: 'werkzeug.exceptions.Unauthorized',
        message: 'Invalid apikey',
        arguments: ['Invalid apikey', 401],
        context: {},
        debug: expect.any(String),
      });
    }
  });

  it('takes named arguments only: search_read with domain/fields, create with vals_list, write with ids', async () => {
    const created = await call('res.partner', 'create', {
      vals_list: [{ name: 'Json Two', email: 'j2@example.test', ref: 'J2' }],
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual([expect.any(Number)]);
    const [id] = created.body as number[];

    const found = await call('res.partner', 'search_read', {
      domain: [['ref', '=', 'J2']],
      fields: ['name', 'email'],
      context: { lang: 'en_US' },
    });
    expect(found.body).toEqual([
      { id, name: 'Json Two', email: 'j2@example.test' },
    ]);

    expect(
      (
        await call('res.partner', 'write', {
          ids: [id],
          vals: { phone: '123' },
        })
      ).body,
    ).toBe(true);
    expect(
      (await call('res.partner', 'read', { ids: [id], fields: ['phone'] }))
        .body,
    ).toEqual([{ id, phone: '123' }]);
    expect(
      (
        await call('res.partner', 'search_count', {
          domain: [['ref', '=', 'J2']],
        })
      ).body,
    ).toBe(1);
    expect((await call('res.users', 'context_get', {})).body).toEqual(
      expect.objectContaining({ uid: 2 }),
    );
  });

  it('answers 422 for bad arguments', async () => {
    const unexpected = await call('res.partner', 'search', {
      domain: [],
      colour: 'red',
    });
    expect([
      unexpected.status,
      unexpected.body.name,
      unexpected.body.message,
    ]).toEqual([
      422,
      'werkzeug.exceptions.UnprocessableEntity',
      "got an unexpected keyword argument 'colour'",
    ]);
    // search_read takes **read_kwargs, so the unknown name only fails inside read(): a 500 TypeError
    const readKwargs = await call('res.partner', 'search_read', {
      domain: [],
      colour: 'red',
    });
    expect([readKwargs.status, readKwargs.body.name]).toEqual([
      500,
      'builtins.TypeError',
    ]);
    const missing = await call('res.partner', 'create', {});
    expect([missing.status, missing.body.message]).toEqual([
      422,
      "missing a required argument: 'vals_list'",
    ]);
    const withIds = await call('res.partner', 'search', {
      ids: [1],
      domain: [],
    });
    expect([withIds.status, withIds.body.message]).toEqual([
      422,
      'cannot call res.partner.search with ids',
    ]);
  });

  it('answers 404 for unknown models and methods, 403 for private methods', async () => {
    const model = await call('res.nope', 'search', { domain: [] });
    expect([model.status, model.body.name, model.body.message]).toEqual([
      404,
      'werkzeug.exceptions.NotFound',
      "the model 'res.nope' does not exist",
    ]);
    const method = await call('res.partner', 'frobnicate', {});
    expect([method.status, method.body.message]).toEqual([
      404,
      "The method 'res.partner.frobnicate' does not exist",
    ]);
    const priv = await call('res.partner', '_read', { ids: [1] });
    expect([priv.status, priv.body.name]).toEqual([
      403,
      'odoo.exceptions.AccessError',
    ]);
    const get = await fetch(`${odoo.url}/json/2/res.partner/search`);
    expect(get.status).toBe(404);
    expect(((await get.json()) as { message: string }).message).toBe(
      'Did you mean POST /json/2/<model>/<method>?',
    );
  });

  it('maps Odoo exceptions to HTTP statuses (UserError 422, MissingError 404, ValueError 500)', async () => {
    const [partnerId] = (
      await call('res.partner', 'create', { vals_list: [{ name: 'P' }] })
    ).body as number[];
    const [moveId] = (
      await call('account.move', 'create', {
        vals_list: [
          {
            move_type: 'out_invoice',
            partner_id: partnerId,
            invoice_line_ids: [[0, 0, { name: 'x', price_unit: 5 }]],
          },
        ],
      })
    ).body as number[];
    expect(
      (await call('account.move', 'action_post', { ids: [moveId] })).body,
    ).toBe(false);
    const twice = await call('account.move', 'action_post', { ids: [moveId] });
    expect([twice.status, twice.body.name]).toEqual([
      422,
      'odoo.exceptions.UserError',
    ]);
    const missing = await call('res.partner', 'read', {
      ids: [424242],
      fields: ['name'],
    });
    expect([missing.status, missing.body.name]).toEqual([
      404,
      'odoo.exceptions.MissingError',
    ]);
    const badField = await call('res.partner', 'search', {
      domain: [['nope', '=', 1]],
    });
    expect([badField.status, badField.body.name]).toEqual([
      500,
      'builtins.ValueError',
    ]);
    const noName = await call('res.partner', 'create', {
      vals_list: [{ email: 'x@y' }],
    });
    expect([noName.status, noName.body.name]).toEqual([
      422,
      'odoo.exceptions.ValidationError',
    ]);
  });

  it('sends an invoice through the wizard and returns the message id list from message_post', async () => {
    const [partnerId] = (
      await call('res.partner', 'create', {
        vals_list: [{ name: 'Mail Me', email: 'me@example.test' }],
      })
    ).body as number[];
    const [moveId] = (
      await call('account.move', 'create', {
        vals_list: [
          {
            move_type: 'out_invoice',
            partner_id: partnerId,
            invoice_line_ids: [[0, 0, { name: 'x', price_unit: 5 }]],
          },
        ],
      })
    ).body as number[];
    await call('account.move', 'action_post', { ids: [moveId] });
    const [wizardId] = (
      await call('account.move.send.wizard', 'create', {
        vals_list: [{ sending_methods: ['email'] }],
        context: { active_model: 'account.move', active_ids: [moveId] },
      })
    ).body as number[];
    expect(
      (
        await call('account.move.send.wizard', 'action_send_and_print', {
          ids: [wizardId],
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call('account.move', 'read', {
          ids: [moveId],
          fields: ['is_move_sent'],
        })
      ).body,
    ).toEqual([{ id: moveId, is_move_sent: true }]);
    const posted = await call('account.move', 'message_post', {
      ids: [moveId],
      body: 'hi',
    });
    expect(posted.body).toEqual([expect.any(Number)]);
    expect(odoo.sentEmails()).toHaveLength(1);
  });

  it('checks X-Odoo-Database and rejects a non-JSON body', async () => {
    expect(
      (
        await call(
          'res.partner',
          'search',
          { domain: [] },
          { 'x-odoo-database': 'prod' },
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await call(
          'res.partner',
          'search',
          { domain: [] },
          { 'x-odoo-database': 'other' },
        )
      ).status,
    ).toBe(404);
    const res = await fetch(`${odoo.url}/json/2/res.partner/search`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'bearer secret-key',
      },
      body: '{"domain": [',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { name: string }).name).toBe(
      'werkzeug.exceptions.BadRequest',
    );
  });

  it('shares state with JSON-RPC and uses error code 0 there', async () => {
    await call('res.partner', 'create', {
      vals_list: [{ name: 'Shared', ref: 'SH' }],
    });
    const res = await fetch(`${odoo.url}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        method: 'call',
        id: 9,
        params: {
          service: 'object',
          method: 'execute_kw',
          args: [
            'prod',
            2,
            'secret-key',
            'res.partner',
            'search_count',
            [[['ref', '=', 'SH']]],
          ],
        },
      }),
    });
    expect(await res.json()).toEqual({ jsonrpc: '2.0', id: 9, result: 1 });
    const err = await fetch(`${odoo.url}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        method: 'call',
        id: 10,
        params: {
          service: 'object',
          method: 'execute_kw',
          args: ['prod', 2, 'bad', 'res.partner', 'search', [[]]],
        },
      }),
    });
    const body = (await err.json()) as {
      error: { code: number; data: { name: string } };
    };
    expect(body.error.code).toBe(0);
    expect(body.error.data.name).toBe('odoo.exceptions.AccessDenied');
  });

  describe('fault injection', () => {
    async function inject(spec: Record<string, unknown>) {
      const res = await fetch(`${odoo.url}/__emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(spec),
      });
      expect(res.status).toBe(201);
    }

    it('5xx, reset, hang and slow are visible to a fetch client with AbortSignal.timeout', async () => {
      await inject({
        kind: '5xx',
        status: 503,
        times: 1,
        pathPrefix: '/json/2',
      });
      expect((await call('res.partner', 'search', { domain: [] })).status).toBe(
        503,
      );
      expect((await call('res.partner', 'search', { domain: [] })).status).toBe(
        200,
      );

      await inject({ kind: 'reset', times: 1, pathPrefix: '/jsonrpc' });
      await expect(
        fetch(`${odoo.url}/jsonrpc`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        }),
      ).rejects.toThrow();

      await inject({ kind: 'hang', times: 1, pathPrefix: '/web/version' });
      await expect(
        fetch(`${odoo.url}/web/version`, { signal: AbortSignal.timeout(200) }),
      ).rejects.toThrow();

      await inject({
        kind: 'slow',
        delayMs: 300,
        times: 1,
        pathPrefix: '/web/version',
      });
      const started = Date.now();
      const res = await fetch(`${odoo.url}/web/version`, {
        signal: AbortSignal.timeout(3000),
      });
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    });
  });
});

describe('Odoo emulator: JSON-2 before 19.0', () => {
  let odoo: OdooEmulator;
  beforeAll(async () => {
    odoo = await startOdooEmulator({ version: '18.0', apiKey: 'k' });
  });
  afterAll(async () => {
    await odoo.close();
  });

  it('has no /json/2 route', async () => {
    const r = await json2For(odoo.url, 'k')('res.partner', 'search', {
      domain: [],
    });
    expect(r.status).toBe(404);
  });
});
