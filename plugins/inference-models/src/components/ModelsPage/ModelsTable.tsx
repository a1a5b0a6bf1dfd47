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
  // Widths sized for 1440 px with the sidebar: no column cuts its text
  // (the features go under the engine, the name under the title).
  {
    id: 'name',
    isSortable: true,
    label: 'Model',
    isRowHeader: true,
    defaultWidth: '1.3fr',
    minWidth: 240,
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
    defaultWidth: 125,
    cell: m => <CellText title={m.location} />,
  },
  {
    id: 'engine',
    isSortable: true,
    label: 'Engine',
    defaultWidth: 150,
    cell: m => (
      <CellText
        title={m.engine}
        description={m.features.join(', ') || undefined}
      />
    ),
  },
  {
    id: 'profile',
    label: 'Resource profile',
    defaultWidth: '1fr',
    minWidth: 200,
    cell: m => <CellText title={m.resourceProfile ?? '-'} />,
  },
  {
    id: 'price',
    isSortable: true,
    label: 'In / out per 1M',
    defaultWidth: 165,
    cell: m => <CellText title={priceOf(m)} />,
  },
  {
    id: 'replicas',
    isSortable: true,
    label: 'Replicas',
    defaultWidth: 110,
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
