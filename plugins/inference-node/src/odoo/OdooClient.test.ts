import { startOdooEmulator, type OdooEmulator } from '@internal/test-emulators';
import { ExternalSystemError } from '../errors';
import type { InferenceLocation } from '../locations/types';
import { OdooClient } from './OdooClient';

const API_KEY = 'odoo-test-secret-key-5e1f';

function locationFor(
  odoo: OdooEmulator,
  protocol: 'jsonrpc' | 'json2',
  apiKey = API_KEY,
): InferenceLocation {
  return {
    name: 'stalpeni',
    title: 'Stalpeni',
    domain: 'stalpeni.example.com',
    countryCode: 'RO',
    cluster: 'stalpeni',
    kubeaiNamespace: 'kubeai',
    bifrost: { baseUrl: 'http://127.0.0.1:1' },
    odoo: {
      url: odoo.url,
      database: odoo.database,
      username: odoo.login,
      apiKey,
      protocol,
    },
    billing: { currency: 'EUR', invoiceDay: 2 },
    servers: [],
    network: {},
  };
}

const settings = { timeoutMs: 1000, retries: 1 };

describe.each([
  ['jsonrpc', '19.0'],
  ['json2', '19.0'],
  ['jsonrpc', '18.0'],
  ['jsonrpc', '17.0'],
] as const)('OdooClient over %s (Odoo %s)', (protocol, version) => {
  let odoo: OdooEmulator;
  let client: OdooClient;

  beforeAll(async () => {
    odoo = await startOdooEmulator({ apiKey: API_KEY, version });
  });
  afterAll(async () => {
    await odoo.close();
  });
  beforeEach(() => {
    odoo.reset();
    odoo.faults.clear();
    client = new OdooClient(locationFor(odoo, protocol), settings);
  });

  it('creates a partner and finds it by ref, VAT and e-mail', async () => {
    expect(await client.findPartner({ email: 'billing@acme.example' })).toBe(
      undefined,
    );
    const id = await client.createPartner({
      name: 'Acme Robotics SRL',
      email: 'billing@acme.example',
      vat: 'RO123456',
      countryCode: 'ro',
      ref: 'cust-acme',
    });
    const stored = odoo.records('res.partner').find(p => p.id === id)!;
    expect(stored.name).toBe('Acme Robotics SRL');
    expect(stored.vat).toBe('RO123456');
    expect(stored.country_id).toBe(
      odoo.records('res.country').find(c => c.code === 'RO')!.id,
    );
    expect((await client.findPartner({ ref: 'cust-acme' }))?.id).toBe(id);
    expect((await client.findPartner({ vat: 'RO123456' }))?.id).toBe(id);
    expect(
      (await client.findPartner({ email: 'BILLING@acme.example' }))?.id,
    ).toBe(id);
    expect(await client.findPartner({ vat: 'RO999' })).toBe(undefined);
  });

  it('creates, finds by ref, posts, sends and reads an invoice with exact totals', async () => {
    const partnerId = await client.createPartner({
      name: 'Globex',
      email: 'ap@globex.example',
    });
    const ref = 'IB-stalpeni-cust-1-2026-10';
    expect(await client.findInvoicesByRef(ref)).toEqual([]);
    const id = await client.createInvoice({
      partnerId,
      currency: 'EUR',
      invoiceDate: '2026-11-02',
      ref,
      lines: [
        { name: 'model-a', quantity: '1', priceUnit: '12.34' },
        { name: 'model-b', quantity: '1', priceUnit: '0.07' },
      ],
    });
    let invoice = await client.readInvoice(id);
    expect(invoice).toMatchObject({
      id,
      state: 'draft',
      ref,
      partnerId,
      currency: 'EUR',
      invoiceDate: '2026-11-02',
      amountTotal: '12.41',
      isSent: false,
    });
    expect((await client.findInvoicesByRef(ref)).map(i => i.id)).toEqual([id]);

    await client.postInvoice(id);
    invoice = await client.readInvoice(id);
    expect(invoice.state).toBe('posted');
    expect(invoice.name).not.toBe('/');

    await client.sendInvoice(id);
    invoice = await client.readInvoice(id);
    expect(invoice.isSent).toBe(true);
    expect(odoo.sentEmails()).toHaveLength(1);
    expect(invoice.url).toContain(`id=${id}`);
  });

  it('reports Odoo application errors naming location and system', async () => {
    const partnerId = await client.createPartner({ name: 'No Mail Ltd' });
    const id = await client.createInvoice({
      partnerId,
      currency: 'EUR',
      invoiceDate: '2026-11-02',
      ref: 'IB-x',
      lines: [{ name: 'x', quantity: '1', priceUnit: '1.00' }],
    });
    await client.postInvoice(id);
    // Posting twice: Odoo's UserError comes back in its error envelope.
    const twice = await client.postInvoice(id).catch(e => e);
    expect(twice).toBeInstanceOf(ExternalSystemError);
    expect(twice.message).toMatch(
      /^location stalpeni: odoo: post invoice \d+ failed: .*must be in draft/,
    );
    // Sending to a partner without e-mail.
    const send = await client.sendInvoice(id).catch(e => e);
    expect(send.message).toMatch(/^location stalpeni: odoo: send invoice/);
    expect(send.message).toMatch(/email address/);
  });

  it('creates one record with the values bound as Odoo binds them (args[0] over JSON-RPC, vals_list over JSON-2)', async () => {
    const before = odoo.records('res.partner').length;
    const id = await client.createPartner({ name: 'Initech', ref: 'cus-9' });
    expect(odoo.records('res.partner').map(p => p.id)).toContain(id);
    expect(odoo.records('res.partner')).toHaveLength(before + 1);
  });

  it('refuses line amounts Odoo would round (more than 2 decimals) before creating anything', async () => {
    const partnerId = await client.createPartner({ name: 'Hooli' });
    const error = await client
      .createInvoice({
        partnerId,
        currency: 'EUR',
        invoiceDate: '2026-11-02',
        ref: 'IB-round',
        lines: [{ name: 'x', quantity: '1', priceUnit: '0.125' }],
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect(error.message).toMatch(
      /lines\[0\]\.priceUnit 0\.125 .*at most 2 digits/,
    );
    expect(odoo.records('account.move')).toEqual([]);
  });

  it('sends through the action Odoo returns, with the template, to the partner e-mail', async () => {
    const partnerId = await client.createPartner({
      name: 'Umbrella',
      email: 'ap@umbrella.example',
    });
    const id = await client.createInvoice({
      partnerId,
      currency: 'EUR',
      invoiceDate: '2026-11-02',
      ref: 'IB-send',
      lines: [{ name: 'x', quantity: '1', priceUnit: '5.00' }],
    });
    await client.postInvoice(id);
    await client.sendInvoice(id);
    const [mail] = odoo.sentEmails();
    expect(mail).toMatchObject({ to: ['ap@umbrella.example'], resId: id });
    expect(mail.subject).toMatch(/Invoice \(Ref INV\/\d{4}\/00001\)/);
  });

  it('refuses an inactive currency before creating anything', async () => {
    const partnerId = await client.createPartner({ name: 'Leu SRL' });
    const error = await client
      .createInvoice({
        partnerId,
        currency: 'RON',
        invoiceDate: '2026-11-02',
        ref: 'IB-ron',
        lines: [{ name: 'x', quantity: '1', priceUnit: '1.00' }],
      })
      .catch(e => e);
    expect(error.message).toBe(
      'location stalpeni: odoo: currency RON is not active in odoo: activate it first',
    );
    expect(odoo.records('account.move')).toHaveLength(0);
  });

  it('fails with a clear error on bad credentials, without the key', async () => {
    const bad = new OdooClient(
      locationFor(odoo, protocol, 'wrong-key-0000'),
      settings,
    );
    const error = await bad.findPartner({ ref: 'x' }).catch(e => e);
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect(error.message).toMatch(/^location stalpeni: odoo: /);
    expect(error.message).not.toContain('wrong-key-0000');
    expect(error.message).not.toContain(API_KEY);
  });

  it.each([
    ['5xx', { kind: '5xx', status: 500 }, /HTTP 500/],
    ['reset', { kind: 'reset' }, /failed/],
    ['hang', { kind: 'hang' }, /timed out after 1000 ms/],
  ] as const)(
    'a %s on create gives an ExternalSystemError and no retry',
    async (_name, fault, message) => {
      const partnerId = await client.createPartner({ name: 'Faulty' });
      // Warm up authentication and the currency lookup: the fault hits the create.
      await client.createInvoice({
        partnerId,
        currency: 'EUR',
        invoiceDate: '2026-11-02',
        ref: 'IB-warm-up',
        lines: [{ name: 'x', quantity: '1', priceUnit: '1.00' }],
      });
      odoo.faults.inject({ ...fault, times: 1 });
      const error = await client
        .createInvoice({
          partnerId,
          currency: 'EUR',
          invoiceDate: '2026-11-02',
          ref: 'IB-fault',
          lines: [{ name: 'x', quantity: '1', priceUnit: '1.00' }],
        })
        .catch(e => e);
      odoo.faults.releaseHanging();
      expect(error).toBeInstanceOf(ExternalSystemError);
      expect(error.message).toMatch(/^location stalpeni: odoo: create invoice/);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain(API_KEY);
      // Not retried: at most what the faulted request did, never a second invoice.
      expect(
        odoo.records('account.move').filter(m => m.ref === 'IB-fault').length,
      ).toBeLessThanOrEqual(1);
    },
  );

  it('retries reads on a transient 503', async () => {
    await client.findInvoicesByRef('warm-up');
    odoo.faults.inject({ kind: '5xx', status: 503, times: 1 });
    expect(await client.findInvoicesByRef('IB-none')).toEqual([]);
  });
});

describe.each(['19.0', '18.0', '17.0'] as const)(
  'OdooClient over jsonrpc (Odoo %s): create',
  version => {
    let odoo: OdooEmulator;

    beforeAll(async () => {
      odoo = await startOdooEmulator({ apiKey: API_KEY, version });
    });
    afterAll(async () => {
      await odoo.close();
    });

    it('Odoo refuses vals_list by keyword and keeps nothing, which is why createRecord sends args[0]', async () => {
      const client = new OdooClient(locationFor(odoo, 'jsonrpc'), settings);
      const before = odoo.records('res.partner').length;
      // call_kw reads args[0] after creating: the IndexError rolls back the new record.
      const byKeyword = await client
        .execute('res.partner', 'create', {
          kwargs: { vals_list: { name: 'Lost Ltd' } },
          operation: 'create partner',
        })
        .then(
          () => new Error('created'),
          (e: Error) => e,
        );
      expect(byKeyword.message).toMatch(
        /create partner failed: builtins\.IndexError: (list|tuple) index out of range/,
      );
      expect(odoo.records('res.partner')).toHaveLength(before);
      await client.createPartner({ name: 'Kept Ltd' });
      expect(odoo.records('res.partner')).toHaveLength(before + 1);
    });
  },
);
