import type { OdooClient } from '@internal/backstage-plugin-inference-node';
import type { InvoiceUpdate } from '../database/InvoiceStore';
import type { InvoiceDraft } from './toInvoiceDrafts';

/**
 * dry_run=validate: what Odoo already has for this invoice and its partner,
 * recorded in the invoice's note; changes nothing in Odoo.
 */
export async function checkInOdoo(
  odoo: OdooClient,
  draft: InvoiceDraft,
  record: (update: InvoiceUpdate) => Promise<void>,
) {
  const existing = await odoo.findInvoicesByRef(draft.ref);
  const partner = await odoo.findPartner({ ref: draft.customerId });
  const notes: string[] = [];
  notes.push(
    partner
      ? `partner ${partner.id} (${partner.name})${
          partner.email
            ? ''
            : ' has no e-mail address: the invoice would be posted, not sent'
        }`
      : 'no partner yet: it would be created without an e-mail address, the invoice posted, not sent',
  );
  if (existing.length > 0) {
    const inv = existing[0];
    notes.push(
      `already in odoo: ${inv.name} (${inv.state}${
        inv.isSent ? ', sent' : ''
      }, ${inv.amountUntaxed})${
        inv.amountUntaxed !== draft.total ? ' - differs from ours' : ''
      }`,
    );
    await record({
      note: notes.join('; '),
      odooPartnerId: partner?.id,
      odooInvoiceId: inv.id,
      odooName: inv.name,
      odooUrl: inv.url,
      odooTotal: inv.amountUntaxed,
      odooState: inv.state,
    });
  } else {
    notes.push('not in odoo yet: it would be created');
    await record({
      note: notes.join('; '),
      odooPartnerId: partner?.id,
    });
  }
}
