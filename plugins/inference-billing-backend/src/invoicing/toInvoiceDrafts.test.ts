import { ConfigReader } from '@backstage/config';
import { billedMonth, parseRunDate } from './month';
import { readMinimumTotal } from './setupInvoicing';
import { MonthlyUsage, invoiceRef, toInvoiceDrafts } from './toInvoiceDrafts';
import Decimal from 'decimal.js';

const sum = (amounts: string[]) =>
  amounts.reduce((s, a) => s.plus(a), new Decimal(0)).toFixed(2);

/** A small deterministic PRNG, so the property test is the same on every run. */
function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const usage = (u: Partial<MonthlyUsage>): MonthlyUsage => ({
  customerId: 'c1',
  model: 'm',
  requests: 1,
  promptTokens: 10,
  completionTokens: 5,
  cost: '0',
  unpriced: false,
  ...u,
});

describe('toInvoiceDrafts', () => {
  it('makes one line per model; the invoice total is the exact usage rounded once, half-up', () => {
    const [draft] = toInvoiceDrafts('stalpeni', '2026-10', [
      usage({ model: 'qwen', cost: '1.005' }),
      usage({ model: 'llama', cost: '0.004999999' }),
      usage({ model: 'bge', cost: '12.344' }),
    ]);
    expect(draft.ref).toBe('IB-stalpeni-c1-2026-10');
    expect(draft.exactTotal).toBe('13.353999999');
    expect(draft.total).toBe('13.35');
    expect(draft.status).toBe('ready');
    expect(draft.lines.map(l => l.model)).toEqual(['bge', 'llama', 'qwen']);
    for (const line of draft.lines) {
      expect(line.quantity).toBe('1');
      expect(line.unitPrice).toBe(line.amount);
    }
    expect(sum(draft.lines.map(l => l.amount))).toBe('13.35');
  });

  it('does not lose the cents each line rounds away (10.11196129 is billed 10.11, not 10.10)', () => {
    const [draft] = toInvoiceDrafts('local', '2026-11', [
      usage({ model: 'a', cost: '5.004' }),
      usage({ model: 'b', cost: '5.004' }),
      usage({ model: 'c', cost: '0.10396129' }),
    ]);
    expect(draft.exactTotal).toBe('10.11196129');
    expect(draft.total).toBe('10.11');
    // The cent goes to the line with the largest remainder (first by model on a tie).
    expect(draft.lines.map(l => l.amount)).toEqual(['5.01', '5.00', '0.10']);

    const [small] = toInvoiceDrafts('local', '2026-11', [
      usage({ model: 'embed', cost: '0.00322659' }),
      usage({ model: 'rerank', cost: '0.00322659' }),
    ]);
    expect(small.total).toBe('0.01');
    expect(small.status).toBe('ready');
    expect(small.lines.map(l => l.amount)).toEqual(['0.01', '0.00']);
  });

  it('rounds half-up in decimal (2.675 is 2.68, 0.005 is 0.01)', () => {
    const totals = ['2.675', '0.005', '0.0049999', '1.994999'].map(
      cost => toInvoiceDrafts('l', '2026-10', [usage({ cost })])[0].total,
    );
    expect(totals).toEqual(['2.68', '0.01', '0.00', '1.99']);
  });

  it("keeps Odoo's amounts equal to the total: 2-decimal unit prices at quantity 1 whose sum is the total rounded once", () => {
    const random = mulberry32(7);
    for (let round = 0; round < 300; round++) {
      const models = 1 + Math.floor(random() * 7);
      const rows = Array.from({ length: models }, (_, i) =>
        usage({
          model: `m${i}`,
          cost: new Decimal(Math.floor(random() * 1e10))
            .div(10 ** (1 + Math.floor(random() * 9)))
            .toFixed(),
        }),
      );
      const [draft] = toInvoiceDrafts('l', '2026-10', rows);
      const exact = rows.reduce((s, r) => s.plus(r.cost), new Decimal(0));
      expect(draft.total).toBe(
        exact.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2),
      );
      // What Odoo computes: each line's subtotal rounded to the cent
      // (price_unit kept with 2 digits), summed.
      const odooUntaxed = draft.lines.reduce(
        (s, l) =>
          s.plus(
            new Decimal(l.quantity)
              .times(new Decimal(l.unitPrice).toDecimalPlaces(2))
              .toDecimalPlaces(2, Decimal.ROUND_HALF_UP),
          ),
        new Decimal(0),
      );
      expect(odooUntaxed.toFixed(2)).toBe(draft.total);
      for (const line of draft.lines) {
        expect(line.unitPrice).toMatch(/^\d+\.\d{2}$/);
        // Each line stays within a cent of its exact amount.
        expect(
          new Decimal(line.amount).minus(line.exactAmount).abs().lt('0.01'),
        ).toBe(true);
      }
    }
  });

  it('adds rows of the same customer and model exactly (no binary floating point)', () => {
    const rows = Array.from({ length: 10 }, () =>
      usage({ cost: '0.1', requests: 2, promptTokens: 3, completionTokens: 4 }),
    );
    const [draft] = toInvoiceDrafts('l', '2026-10', rows);
    expect(draft.lines).toHaveLength(1);
    expect(draft.lines[0]).toMatchObject({
      exactAmount: '1',
      amount: '1.00',
      requests: 20,
      promptTokens: 30,
      completionTokens: 40,
    });
    expect(draft.lines[0].description).toBe(
      'm (2026-10): 30 prompt + 40 completion tokens, 20 requests',
    );
  });

  it('gives no invoice to customers without usage nor to usage of no customer', () => {
    const drafts = toInvoiceDrafts('l', '2026-10', [
      usage({ customerId: 'b', cost: '2' }),
      usage({ customerId: null, cost: '5' }),
      usage({
        customerId: 'idle',
        requests: 0,
        promptTokens: 0,
        completionTokens: 0,
      }),
      usage({ customerId: 'a', cost: '1' }),
    ]);
    expect(drafts.map(d => [d.customerId, d.total, d.status])).toEqual([
      ['a', '1.00', 'ready'],
      ['b', '2.00', 'ready'],
    ]);
  });

  it('issues nothing below the minimum (default one cent): the draft says why', () => {
    const [tiny] = toInvoiceDrafts('l', '2026-10', [
      usage({ cost: '0.004999' }),
    ]);
    expect(tiny.total).toBe('0.00');
    expect(tiny.status).toBe('below-minimum');
    expect(tiny.reason).toBe(
      'total 0.00 USD (exact 0.004999) is below the minimum of 0.01 USD: not invoiced',
    );
    const custom = toInvoiceDrafts(
      'l',
      '2026-10',
      [
        usage({ customerId: 'a', cost: '4.994' }),
        usage({ customerId: 'b', cost: '4.995' }),
      ],
      { minimumTotal: '5' },
    );
    expect(custom.map(d => [d.total, d.status])).toEqual([
      ['4.99', 'below-minimum'],
      ['5.00', 'ready'],
    ]);
    expect(custom[1].reason).toBeUndefined();
  });

  it('blocks the invoice of a customer with usage of an unpriced model, naming the model and its usage', () => {
    const drafts = toInvoiceDrafts('l', '2026-10', [
      usage({ customerId: 'a', model: 'qwen', cost: '3.5' }),
      usage({
        customerId: 'a',
        model: 'deepseek',
        cost: '0',
        unpriced: true,
        requests: 81,
        promptTokens: 100_000,
        completionTokens: 26_123,
      }),
      usage({ customerId: 'b', cost: '0.001', unpriced: true }),
      usage({ customerId: 'c', cost: '2' }),
    ]);
    expect(drafts.map(d => [d.customerId, d.status])).toEqual([
      ['a', 'blocked'],
      // Unpriced usage wins over the minimum: it is the reason to look.
      ['b', 'blocked'],
      ['c', 'ready'],
    ]);
    expect(drafts[0].reason).toBe(
      'usage of models without a price: deepseek (81 requests, 126,123 tokens); it would be billed at 0: price the model and invoice this usage by hand',
    );
    expect(drafts[0].lines.find(l => l.model === 'deepseek')?.unpriced).toBe(
      true,
    );
  });

  it('names the ref after location, customer and month', () => {
    expect(invoiceRef('pr', 'cust-9', '2027-01')).toBe('IB-pr-cust-9-2027-01');
  });
});

describe('billedMonth', () => {
  it('is the calendar month before the date, in UTC', () => {
    expect(billedMonth(parseRunDate('2026-11-02', new Date()))).toEqual({
      month: '2026-10',
      from: '2026-10-01',
      to: '2026-11-01',
    });
    expect(
      billedMonth(parseRunDate('2027-01-01T00:00:00Z', new Date())),
    ).toEqual({
      month: '2026-12',
      from: '2026-12-01',
      to: '2027-01-01',
    });
    // 00:30 on 1 March in UTC+02:00 is still February in UTC: bills January.
    expect(
      billedMonth(parseRunDate('2026-03-01T00:30:00+02:00', new Date())).month,
    ).toBe('2026-01');
  });

  it('rejects a malformed date naming the parameter', () => {
    expect(() => parseRunDate('next tuesday', new Date())).toThrow(/^date /);
    expect(() => parseRunDate('2026-13-45', new Date())).toThrow(/^date /);
  });

  it('refuses days that do not exist and dates outside 2000..2100, like /usage', () => {
    for (const date of [
      '2026-02-30',
      '2025-02-29',
      '0001-01-01',
      '2101-01-01',
    ]) {
      expect(() => parseRunDate(date, new Date())).toThrow(/^date must be /);
    }
    expect(() => parseRunDate('2026-11-02 10:00', new Date())).toThrow(
      /^date /,
    );
  });
});

describe('readMinimumTotal', () => {
  const read = (minimumTotal?: unknown) =>
    readMinimumTotal(
      new ConfigReader(
        minimumTotal === undefined
          ? {}
          : { inference: { billing: { invoicing: { minimumTotal } } } },
      ),
    );

  it('defaults to one cent and takes an amount with at most 2 decimals', () => {
    expect(read()).toBe('0.01');
    expect(read('0.50')).toBe('0.50');
    expect(read(5)).toBe('5');
  });

  it.each(['-1', '0.001', 'lots', '1e3'])(
    'refuses %j at startup naming the key',
    value => {
      expect(() => read(value)).toThrow(
        /^inference\.billing\.invoicing\.minimumTotal must be /,
      );
    },
  );
});
