import { toPartnerStatus } from './toPartnerStatus';

describe('toPartnerStatus', () => {
  it('names the partner, with its e-mail when it has one', () => {
    expect(
      toPartnerStatus({
        partner: { name: 'Vandelay Industries', email: 'ap@vandelay.example' },
        odooFailed: false,
      }),
    ).toEqual({
      title: 'Vandelay Industries',
      description: 'ap@vandelay.example',
    });
    expect(
      toPartnerStatus({ partner: { name: 'Acme' }, odooFailed: true }),
    ).toEqual({ title: 'Acme' });
  });

  it('says the partner is unknown only when Odoo did not answer', () => {
    expect(toPartnerStatus({ partner: null, odooFailed: true })).toEqual({
      title: 'unknown',
      description: 'Odoo did not answer',
    });
  });

  it('says a customer not billed yet gets its partner from its first invoice', () => {
    for (const hasOdoo of [true, undefined]) {
      expect(
        toPartnerStatus({ partner: null, odooFailed: false, hasOdoo }),
      ).toEqual({
        title: 'none yet',
        description: 'created by its first invoice',
      });
    }
  });

  it('says there is no partner where the location has no Odoo', () => {
    expect(
      toPartnerStatus({ partner: null, odooFailed: false, hasOdoo: false }),
    ).toEqual({ title: 'none', description: 'this location has no Odoo' });
  });
});
