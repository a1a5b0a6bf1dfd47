import { OdooEmulator, OdooVersion, startOdooEmulator } from './index';
import { Json, executeKwFor } from './testing';

const YEAR = new Date().getFullYear();

async function start(version: OdooVersion) {
  const odoo = await startOdooEmulator({ version, apiKey: 'k' });
  return { odoo, kw: executeKwFor(odoo.url, odoo.database, odoo.uid, 'k') };
}

describe('Odoo emulator: invoices (account.move)', () => {
  let odoo: OdooEmulator;
  let kw: ReturnType<typeof executeKwFor>;
  let partnerId: number;

  beforeAll(async () => {
    ({ odoo, kw } = await start('18.0'));
  });
  afterAll(async () => {
    await odoo.close();
  });
  beforeEach(async () => {
    odoo.reset();
    partnerId = (
      await kw('res.partner', 'create', [
        { name: 'Acme SRL', email: 'billing@acme.test', is_company: true },
      ])
    ).result;
  });

  async function createInvoice(
    extra: Json = {},
    lines: unknown[] = [
      [0, 0, { name: 'GPU time', quantity: 10, price_unit: 2.5 }],
    ],
  ) {
    const r = await kw('account.move', 'create', [
      {
        move_type: 'out_invoice',
        partner_id: partnerId,
        invoice_line_ids: lines,
        ...extra,
      },
    ]);
    expect(r.error).toBeUndefined();
    return r.result as number;
  }

  async function readMove(id: number, fields: string[]) {
    return (await kw('account.move', 'read', [[id], fields])).result[0] as Json;
  }

  it('creates a draft invoice with defaults and (0,0,vals) lines', async () => {
    const id = await createInvoice({
      ref: 'PORTAL-42',
      invoice_origin: 'usage/2026-01',
      invoice_date: '2026-01-31',
    });
    const move = await readMove(id, [
      'name',
      'state',
      'move_type',
      'partner_id',
      'currency_id',
      'journal_id',
      'invoice_date',
      'ref',
      'invoice_origin',
      'payment_reference',
      'is_move_sent',
      'amount_untaxed',
      'amount_tax',
      'amount_total',
      'invoice_line_ids',
      'display_name',
    ]);
    expect(move).toEqual(
      expect.objectContaining({
        name: '/',
        state: 'draft',
        move_type: 'out_invoice',
        partner_id: [partnerId, 'Acme SRL'],
        currency_id: [1, 'EUR'],
        journal_id: [1, 'Customer Invoices'],
        invoice_date: '2026-01-31',
        ref: 'PORTAL-42',
        invoice_origin: 'usage/2026-01',
        payment_reference: false,
        is_move_sent: false,
        amount_untaxed: 25,
        amount_tax: 0,
        amount_total: 25,
        display_name: `Draft Invoice (* ${id})`,
      }),
    );
    expect(move.invoice_line_ids).toHaveLength(1);
    const [line] = (
      await kw('account.move.line', 'read', [
        move.invoice_line_ids,
        ['name', 'quantity', 'price_unit', 'price_subtotal', 'move_id'],
      ])
    ).result;
    expect(line).toEqual(
      expect.objectContaining({
        name: 'GPU time',
        quantity: 10,
        price_unit: 2.5,
        price_subtotal: 25,
        move_id: [id, `Draft Invoice (* ${id})`],
      }),
    );
  });

  it('stores price_unit and quantity rounded to 2 digits, then totals per line with taxes, half-up', async () => {
    const id = await createInvoice({}, [
      [
        0,
        0,
        { name: 'a', quantity: 3, price_unit: 33.335, tax_ids: [[6, 0, [2]]] },
      ],
      [
        0,
        0,
        {
          name: 'b',
          quantity: 1.005,
          price_unit: 0.125,
          tax_ids: [[6, 0, [1]]],
        },
      ],
      [0, 0, { name: 'c', quantity: 2, price_unit: 10, discount: 15 }],
    ]);
    const lines = (
      await kw('account.move.line', 'search_read', [[['move_id', '=', id]]], {
        fields: ['price_unit', 'quantity'],
      })
    ).result;
    expect(lines.map((l: Json) => [l.quantity, l.price_unit])).toEqual([
      [3, 33.34],
      [1.01, 0.13],
      [2, 10],
    ]);
    const move = await readMove(id, [
      'amount_untaxed',
      'amount_tax',
      'amount_total',
    ]);
    // a: 3 x 33.34 = 100.02, tax 19% 19.0038 -> 19.00 ; b: 1.01 x 0.13 = 0.1313 -> 0.13, tax 21% 0.0273 -> 0.03 ; c: 17.00
    expect(move).toEqual({
      id,
      amount_untaxed: 117.15,
      amount_tax: 19.03,
      amount_total: 136.18,
    });
  });

  it('applies (1,id,vals), (2,id) and (6,0,ids) commands on write', async () => {
    const id = await createInvoice({}, [
      [0, 0, { name: 'keep', quantity: 1, price_unit: 100 }],
      [0, 0, { name: 'drop', quantity: 1, price_unit: 50 }],
    ]);
    const [keep, drop] = (await readMove(id, ['invoice_line_ids']))
      .invoice_line_ids as number[];
    await kw('account.move', 'write', [
      [id],
      {
        invoice_line_ids: [
          [1, keep, { price_unit: 200, tax_ids: [[6, 0, [1]]] }],
          [2, drop],
        ],
      },
    ]);
    let move = await readMove(id, [
      'amount_untaxed',
      'amount_tax',
      'amount_total',
      'invoice_line_ids',
    ]);
    expect(move).toEqual({
      id,
      amount_untaxed: 200,
      amount_tax: 42,
      amount_total: 242,
      invoice_line_ids: [keep],
    });
    expect(odoo.records('account.move.line').map(l => l.id)).toEqual([keep]);
    await kw('account.move', 'write', [
      [id],
      { invoice_line_ids: [[0, 0, { name: 'new', price_unit: 1 }]] },
    ]);
    move = await readMove(id, ['amount_total', 'invoice_line_ids']);
    expect(move.invoice_line_ids).toHaveLength(2);
    expect(move.amount_total).toBe(243);
    await kw('account.move', 'write', [
      [id],
      { invoice_line_ids: [[6, 0, [keep]]] },
    ]);
    expect((await readMove(id, ['invoice_line_ids'])).invoice_line_ids).toEqual(
      [keep],
    );
  });

  it('defaults product lines from the product and the taxes from the product', async () => {
    await kw('product.product', 'write', [[1], { taxes_id: [[6, 0, [2]]] }]);
    const id = await createInvoice({}, [
      [0, 0, { product_id: 1, quantity: 4 }],
    ]);
    const [lineId] = (await readMove(id, ['invoice_line_ids']))
      .invoice_line_ids as number[];
    const [line] = (
      await kw('account.move.line', 'read', [
        [lineId],
        ['name', 'price_unit', 'tax_ids', 'price_total'],
      ])
    ).result;
    expect(line).toEqual({
      id: lineId,
      name: '[GPU-H] GPU hours',
      price_unit: 2.5,
      tax_ids: [2],
      price_total: 11.9,
    });
  });

  it('action_post returns false, names the invoice and fills payment_reference', async () => {
    const id = await createInvoice({ invoice_date: `${YEAR}-03-01` });
    const r = await kw('account.move', 'action_post', [[id]]);
    expect(r).toEqual({
      jsonrpc: '2.0',
      id: expect.any(Number),
      result: false,
    });
    const move = await readMove(id, [
      'name',
      'state',
      'payment_reference',
      'display_name',
    ]);
    expect(move).toEqual({
      id,
      name: `INV/${YEAR}/00001`,
      state: 'posted',
      payment_reference: `INV/${YEAR}/00001`,
      display_name: `INV/${YEAR}/00001`,
    });
    const second = await createInvoice({
      invoice_date: `${YEAR}-03-02`,
      payment_reference: 'CUSTOM',
    });
    await kw('account.move', 'action_post', [[second]]);
    expect(await readMove(second, ['name', 'payment_reference'])).toEqual({
      id: second,
      name: `INV/${YEAR}/00002`,
      payment_reference: 'CUSTOM',
    });
    const partner = (
      await kw('res.partner', 'read', [[partnerId], ['customer_rank']])
    ).result[0];
    expect(partner.customer_rank).toBe(2);
  });

  it('sets invoice_date to today when posting without one', async () => {
    const id = await createInvoice();
    await kw('account.move', 'action_post', [[id]]);
    const move = await readMove(id, ['invoice_date', 'name']);
    expect(move.invoice_date).toBe(new Date().toISOString().slice(0, 10));
    expect(move.name).toBe(`INV/${YEAR}/00001`);
  });

  it('refuses to post twice, without lines, without partner or in an inactive currency', async () => {
    const id = await createInvoice();
    await kw('account.move', 'action_post', [[id]]);
    const twice = await kw('account.move', 'action_post', [[id]]);
    expect(twice.error.data).toEqual(
      expect.objectContaining({
        name: 'odoo.exceptions.UserError',
        message: `The entry INV/${YEAR}/00001 (id ${id}) must be in draft.`,
      }),
    );
    const empty = await createInvoice({}, []);
    expect(
      (await kw('account.move', 'action_post', [[empty]])).error.data.message,
    ).toBe('You need to add a line before posting.');
    const anonymous = (
      await kw('account.move', 'create', [
        {
          move_type: 'out_invoice',
          invoice_line_ids: [[0, 0, { name: 'x', price_unit: 1 }]],
        },
      ])
    ).result;
    expect(
      (await kw('account.move', 'action_post', [[anonymous]])).error.data
        .message,
    ).toBe(
      "The field 'Customer' is required, please complete it to validate the Customer Invoice.",
    );
    const ron = await createInvoice({ currency_id: 3 });
    expect(
      (await kw('account.move', 'action_post', [[ron]])).error.data.message,
    ).toBe('You cannot validate a document with an inactive currency: RON');
    // a failed call changes nothing
    expect((await readMove(ron, ['state', 'name'])).state).toBe('draft');
  });

  it('finds duplicates by ref or invoice_origin excluding cancelled moves', async () => {
    const a = await createInvoice({ ref: 'ORDER-7', invoice_origin: 'sub-7' });
    const b = await createInvoice({ ref: 'ORDER-7' });
    await kw('account.move', 'button_cancel', [[b]]);
    const dup = await kw('account.move', 'search', [
      [
        ['move_type', '=', 'out_invoice'],
        ['ref', '=', 'ORDER-7'],
        ['state', '!=', 'cancel'],
      ],
    ]);
    expect(dup.result).toEqual([a]);
    expect(
      (
        await kw('account.move', 'search_count', [
          [['invoice_origin', '=', 'sub-7']],
        ])
      ).result,
    ).toBe(1);
    expect(
      (
        await kw('account.move', 'search', [
          [
            ['partner_id.email', '=', 'billing@acme.test'],
            ['state', '=', 'cancel'],
          ],
        ])
      ).result,
    ).toEqual([b]);
  });

  it('omits `result` for methods returning None (button_draft) and resets to draft keeping the name', async () => {
    const id = await createInvoice();
    await kw('account.move', 'action_post', [[id]]);
    const r = await kw('account.move', 'button_draft', [[id]]);
    expect(r).toEqual({ jsonrpc: '2.0', id: expect.any(Number) });
    expect(await readMove(id, ['state', 'display_name'])).toEqual({
      id,
      state: 'draft',
      display_name: `Draft Invoice INV/${YEAR}/00001`,
    });
  });

  it('refuses to delete a move that was posted once', async () => {
    const id = await createInvoice();
    await kw('account.move', 'action_post', [[id]]);
    await kw('account.move', 'button_draft', [[id]]);
    const r = await kw('account.move', 'unlink', [[id]]);
    expect(r.error.data.message).toBe(
      'You cannot delete an entry which has been posted once.',
    );
    const draft = await createInvoice();
    expect((await kw('account.move', 'unlink', [[draft]])).result).toBe(true);
    expect(
      odoo.records('account.move.line').filter(l => l.move_id === draft),
    ).toEqual([]);
  });

  it('refuses to delete a partner that has invoices (ondelete restrict)', async () => {
    await createInvoice();
    const r = await kw('res.partner', 'unlink', [[partnerId]]);
    expect(r.error.data.name).toBe('odoo.exceptions.ValidationError');
    expect(r.error.data.message).toContain(
      'another model requires the record being deleted',
    );
    expect(odoo.records('res.partner').some(p => p.id === partnerId)).toBe(
      true,
    );
  });
});
