import { CellText, type ColumnConfig } from '@backstage/ui';
import type { ModelSummary } from '@internal/backstage-plugin-inference-models-common';
import {
  formatCount,
  formatPricePerMillion,
  perMillionTokens,
} from '@internal/backstage-plugin-inference-react';

// Other components of this plugin read prices through this module.
export { perMillionTokens };

const priceOf = ({ pricing }: ModelSummary) =>
  pricing?.prompt !== undefined && pricing?.completion !== undefined
    ? `${formatPricePerMillion(pricing.prompt)} / ${formatPricePerMillion(
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
    // Widths sized for 1440 px with the sidebar: the name, profile and price
    // columns are the ones staff read, so they never cut their text.
    defaultWidth: '2fr',
    minWidth: 220,
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
    defaultWidth: 90,
    cell: m => <CellText title={m.location} />,
  },
  {
    id: 'engine',
    isSortable: true,
    label: 'Engine',
    defaultWidth: 110,
    cell: m => <CellText title={m.engine} />,
  },
  {
    id: 'features',
    label: 'Features',
    defaultWidth: '1fr',
    minWidth: 130,
    cell: m => <CellText title={m.features.join(', ')} />,
  },
  {
    id: 'profile',
    label: 'Resource profile',
    defaultWidth: '1.5fr',
    minWidth: 200,
    cell: m => <CellText title={m.resourceProfile ?? '-'} />,
  },
  {
    id: 'price',
    isSortable: true,
    label: 'Price / 1M (in / out)',
    defaultWidth: 180,
    cell: m => <CellText title={priceOf(m)} />,
  },
  {
    id: 'replicas',
    isSortable: true,
    label: 'Replicas',
    defaultWidth: 90,
    cell: m => (
      <CellText
        title={`${formatCount(m.replicas.ready)} / ${formatCount(
          m.replicas.desired,
        )}`}
      />
    ),
  },
  {
    id: 'status',
    isSortable: true,
    label: 'Status',
    defaultWidth: 140,
    cell: m => (
      <CellText
        title={m.warnings.length ? `${m.status} (warning)` : m.status}
        description={m.warnings.join('; ') || undefined}
      />
    ),
  },
];
