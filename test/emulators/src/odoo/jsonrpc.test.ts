import { OdooEmulator, startOdooEmulator } from './index';
import { Json, executeKwFor, jsonrpc } from './testing';

describe('Odoo emulator: JSON-RPC', () => {
  let odoo: OdooEmulator;
  let kw: ReturnType<typeof executeKwFor>;

  beforeAll(async () => {
    odoo = await startOdooEmulator({
      version: '17.0',
      database: 'acme',
      login: 'api@acme.test',
      apiKey: 'key-123',
    });
    kw = executeKwFor(odoo.url, 'acme', odoo.uid, 'key-123');
  });
  afterAll(async () => {
    await odoo.close();
  });
  beforeEach(() => odoo.reset());

  describe('common service', () => {
    it('answers version()', async () => {
      const r = await jsonrpc(odoo.url, 'common', 'version', []);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        jsonrpc: '2.0',
        id: expect.any(Number),
        result: {
          server_version: '17.0',
          server_version_info: [17, 0, 0, 'final', 0, ''],
          server_serie: '17.0',
          protocol_version: 1,
        },
      });
    });

    it('authenticate/login return the uid, or false (not an error) on bad credentials', async () => {
      expect(
        (
          await jsonrpc(odoo.url, 'common', 'authenticate', [
            'acme',
            'api@acme.test',
            'key-123',
            {},
          ])
        ).body.result,
      ).toBe(2);
      expect(
        (
          await jsonrpc(odoo.url, 'common', 'login', [
            'acme',
            'api@acme.test',
            'admin',
          ])
        ).body.result,
      ).toBe(2);
      const bad = await jsonrpc(odoo.url, 'common', 'authenticate', [
        'acme',
        'api@acme.test',
        'wrong',
        {},
      ]);
      expect(bad.status).toBe(200);
      expect(bad.body).toEqual({
        jsonrpc: '2.0',
        id: expect.any(Number),
        result: false,
      });
      expect(
        (
          await jsonrpc(odoo.url, 'common', 'login', [
            'acme',
            'nobody',
            'key-123',
          ])
        ).body.result,
      ).toBe(false);
    });

    it('fails authenticate on an unknown database with a server error', async () => {
      const r = await jsonrpc(odoo.url, 'common', 'authenticate', [
        'nope',
        'api@acme.test',
        'key-123',
        {},
      ]);
      expect(r.body.error.data.name).toBe('psycopg2.OperationalError');
      expect(r.body.error.data.message).toContain(
        'database "nope" does not exist',
      );
    });
  });

  describe('transport errors', () => {
    it('answers malformed JSON with HTTP 400 "Invalid JSON data"', async () => {
      const res = await fetch(`${odoo.url}/jsonrpc`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"jsonrpc": "2.0",',
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toBe('Invalid JSON data');
      const arr = await fetch(`${odoo.url}/jsonrpc`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '[1, 2]',
      });
      expect(arr.status).toBe(400);
      expect(await arr.text()).toBe('Invalid JSON-RPC data');
    });

    it('rejects a non-JSON content type with 400', async () => {
      const res = await fetch(`${odoo.url}/jsonrpc`, {
        method: 'POST',
        body: JSON.stringify({
          jsonrpc: '2.0',
          params: { service: 'common', method: 'version', args: [] },
        }),
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('but &#x27;json&#x27; was expected');
    });

    it('uses the HTTP-200 error envelope with AccessDenied for a wrong password or uid', async () => {
      for (const [uid, pwd] of [
        [2, 'wrong'],
        [7, 'key-123'],
      ] as const) {
        const r = await jsonrpc(odoo.url, 'object', 'execute_kw', [
          'acme',
          uid,
          pwd,
          'res.partner',
          'search',
          [[]],
        ]);
        expect(r.status).toBe(200);
        expect(r.body).toEqual({
          jsonrpc: '2.0',
          id: expect.any(Number),
          error: {
            code: 200,
            message: 'Odoo Server Error',
            data: {
              name: 'odoo.exceptions.AccessDenied',
              message: 'Access Denied',
              arguments: ['Access Denied'],
              context: {},
              debug: expect.any(String),
            },
          },
        });
      }
    });
  });

  describe('execute_kw on res.partner', () => {
    it('creates (dict -> id, list -> ids), reads, writes, counts and unlinks', async () => {
      const id = (
        await kw('res.partner', 'create', [
          {
            name: 'Acme SRL',
            email: 'billing@acme.test',
            is_company: true,
            vat: 'RO123',
            ref: 'CUST-1',
            country_id: 5,
          },
        ])
      ).result;
      expect(typeof id).toBe('number');
      const ids = (
        await kw('res.partner', 'create', [[{ name: 'A' }, { name: 'B' }]])
      ).result;
      expect(ids).toHaveLength(2);

      const [rec] = (
        await kw('res.partner', 'read', [[id]], {
          fields: [
            'name',
            'country_id',
            'is_company',
            'phone',
            'customer_rank',
          ],
        })
      ).result;
      expect(rec).toEqual({
        id,
        name: 'Acme SRL',
        country_id: [5, 'Romania'],
        is_company: true,
        phone: false,
        customer_rank: 0,
      });

      expect(
        (await kw('res.partner', 'write', [[id], { phone: '+40 700 000 000' }]))
          .result,
      ).toBe(true);
      expect(odoo.records('res.partner').find(p => p.id === id)!.phone).toBe(
        '+40 700 000 000',
      );

      expect(
        (
          await kw('res.partner', 'search_count', [
            [['email', '=', 'billing@acme.test']],
          ])
        ).result,
      ).toBe(1);
      expect((await kw('res.partner', 'unlink', [[id]])).result).toBe(true);
      expect(
        (await kw('res.partner', 'search_count', [[['id', '=', id]]])).result,
      ).toBe(0);
    });

    it('raises ValidationError when a contact has no name', async () => {
      const r = await kw('res.partner', 'create', [{ email: 'x@y.z' }]);
      expect(r.error.data.name).toBe('odoo.exceptions.ValidationError');
      expect(r.error.data.message).toBe(
        'The operation cannot be completed: Contacts require a name',
      );
      expect(odoo.records('res.partner').some(p => p.email === 'x@y.z')).toBe(
        false,
      );
    });

    it('search_read with domain, fields, limit, offset and order', async () => {
      odoo.seed({
        'res.partner': [
          { name: 'Zeta', ref: 'Z', customer_rank: 3 },
          { name: 'alpha', ref: 'A', customer_rank: 1 },
          { name: 'Beta', ref: 'B', customer_rank: 2 },
          { name: 'Gamma', ref: 'G', customer_rank: 0, active: false },
        ],
      });
      const page = (
        await kw('res.partner', 'search_read', [[['ref', '!=', false]]], {
          fields: ['name'],
          order: 'name asc',
          limit: 2,
          offset: 1,
        })
      ).result;
      // LC_COLLATE 'C': upper case sorts before lower case.
      expect(page).toEqual([
        { id: expect.any(Number), name: 'Zeta' },
        { id: expect.any(Number), name: 'alpha' },
      ]);
      const byRank = (
        await kw('res.partner', 'search_read', [[['customer_rank', '>=', 1]]], {
          fields: ['ref'],
          order: 'customer_rank desc',
        })
      ).result;
      expect(byRank.map((p: Json) => p.ref)).toEqual(['Z', 'B', 'A']);
    });

    it('supports =, !=, in, not in, like, ilike, <, >, <=, >= and the &, |, ! prefix operators', async () => {
      odoo.seed({
        'res.partner': [
          {
            name: 'Acme Corp',
            email: 'a@acme.test',
            customer_rank: 5,
            ref: 'R1',
          },
          {
            name: 'ACME Labs',
            email: 'labs@acme.test',
            customer_rank: 1,
            ref: 'R2',
          },
          { name: 'Globex', email: 'g@globex.test', customer_rank: 0 },
        ],
      });
      const names = async (domain: unknown[]) =>
        (
          (
            await kw('res.partner', 'search_read', [domain], {
              fields: ['name'],
              order: 'name',
            })
          ).result as Json[]
        )
          .map(p => p.name)
          .filter(n => !['Administrator', 'My Company'].includes(n));
      expect(await names([['name', 'like', 'Acme']])).toEqual(['Acme Corp']);
      expect(await names([['name', 'ilike', 'acme']])).toEqual([
        'ACME Labs',
        'Acme Corp',
      ]);
      expect(await names([['name', '=', 'Globex']])).toEqual(['Globex']);
      expect(await names([['ref', 'in', ['R1', 'R2']]])).toEqual([
        'ACME Labs',
        'Acme Corp',
      ]);
      expect(
        await names([
          ['ref', 'not in', ['R1']],
          ['email', 'ilike', '.test'],
        ]),
      ).toEqual(['ACME Labs', 'Globex']);
      expect(
        await names([
          ['customer_rank', '>', 0],
          ['customer_rank', '<', 5],
        ]),
      ).toEqual(['ACME Labs']);
      expect(await names([['customer_rank', '>=', 5]])).toEqual(['Acme Corp']);
      expect(
        await names([
          ['customer_rank', '<=', 0],
          ['email', '!=', false],
        ]),
      ).toEqual(expect.arrayContaining(['Globex']));
      expect(
        await names(['|', ['ref', '=', 'R1'], ['name', '=', 'Globex']]),
      ).toEqual(['Acme Corp', 'Globex']);
      expect(
        await names(['&', ['name', 'ilike', 'acme'], '!', ['ref', '=', 'R1']]),
      ).toEqual(['ACME Labs']);
      expect(
        await names([
          ['ref', '=', false],
          ['email', 'ilike', 'globex'],
        ]),
      ).toEqual(['Globex']);
    });

    it('hides archived records unless active_test is false', async () => {
      odoo.seed({ 'res.partner': [{ name: 'Archived Inc', active: false }] });
      const domain = [['name', '=', 'Archived Inc']];
      expect((await kw('res.partner', 'search', [domain])).result).toEqual([]);
      expect(
        (
          await kw('res.partner', 'search', [domain], {
            context: { active_test: false },
          })
        ).result,
      ).toHaveLength(1);
      expect(
        (
          await kw('res.partner', 'search', [
            [...domain, ['active', '=', false]],
          ])
        ).result,
      ).toHaveLength(1);
    });

    it('name_search returns [id, display_name] pairs', async () => {
      odoo.seed({ 'res.partner': [{ name: 'Initech' }] });
      const r = (await kw('res.partner', 'name_search', ['Initech'])).result;
      expect(r).toEqual([[expect.any(Number), 'Initech']]);
    });

    it('reports unknown models, methods, fields and arguments the way Odoo does', async () => {
      const unknownModel = await kw('res.nope', 'search', [[]]);
      expect(unknownModel.error.data).toEqual(
        expect.objectContaining({
          name: 'odoo.exceptions.UserError',
          message: "Object res.nope doesn't exist",
        }),
      );
      const unknownMethod = await kw('res.partner', 'frobnicate', [[1]]);
      expect(unknownMethod.error.data).toEqual(
        expect.objectContaining({
          name: 'builtins.AttributeError',
          message: "type object 'res.partner' has no attribute 'frobnicate'",
        }),
      );
      const privateMethod = await kw('res.partner', '_compute_display_name', [
        [1],
      ]);
      expect(privateMethod.error.data.name).toBe('odoo.exceptions.AccessError');
      const badField = await kw('res.partner', 'search', [
        [['colour', '=', 'red']],
      ]);
      expect(badField.error.data).toEqual(
        expect.objectContaining({
          name: 'builtins.ValueError',
          message:
            "Invalid field res.partner.colour in leaf ('colour', '=', 'red')",
        }),
      );
      const badRead = await kw('res.partner', 'read', [[1]], {
        fields: ['colour'],
      });
      expect(badRead.error.data.message).toBe(
        "Invalid field 'colour' on model 'res.partner'",
      );
      const badCreate = await kw('res.partner', 'create', [
        { name: 'x', colour: 'red' },
      ]);
      expect(badCreate.error.data.message).toBe(
        "Invalid field 'colour' on model 'res.partner'",
      );
      const badKw = await kw('res.partner', 'search', [[]], { lmit: 1 });
      expect(badKw.error.data).toEqual(
        expect.objectContaining({
          name: 'builtins.TypeError',
          message:
            "BaseModel.search() got an unexpected keyword argument 'lmit'",
        }),
      );
      const noVals = await kw('res.partner', 'create', []);
      expect(noVals.error.data.message).toBe(
        "BaseModel.create() missing 1 required positional argument: 'vals_list'",
      );
      const missing = await kw('res.partner', 'read', [[99999]], {
        fields: ['name'],
      });
      expect(missing.error.data.name).toBe('odoo.exceptions.MissingError');
      const badSelection = await kw('res.partner', 'create', [
        { name: 'x', type: 'weird' },
      ]);
      expect(badSelection.error.data.message).toBe(
        "Wrong value for res.partner.type: 'weird'",
      );
    });
  });

  describe('currencies and countries', () => {
    it('hides the inactive RON unless active_test is false, and activates it on write', async () => {
      const search = (ctx: Json = {}) =>
        kw(
          'res.currency',
          'search_read',
          [[['name', 'in', ['EUR', 'USD', 'RON']]]],
          { fields: ['name', 'active'], context: ctx },
        );
      expect(
        ((await search()).result as Json[]).map(c => c.name).sort(),
      ).toEqual(['EUR', 'USD']);
      const all = (await search({ active_test: false })).result as Json[];
      const ron = all.find(c => c.name === 'RON')!;
      expect(ron.active).toBe(false);
      await kw('res.currency', 'write', [[ron.id], { active: true }]);
      expect(
        ((await search()).result as Json[]).map(c => c.name).sort(),
      ).toEqual(['EUR', 'RON', 'USD']);
    });

    it('finds countries by code', async () => {
      const r = (
        await kw('res.country', 'search_read', [[['code', '=', 'RO']]], {
          fields: ['name', 'currency_id'],
        })
      ).result;
      expect(r).toEqual([
        { id: expect.any(Number), name: 'Romania', currency_id: [3, 'RON'] },
      ]);
    });
  });

  it('returns res.users context_get with the uid', async () => {
    expect((await kw('res.users', 'context_get', [])).result).toEqual(
      expect.objectContaining({ uid: 2, lang: 'en_US' }),
    );
  });
});
