import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { DailyModelUsage } from '../../api/types';

const COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
];

/** Rows of the chart: one per day, one key per model with its tokens. Pure. */
export function toChartRows(days: DailyModelUsage[]): {
  rows: Array<Record<string, string | number>>;
  models: string[];
} {
  const models = [...new Set(days.map(d => d.model))].sort();
  const byDay = new Map<string, Record<string, string | number>>();
  for (const d of days) {
    let row = byDay.get(d.day);
    if (!row) {
      row = { day: d.day };
      byDay.set(d.day, row);
    }
    row[d.model] =
      Number(row[d.model] ?? 0) + d.promptTokens + d.completionTokens;
  }
  return {
    rows: [...byDay.values()].sort((a, b) =>
      String(a.day).localeCompare(String(b.day)),
    ),
    models,
  };
}

/** Tokens per UTC day, stacked by model. */
export function UsageChart(props: { days: DailyModelUsage[] }) {
  const { rows, models } = toChartRows(props.days);
  return (
    <div style={{ width: '100%', height: 300 }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="day" />
          <YAxis />
          <Tooltip />
          <Legend />
          {models.map((model, i) => (
            <Bar
              key={model}
              dataKey={model}
              stackId="tokens"
              fill={COLORS[i % COLORS.length]}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
