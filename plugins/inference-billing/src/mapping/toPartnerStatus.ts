/**
 * What to show for a customer's Odoo partner. A customer without one is
 * not a fault: the invoice run creates the partner of a customer billed
 * for the first time. It is unknown only when the location's Odoo did not
 * answer, and there is none to have where the location has no Odoo.
 */
export function toPartnerStatus(options: {
  partner?: { name: string; email?: string } | null;
  /** The location's Odoo failed to answer the lookup. */
  odooFailed: boolean;
  /** The location has an Odoo tenant (undefined: not known yet). */
  hasOdoo?: boolean;
}): { title: string; description?: string } {
  const { partner } = options;
  if (partner) {
    return {
      title: partner.name,
      ...(partner.email && { description: partner.email }),
    };
  }
  if (options.odooFailed) {
    return { title: 'unknown', description: 'Odoo did not answer' };
  }
  if (options.hasOdoo === false) {
    return { title: 'none', description: 'this location has no Odoo' };
  }
  return { title: 'none yet', description: 'created by its first invoice' };
}
