import { billedMonth, parseRunDate } from './month';
import { MonthlyUsage, invoiceRef, toInvoiceDrafts } from './toInvoiceDrafts';

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
  it('makes one line per model with the exact cost rounded half-up to the cent', () => {
    const [draft] = toInvoiceDrafts('stalpeni', '2026-10', [
      usage({ model: 'qwen', cost: '1.005' }),
      usage({ model: 'llama', cost: '0.004999999' }),
      usage({ model: 'bge', cost: '12.344' }),
    ]);
    expect(draft.ref).toBe('IB-stalpeni-c1-2026-10');
    expect(draft.lines.map(l => [l.model, l.amount, l.exactAmount])).toEqual([
      ['bge', '12.34', '12.344'],
      ['llama', '0.00', '0.004999999'],
      ['qwen', '1.01', '1.005'],
    ]);
    for (const line of draft.lines) {
      expect(line.quantity).toBe('1');
      expect(line.unitPrice).toBe(line.amount);
    }
    expect(draft.total).toBe('13.35');
    expect(draft.exactTotal).toBe('13.353999999');
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
      usage({ customerId: 'a', cost: '1', unpriced: true }),
    ]);
    expect(drafts.map(d => [d.customerId, d.total])).toEqual([
      ['a', '1.00'],
      ['b', '2.00'],
    ]);
    expect(drafts[0].lines[0].unpriced).toBe(true);
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
});
