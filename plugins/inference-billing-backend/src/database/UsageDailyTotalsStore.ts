import { Knex } from 'knex';
import { Money } from '../mapping/toRollupDeltas';
import type { DayTotal } from '../mapping/toUsageComparison';

/**
 * Reads the ledger's daily rollups (`usage_daily`) summed per day: the home
 * page's usage of a location without loading its customers' rows.
 */
export class UsageDailyTotalsStore {
  private readonly postgres: boolean;

  constructor(private readonly db: Knex) {
    this.postgres = db.client.dialect === 'postgresql';
  }

  /**
   * A location's usage per UTC day for days in [from, to) (YYYY-MM-DD),
   * days without usage left out. Costs are summed exactly: by PostgreSQL's
   * numeric SUM, on SQLite by decimal.js over the text values.
   */
  async dailyTotals(options: {
    location: string;
    from: string;
    to: string;
  }): Promise<DayTotal[]> {
    const query = this.db('usage_daily')
      .where('location', options.location)
      .andWhere('day', '>=', options.from)
      .andWhere('day', '<', options.to)
      .groupBy('day')
      .orderBy('day')
      .select('day')
      .sum({
        requests: 'requests',
        prompt_tokens: 'prompt_tokens',
        completion_tokens: 'completion_tokens',
      });
    if (this.postgres) {
      query.select(this.db.raw('SUM(cost)::text AS cost'));
    } else {
      // SUM over text would be a binary double: collect the exact strings.
      query.select(this.db.raw("GROUP_CONCAT(cost, ',') AS cost"));
    }
    const rows = await query;
    return rows.map((r: any) => ({
      day: String(r.day),
      requests: Number(r.requests),
      promptTokens: Number(r.prompt_tokens),
      completionTokens: Number(r.completion_tokens),
      cost: this.postgres
        ? new Money(r.cost ?? 0).toFixed()
        : String(r.cost ?? '0')
            .split(',')
            .reduce((sum, c) => sum.plus(new Money(c || 0)), new Money(0))
            .toFixed(),
    }));
  }
}
