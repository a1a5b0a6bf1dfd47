import { OdooEmulator, startOdooEmulator } from './index';
import { Json, executeKwFor } from './testing';

const YEAR = new Date().getFullYear();

type Kw = ReturnType<typeof executeKwFor>;

async function start(version: 17 | 18 | 19) {
  const odoo = await startOdooEmulator({ version, apiKey: 'k' });
  return { odoo, kw: executeKwFor(odoo.url, odoo.database, odoo.uid, 'k') };
}

async function postedInvoice(kw: Kw, partner: Json, post = true) {
  const partnerId = (await kw('res.partner', 'create', [partner]))
    .result as number;
  const id = (
    await kw('account.move', 'create', [
      {
        move_type: 'out_invoice',
        partner_id: partnerId,
        invoice_line_ids: [[0, 0, { name: 'GPU time', price_unit: 10 }]],
      },
    ])
  ).result as number;
  if (post) await kw('account.move', 'action_post', [[id]]);
  return { partnerId, id };
}

const isSent = async (kw: Kw, id: number) =>
  (await kw('account.move', 'read', [[id], ['is_move_sent']])).result[0]
    .is_move_sent;

describe('Odoo emulator: sending invoices, 17.0 (account.move.send)', () => {
  let odoo: OdooEmulator;
  let kw: Kw;

  beforeAll(async () => {
    ({ odoo, kw } = await start(17));
  });
  afterAll(async () => {
    await odoo.close();
  });
  beforeEach(() => odoo.reset());

  it('action_send_and_print returns account.move.send with the invoice template in default_mail_template_id', async () => {
    const { id } = await postedInvoice(kw, {
      name: 'Old School',
      email: 'os@example.test',
    });
    expect(
      (await kw('account.move', 'action_send_and_print', [[id]])).result,
    ).toEqual(
      expect.objectContaining({
        type: 'ir.actions.act_window',
        res_model: 'account.move.send',
        context: { active_ids: [id], default_mail_template_id: 1 },
      }),
    );
    expect(
      (await kw('account.move.send.wizard', 'create', [{}])).error.data.message,
    ).toBe("Object account.move.send.wizard doesn't exist");
  });

  it('with the action context: e-mails the partner and sets is_move_sent', async () => {
    const { id } = await postedInvoice(kw, {
      name: 'Old School',
      email: 'os@example.test',
    });
    const { context } = (
      await kw('account.move', 'action_send_and_print', [[id]])
    ).result;
    const wizardId = (
      await kw('account.move.send', 'create', [{ checkbox_send_mail: true }], {
        context,
      })
    ).result;
    const [wizard] = (
      await kw('account.move.send', 'read', [
        [wizardId],
        ['move_ids', 'mode', 'mail_subject'],
      ])
    ).result;
    expect(wizard).toMatchObject({
      move_ids: [id],
      mode: 'invoice_single',
      mail_subject: `My Company Invoice (Ref INV/${YEAR}/00001)`,
    });
    expect(
      (await kw('account.move.send', 'action_send_and_print', [[wizardId]]))
        .result,
    ).toEqual({ type: 'ir.actions.act_window_close' });
    expect(await isSent(kw, id)).toBe(true);
    expect(odoo.sentEmails()).toEqual([
      expect.objectContaining({
        via: 'account.move.send',
        resId: id,
        to: ['os@example.test'],
      }),
    ]);
  });

  it('without a template (no default_mail_template_id): no recipient, no e-mail, yet is_move_sent', async () => {
    const { id } = await postedInvoice(kw, {
      name: 'Old School',
      email: 'os@example.test',
    });
    const context = { active_model: 'account.move', active_ids: [id] };
    const wizardId = (
      await kw('account.move.send', 'create', [{ checkbox_send_mail: true }], {
        context,
      })
    ).result;
    await kw('account.move.send', 'action_send_and_print', [[wizardId]]);
    expect(await isSent(kw, id)).toBe(true);
    expect(odoo.sentEmails()).toEqual([]);
  });

  it('a partner without e-mail is skipped silently, yet is_move_sent', async () => {
    const { id } = await postedInvoice(kw, { name: 'No Mail Ltd' });
    const { context } = (
      await kw('account.move', 'action_send_and_print', [[id]])
    ).result;
    const wizardId = (
      await kw('account.move.send', 'create', [{ checkbox_send_mail: true }], {
        context,
      })
    ).result;
    const r = await kw('account.move.send', 'action_send_and_print', [
      [wizardId],
    ]);
    expect(r.error).toBeUndefined();
    expect(await isSent(kw, id)).toBe(true);
    expect(odoo.sentEmails()).toEqual([]);
  });

  it('refuses a draft when the wizard is created', async () => {
    const { id } = await postedInvoice(
      kw,
      { name: 'Old School', email: 'os@example.test' },
      false,
    );
    const r = await kw('account.move.send', 'create', [{}], {
      context: { active_ids: [id] },
    });
    expect(r.error.data).toMatchObject({
      name: 'odoo.exceptions.UserError',
      message: "You can't send invoice(s) in draft state.",
    });
    expect(odoo.records('account.move.send')).toEqual([]);
  });
});

describe.each([18, 19] as const)(
  'Odoo emulator: sending invoices, %s.0 (account.move.send.wizard)',
  version => {
    let odoo: OdooEmulator;
    let kw: Kw;

    beforeAll(async () => {
      ({ odoo, kw } = await start(version));
    });
    afterAll(async () => {
      await odoo.close();
    });
    beforeEach(() => odoo.reset());

    it('action_send_and_print returns the single-invoice wizard, or the batch one, with active_ids', async () => {
      const { id } = await postedInvoice(kw, {
        name: 'Acme',
        email: 'ap@acme.test',
      });
      const { id: id2 } = await postedInvoice(kw, {
        name: 'Beta',
        email: 'ap@beta.test',
      });
      expect(
        (await kw('account.move', 'action_send_and_print', [[id]])).result,
      ).toEqual(
        expect.objectContaining({
          res_model: 'account.move.send.wizard',
          context: { active_model: 'account.move', active_ids: [id] },
        }),
      );
      expect(
        (await kw('account.move', 'action_send_and_print', [[id, id2]])).result
          .res_model,
      ).toBe('account.move.send.batch.wizard');
    });

    it('computes template, recipients and subject from the move; sends, sets is_move_sent and the partner sending method', async () => {
      const { id, partnerId } = await postedInvoice(kw, {
        name: 'Acme',
        email: 'ap@acme.test',
      });
      const { context } = (
        await kw('account.move', 'action_send_and_print', [[id]])
      ).result;
      const wizardId = (
        await kw(
          'account.move.send.wizard',
          'create',
          [{ move_id: id, sending_methods: ['email'] }],
          { context },
        )
      ).result;
      const [wizard] = (
        await kw('account.move.send.wizard', 'read', [
          [wizardId],
          ['move_id', 'template_id', 'mail_partner_ids', 'subject'],
        ])
      ).result;
      expect(wizard).toMatchObject({
        move_id: [id, expect.any(String)],
        template_id: [1, 'Invoice: Sending'],
        mail_partner_ids: [partnerId],
      });
      expect(wizard.subject).toBe(`My Company Invoice (Ref INV/${YEAR}/00001)`);
      expect(
        (
          await kw('account.move.send.wizard', 'action_send_and_print', [
            [wizardId],
          ])
        ).result,
      ).toEqual({
        type: 'ir.actions.act_window_close',
      });
      expect(await isSent(kw, id)).toBe(true);
      expect(odoo.sentEmails()).toEqual([
        expect.objectContaining({
          via: 'account.move.send.wizard',
          resId: id,
          to: ['ap@acme.test'],
        }),
      ]);
      const [partner] = (
        await kw('res.partner', 'read', [
          [partnerId],
          ['invoice_sending_method'],
        ])
      ).result;
      expect(partner.invoice_sending_method).toBe('email');
    });

    it('refuses a recipient without e-mail with the danger alert as UserError, sending nothing', async () => {
      const { id } = await postedInvoice(kw, { name: 'No Mail Ltd' });
      const wizardId = (
        await kw('account.move.send.wizard', 'create', [
          { move_id: id, sending_methods: ['email'] },
        ])
      ).result;
      const r = await kw('account.move.send.wizard', 'action_send_and_print', [
        [wizardId],
      ]);
      expect(r.error.data).toMatchObject({
        name: 'odoo.exceptions.UserError',
        message: 'Partner(s) should have an email address.',
      });
      expect(await isSent(kw, id)).toBe(false);
      expect(odoo.sentEmails()).toEqual([]);
    });

    it('refuses a draft (action and wizard) with "not posted"', async () => {
      const { id } = await postedInvoice(
        kw,
        { name: 'Acme', email: 'ap@acme.test' },
        false,
      );
      const notPosted = {
        name: 'odoo.exceptions.UserError',
        message: "You can't generate invoices that are not posted.",
      };
      expect(
        (await kw('account.move', 'action_send_and_print', [[id]])).error.data,
      ).toMatchObject(notPosted);
      expect(
        (await kw('account.move.send.wizard', 'create', [{ move_id: id }]))
          .error.data,
      ).toMatchObject(notPosted);
      expect(odoo.records('account.move.send.wizard')).toEqual([]);
    });

    it('has no account.move.send wizard to create (an AbstractModel upstream)', async () => {
      expect(
        (await kw('account.move.send', 'create', [{}])).error.data.message,
      ).toBe("Object account.move.send doesn't exist");
    });
  },
);
