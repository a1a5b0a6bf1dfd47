import { OdooEmulator, startOdooEmulator } from './index';
import { executeKwFor, json2For, jsonrpc } from './testing';

/*
 * Argument binding and envelopes of /jsonrpc execute_kw per version, as
 * CONTRACT.md states them (odoo/service/model.py, odoo/api.py, odoo/http.py).
 */
describe.each([
  [17, 'tuple', 200],
  [18, 'tuple', 0],
  [19, 'list', 0],
] as const)(
  'Odoo emulator contract: JSON-RPC on %s.0',
  (version, sequence, errorCode) => {
    let odoo: OdooEmulator;
    let kw: ReturnType<typeof executeKwFor>;

    beforeAll(async () => {
      odoo = await startOdooEmulator({ version, apiKey: 'k' });
      kw = executeKwFor(odoo.url, odoo.database, odoo.uid, 'k');
    });
    afterAll(async () => {
      await odoo.close();
    });
    beforeEach(() => odoo.reset());

    it('create reads args[0] after creating: vals_list by keyword raises IndexError and the record is rolled back', async () => {
      const before = odoo.records('res.partner').length;
      const r = await kw('res.partner', 'create', [], {
        vals_list: { name: 'Lost Ltd' },
      });
      expect(r.error).toMatchObject({
        code: errorCode,
        message: 'Odoo Server Error',
        data: {
          name: 'builtins.IndexError',
          message: `${sequence} index out of range`,
        },
      });
      expect(odoo.records('res.partner')).toHaveLength(before);
    });

    it('create answers an id for a dict in args[0] and a list of ids for a list', async () => {
      const one = await kw('res.partner', 'create', [{ name: 'One' }]);
      expect(typeof one.result).toBe('number');
      const many = await kw('res.partner', 'create', [
        [{ name: 'Two' }, { name: 'Three' }],
      ]);
      expect(many.result).toEqual([one.result + 1, one.result + 2]);
    });

    it('a record method takes its ids from args[0]: none raises IndexError', async () => {
      const r = await kw('account.move', 'action_post', []);
      expect(r.error.data).toMatchObject({
        name: 'builtins.IndexError',
        message: `${sequence} index out of range`,
      });
    });

    it(`errors come back with HTTP 200 and error.code ${errorCode}`, async () => {
      const res = await jsonrpc(odoo.url, 'object', 'execute_kw', [
        odoo.database,
        odoo.uid,
        'k',
        'res.partner',
        'read',
        [[999999]],
        {},
      ]);
      expect(res.status).toBe(200);
      expect(res.body.error).toMatchObject({
        code: errorCode,
        data: { name: 'odoo.exceptions.MissingError' },
      });
    });

    it('authenticate accepts the API key as password and answers false (not an error) for a wrong one', async () => {
      const ok = await jsonrpc(odoo.url, 'common', 'authenticate', [
        odoo.database,
        odoo.login,
        'k',
        {},
      ]);
      expect(ok.body.result).toBe(odoo.uid);
      const bad = await jsonrpc(odoo.url, 'common', 'authenticate', [
        odoo.database,
        odoo.login,
        'nope',
        {},
      ]);
      expect(bad.body).toEqual({
        jsonrpc: '2.0',
        id: expect.any(Number),
        result: false,
      });
    });

    it('reports its version in common.version()', async () => {
      const res = await jsonrpc(odoo.url, 'common', 'version', []);
      expect(res.body.result).toMatchObject({
        server_serie: `${version}.0`,
        server_version_info: [version, 0, 0, 'final', 0, ''],
      });
    });

    it('the onboarding partner search: an OR of =ilike leaves, % and _ as wildcards, anchored, case-insensitive', async () => {
      odoo.seed({
        'res.partner': [
          { name: 'Acme  Robotics SRL', vat: 'ro 555 666 77' },
          { name: 'Other', vat: 'RO-555.666.77', email: 'x@other.test' },
          { name: 'Longer', vat: 'XRO55566677Y' },
          { name: 'Mail', email: 'AP@Acme.test' },
          { name: 'Acme Robotics SRL Group' },
          { name: 'Unrelated', vat: 'DE123', email: 'apxacme.test' },
        ],
      });
      // As OdooClient.searchPartners sends it (CONTRACT.md R3).
      const domain = [
        '|',
        '|',
        ['name', '=ilike', 'acme%robotics%srl'],
        ['vat', '=ilike', '%R%O%5%5%5%6%6%6%7%7%'],
        ['email', '=ilike', 'ap@acme.test'],
      ];
      const r = await kw('res.partner', 'search_read', [domain], {
        fields: ['name', 'vat', 'email'],
        order: 'id asc',
        limit: 20,
      });
      // `=ilike` is anchored: 'Acme Robotics SRL Group' is not found by its name,
      // and `_` in the e-mail would match any one character ('apxacme') only if sent.
      expect(r.result.map((p: { name: string }) => p.name)).toEqual([
        'Acme  Robotics SRL',
        'Other',
        'Longer',
        'Mail',
      ]);
      const underscore = await kw(
        'res.partner',
        'search_read',
        [[['email', '=ilike', 'ap_acme.test']]],
        { fields: ['name'] },
      );
      expect(underscore.result.map((p: { name: string }) => p.name)).toEqual([
        'Mail',
        'Unrelated',
      ]);
    });
  },
);

describe('Odoo emulator contract: JSON-2 on 19.0', () => {
  let odoo: OdooEmulator;
  let call: ReturnType<typeof json2For>;

  beforeAll(async () => {
    odoo = await startOdooEmulator({ version: 19, apiKey: 'k' });
    call = json2For(odoo.url, 'k');
  });
  afterAll(async () => {
    await odoo.close();
  });
  beforeEach(() => odoo.reset());

  it('create binds vals_list by name and answers the list of new ids, even for one dict', async () => {
    const r = await call('res.partner', 'create', {
      vals_list: { name: 'Solo' },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual([expect.any(Number)]);
  });

  it('refuses ids on an @api.model method with 422', async () => {
    const r = await call('res.partner', 'create', {
      ids: [1],
      vals_list: [{ name: 'x' }],
    });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({
      name: 'werkzeug.exceptions.UnprocessableEntity',
      message: 'cannot call res.partner.create with ids',
    });
  });
});
