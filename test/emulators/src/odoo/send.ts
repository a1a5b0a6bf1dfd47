/*
 * Sending invoices by e-mail, per version (see CONTRACT.md, "Sending"):
 *
 * - `account.move.action_send_and_print` returns the window action whose
 *   `res_model` and `context` an external client follows.
 * - 17.0: `account.move.send` (a regular model). Its mail template comes only
 *   from the action's context (`default_mail_template_id`); without it the
 *   recipients, subject and body stay empty and no e-mail goes out. Partners
 *   without an e-mail address are skipped silently. Drafts are refused when
 *   the wizard is created (default_get).
 *   odoo/odoo 17.0 addons/account/wizard/account_move_send.py,
 *   addons/account/models/account_move.py (action_send_and_print).
 * - 18.0/19.0: `account.move.send.wizard` (single invoice, synchronous), on top
 *   of the abstract `account.move.send`. Template, recipients, subject and body
 *   are computed from the move; a recipient without an e-mail address is a
 *   blocking ("danger") alert raised as a UserError.
 *   odoo/odoo 18.0/19.0 addons/account/wizard/account_move_send_wizard.py,
 *   addons/account/models/account_move_send.py (_get_alerts,
 *   _raise_danger_alerts, _check_move_constrains).
 *
 * In every version `is_move_sent` becomes true when the invoice PDF is
 * generated and linked (`_link_invoice_documents`), whether or not an e-mail
 * was sent: it does not prove that the customer was e-mailed.
 */
import type { OdooRecord, OdooVersion } from './types';
import { Env, MethodSpec, ModelDef } from './orm-types';
import type { Orm } from './orm';
import { userError } from './errors';
import {
  COMPANY_ID,
  activeMoveIds,
  ensureOne,
  f,
  ids,
  isSaleDocument,
  withMagic,
} from './fields';
import { moveTotals, postMessage } from './accounting';

/** `account.email_template_edi_invoice` in the base data. */
export const INVOICE_MAIL_TEMPLATE_ID = 1;

const hasEmail = (orm: Orm, partnerId: unknown): boolean => {
  const email =
    typeof partnerId === 'number'
      ? orm.get('res.partner', partnerId)?.email
      : undefined;
  return typeof email === 'string' && email !== '';
};

/** `_check_move_constrains` (18/19). */
function checkSendable(orm: Orm, moveIds: number[]): void {
  const moves = moveIds.map(id => orm.get('account.move', id)!);
  if (moves.some(m => m.state !== 'posted'))
    throw userError("You can't generate invoices that are not posted.");
  if (moves.some(m => !isSaleDocument(m.move_type)))
    throw userError('You can only generate sales documents.');
}

function templateSubject(orm: Orm, env: Env, moveId: number): string {
  const move = orm.get('account.move', moveId)!;
  const company = orm.get('res.company', COMPANY_ID)?.name ?? '';
  const name =
    move.name && move.name !== '/'
      ? move.name
      : orm.displayName(env, 'account.move', moveId);
  return `${String(company)} Invoice (Ref ${String(name)})`;
}

function templateBody(orm: Orm, env: Env, moveId: number): string {
  const move = orm.get('account.move', moveId)!;
  const partner =
    typeof move.partner_id === 'number'
      ? orm.displayName(env, 'res.partner', move.partner_id)
      : '';
  const { total } = moveTotals(orm, move);
  return `<p>Dear ${partner},<br/><br/>Here is your invoice ${String(
    move.name,
  )} amounting in ${total.toFixed(2)}.</p>`;
}

/** Generates the PDF (an attachment in Odoo) and flags the move, as `_link_invoice_documents` does. */
function linkInvoiceDocuments(orm: Orm, moveId: number): void {
  orm.get('account.move', moveId)!.is_move_sent = true;
}

function sendMail(
  orm: Orm,
  env: Env,
  via: string,
  moveId: number,
  mail: OdooMail,
): void {
  postMessage(orm, env, {
    model: 'account.move',
    resId: moveId,
    body: mail.body,
    subject: mail.subject,
    messageType: 'comment',
    partnerIds: mail.partnerIds,
    via,
    email: true,
  });
}

interface OdooMail {
  body: string;
  subject: string | false;
  partnerIds: number[];
}

const str = (v: unknown): string | false => (typeof v === 'string' ? v : false);

/** `account.move.action_send_and_print`: the action a client follows. */
export function moveSendAction(version: OdooVersion): MethodSpec {
  return {
    params: [],
    impl: (orm, env, recordIds) => {
      orm.ensureExist(env, 'account.move', recordIds);
      if (version === '17.0') {
        if (
          recordIds.some(
            id => !isSaleDocument(orm.get('account.move', id)!.move_type),
          )
        ) {
          throw userError('You can only send sales documents');
        }
        return {
          name: 'Send',
          type: 'ir.actions.act_window',
          view_type: 'form',
          view_mode: 'form',
          res_model: 'account.move.send',
          target: 'new',
          context: {
            active_ids: recordIds,
            default_mail_template_id: INVOICE_MAIL_TEMPLATE_ID,
          },
        };
      }
      checkSendable(orm, recordIds);
      return {
        name: 'Send',
        type: 'ir.actions.act_window',
        view_mode: 'form',
        res_model:
          recordIds.length === 1
            ? 'account.move.send.wizard'
            : 'account.move.send.batch.wizard',
        target: 'new',
        context: { active_model: 'account.move', active_ids: recordIds },
      };
    },
  };
}

function wizard17(orm: Orm): ModelDef {
  const single = (vals: Record<string, unknown>) =>
    ids(vals.move_ids).length === 1;
  const movesOf = (vals: Record<string, unknown>) => ids(vals.move_ids);
  const withTemplate = (vals: Record<string, unknown>) =>
    typeof vals.mail_template_id === 'number' && single(vals);
  return {
    name: 'account.move.send',
    description: 'Account Move Send',
    order: 'id',
    defaultGet: (o, env) => {
      const moveIds = activeMoveIds(env);
      if (moveIds.some(id => o.get('account.move', id)?.state === 'draft')) {
        throw userError("You can't send invoice(s) in draft state.");
      }
      return { move_ids: moveIds };
    },
    fields: withMagic({
      move_ids: f.m2m('Move', 'account.move'),
      mode: f.sel(
        'Mode',
        [
          ['invoice_single', 'Invoice Single'],
          ['invoice_multi', 'Invoice Multi'],
          ['done', 'Done'],
        ],
        {
          default: (_env, vals) => {
            if (movesOf(vals).length === 0) return 'done';
            return single(vals) ? 'invoice_single' : 'invoice_multi';
          },
        },
      ),
      // company.invoice_is_email (default true) and not every partner lacking an address.
      checkbox_send_mail: f.bool('Email', {
        default: (_env, vals) =>
          movesOf(vals).some(id =>
            hasEmail(orm, orm.get('account.move', id)?.partner_id),
          ),
      }),
      mail_template_id: f.m2o('Use template', 'mail.template'),
      mail_partner_ids: f.m2m('Recipients', 'res.partner', {
        // The template's partner_to is the invoice's partner.
        default: (_env, vals) => {
          if (!withTemplate(vals)) return [];
          const partner = orm.get('account.move', movesOf(vals)[0])?.partner_id;
          return typeof partner === 'number' ? [partner] : [];
        },
      }),
      mail_subject: f.char('Subject', {
        default: (env, vals) =>
          withTemplate(vals)
            ? templateSubject(orm, env, movesOf(vals)[0])
            : false,
      }),
      mail_body: f.html('Contents', {
        default: (env, vals) =>
          withTemplate(vals) ? templateBody(orm, env, movesOf(vals)[0]) : false,
      }),
    }),
    methods: {
      action_send_and_print: {
        params: [
          { name: 'from_cron', default: false },
          { name: 'allow_fallback_pdf', default: false },
        ],
        impl: (o, env, recordIds) => {
          const wid = ensureOne('account.move.send', recordIds);
          o.ensureExist(env, 'account.move.send', [wid]);
          const wizard = o.get('account.move.send', wid)!;
          // Several invoices are processed later by the "Send invoices" cron.
          if (wizard.mode === 'invoice_single') {
            for (const moveId of ids(wizard.move_ids)) {
              linkInvoiceDocuments(o, moveId);
              const partner = o.get('account.move', moveId)!.partner_id;
              if (!wizard.checkbox_send_mail || !hasEmail(o, partner)) continue;
              sendMail(o, env, 'account.move.send', moveId, {
                body: str(wizard.mail_body) || '',
                subject: str(wizard.mail_subject),
                partnerIds: ids(wizard.mail_partner_ids),
              });
            }
            wizard.mode = 'done';
          }
          return { type: 'ir.actions.act_window_close' };
        },
      },
    },
  };
}

function wizard18(orm: Orm): ModelDef {
  const moveOf = (vals: Record<string, unknown>): OdooRecord | undefined =>
    typeof vals.move_id === 'number'
      ? orm.get('account.move', vals.move_id)
      : undefined;
  return {
    name: 'account.move.send.wizard',
    description: 'Account Move Send Wizard',
    order: 'id',
    defaultGet: (_o, env) => {
      const first = activeMoveIds(env)[0];
      return first === undefined ? {} : { move_id: first };
    },
    // @api.constrains('move_id') -> _check_move_constrains, which raises a UserError.
    afterCreate: (o, _env, id) =>
      checkSendable(o, [
        o.get('account.move.send.wizard', id)!.move_id as number,
      ]),
    fields: withMagic({
      move_id: f.m2o('Move', 'account.move', {
        required: true,
        ondelete: 'cascade',
      }),
      sending_methods: {
        type: 'json',
        string: 'Sending Methods',
        // The partner's invoice_sending_method, else e-mail.
        default: (_env, vals) => {
          const partner = orm.get(
            'res.partner',
            moveOf(vals)?.partner_id as number,
          );
          const preferred = partner?.invoice_sending_method;
          return [
            typeof preferred === 'string' && preferred !== 'manual'
              ? preferred
              : 'email',
          ];
        },
      },
      template_id: f.m2o('Use template', 'mail.template', {
        default: () => INVOICE_MAIL_TEMPLATE_ID,
      }),
      lang: f.char('Language', { default: () => 'en_US' }),
      mail_partner_ids: f.m2m('To', 'res.partner', {
        // The commercial partner when it has an address; with a template, the template's partner_to.
        default: (_env, vals) => {
          const partner = moveOf(vals)?.partner_id;
          if (typeof partner !== 'number') return [];
          if (typeof vals.template_id === 'number' || hasEmail(orm, partner))
            return [partner];
          return [];
        },
      }),
      subject: f.char('Subject', {
        default: (env, vals) =>
          typeof vals.template_id === 'number' && moveOf(vals)
            ? templateSubject(orm, env, vals.move_id as number)
            : false,
      }),
      body: f.html('Contents', {
        default: (env, vals) =>
          typeof vals.template_id === 'number' && moveOf(vals)
            ? templateBody(orm, env, vals.move_id as number)
            : false,
      }),
    }),
    methods: {
      action_send_and_print: {
        params: [{ name: 'allow_fallback_pdf', default: false }],
        impl: (o, env, recordIds) => {
          const wid = ensureOne('account.move.send.wizard', recordIds);
          o.ensureExist(env, 'account.move.send.wizard', [wid]);
          const wizard = o.get('account.move.send.wizard', wid)!;
          const moveId = wizard.move_id as number;
          const methods = Array.isArray(wizard.sending_methods)
            ? wizard.sending_methods
            : [];
          const recipients = ids(wizard.mail_partner_ids);
          if (
            methods.includes('email') &&
            recipients.some(p => !hasEmail(o, p))
          ) {
            throw userError('Partner(s) should have an email address.');
          }
          checkSendable(o, [moveId]);
          // _update_preferred_settings: a single method becomes the partner's default.
          const partner = o.get(
            'res.partner',
            o.get('account.move', moveId)!.partner_id as number,
          );
          if (
            partner &&
            methods.length === 1 &&
            !partner.invoice_sending_method
          ) {
            partner.invoice_sending_method = methods[0] as string;
          }
          linkInvoiceDocuments(o, moveId);
          if (methods.includes('email')) {
            sendMail(o, env, 'account.move.send.wizard', moveId, {
              body: str(wizard.body) || '',
              subject: str(wizard.subject),
              partnerIds: recipients,
            });
          }
          return { type: 'ir.actions.act_window_close' };
        },
      },
    },
  };
}

/** The send wizard of this version. */
export function sendWizardModels(orm: Orm, version: OdooVersion): ModelDef[] {
  return [version === '17.0' ? wizard17(orm) : wizard18(orm)];
}
