import { CellText, type ColumnConfig } from '@backstage/ui';
import type { ModelSummary } from '@internal/backstage-plugin-inference-models-common';

/**
 * USD per token (a decimal string) as USD per million tokens, exactly: the
 * decimal point moves six places, no floating point involved.
 */
export function perMillionTokens(perToken: string): string {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(perToken);
  if (!match) return perToken;
  const [, whole, fraction = ''] = match;
  const digits = `${whole}${fraction.padEnd(6, '0')}`;
  const point = whole.length + 6;
  const integer = digits.slice(0, point).replace(/^0+(?=\d)/, '');
  const rest = digits.slice(point).replace(/0+$/, '');
  return rest ? `${integer}.${rest}` : integer;
}

const priceOf = ({ pricing }: ModelSummary) =>
  pricing?.prompt !== undefined && pricing?.completion !== undefined
    ? `$${perMillionTokens(pricing.prompt)} / $${perMillionTokens(
        pricing.completion,
      )}`
    : '-';

/** A row of the Models table. */
export type ModelRow = ModelSummary & { id: string };

/** The Models table's columns; the sortable ones are sorted by the backend. */
export const modelColumns: ColumnConfig<ModelRow>[] = [
  {
    id: 'name',
    isSortable: true,
    label: 'Model',
    isRowHeader: true,
    // The name under the title only when they differ: one line otherwise.
    cell: m => (
      <CellText
        title={m.title ?? m.name}
        description={m.title && m.title !== m.name ? m.name : undefined}
      />
    ),
  },
  {
    id: 'location',
    isSortable: true,
    label: 'Location',
    cell: m => <CellText title={m.location} />,
  },
  {
    id: 'engine',
    isSortable: true,
    label: 'Engine',
    cell: m => <CellText title={m.engine} />,
  },
  {
    id: 'features',
    label: 'Features',
    cell: m => <CellText title={m.features.join(', ')} />,
  },
  {
    id: 'profile',
    label: 'Resource profile',
    cell: m => <CellText title={m.resourceProfile ?? '-'} />,
  },
  {
    id: 'price',
    isSortable: true,
    label: 'USD per 1M tokens (in / out)',
    cell: m => <CellText title={priceOf(m)} />,
  },
  {
    id: 'replicas',
    isSortable: true,
    label: 'Ready / desired',
    cell: m => (
      <CellText title={`${m.replicas.ready} / ${m.replicas.desired}`} />
    ),
  },
  {
    id: 'status',
    isSortable: true,
    label: 'Status',
    cell: m => (
      <CellText
        title={m.warnings.length ? `${m.status} (warning)` : m.status}
        description={m.warnings.join('; ') || undefined}
      />
    ),
  },
];
