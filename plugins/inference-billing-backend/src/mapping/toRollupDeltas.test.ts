import type { UsageRecord } from '../database/UsageLedgerStore';
import { toRollupDeltas } from './toRollupDeltas';

const record = (overrides: Partial<UsageRecord>): UsageRecord => ({
  location: 'local',
  requestId: 'r',
  occurredAt: '2026-10-05T10:00:00.000Z',
  customerId: 'acme',
  virtualKeyId: null,
  provider: 'kubeai',
  model: 'm',
  status: 'success',
  promptTokens: 10,
  completionTokens: 5,
  promptPrice: '0.1',
  completionPrice: '0.2',
  ...overrides,
});

describe('toRollupDeltas', () => {
  it('sums per (customer, model, UTC day), each record at its own price, exactly', () => {
    const deltas = toRollupDeltas([
      record({}),
      record({ promptPrice: '0.3' }),
      record({
        occurredAt: '2026-10-05T23:59:59.999Z',
        promptTokens: 1,
        completionTokens: 0,
      }),
      record({ occurredAt: '2026-10-06T00:00:00.000Z' }),
      record({ customerId: null }),
      record({ model: 'free', promptPrice: null, completionPrice: null }),
    ]);
    expect(deltas.map(d => ({ ...d, cost: d.cost.toFixed() }))).toEqual([
      {
        customerId: '',
        model: 'm',
        day: '2026-10-05',
        requests: 1,
        promptTokens: 10,
        completionTokens: 5,
        cost: '2',
        unpriced: false,
      },
      {
        customerId: 'acme',
        model: 'free',
        day: '2026-10-05',
        requests: 1,
        promptTokens: 10,
        completionTokens: 5,
        cost: '0',
        unpriced: true,
      },
      // 10*0.1 + 5*0.2 + 10*0.3 + 5*0.2 + 1*0.1
      {
        customerId: 'acme',
        model: 'm',
        day: '2026-10-05',
        requests: 3,
        promptTokens: 21,
        completionTokens: 10,
        cost: '6.1',
        unpriced: false,
      },
      {
        customerId: 'acme',
        model: 'm',
        day: '2026-10-06',
        requests: 1,
        promptTokens: 10,
        completionTokens: 5,
        cost: '2',
        unpriced: false,
      },
    ]);
  });

  it('is empty for no records', () => {
    expect(toRollupDeltas([])).toEqual([]);
  });

  it('flags unpriced only tokens without a price: requests of an unpriced model without tokens cost nothing at any price', () => {
    const [delta] = toRollupDeltas([
      record({
        model: 'typo',
        status: 'error',
        promptTokens: 0,
        completionTokens: 0,
        promptPrice: null,
        completionPrice: null,
      }),
    ]);
    expect([delta.requests, delta.cost.toFixed(), delta.unpriced]).toEqual([
      1,
      '0',
      false,
    ]);
    const [withTokens] = toRollupDeltas([
      record({ model: 'typo', promptPrice: null, completionPrice: null }),
    ]);
    expect(withTokens.unpriced).toBe(true);
  });
});
