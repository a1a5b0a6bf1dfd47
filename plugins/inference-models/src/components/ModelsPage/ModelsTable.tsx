import type { ModelSummary } from '@internal/backstage-plugin-inference-models-common';
import {
  formatCount,
  formatPricePerMillion,
  ListCellText,
  perMillionTokens,
  type ListColumn,
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
export const modelColumns: ListColumn<ModelRow>[] = [
  // Widths sized for 1440 px with the sidebar: no column cuts its text
  // (the features go under the engine, the name under the title).
  {
    id: 'name',
    isSortable: true,
    label: 'Model',
    isRowHeader: true,
    // The name under the title only when they differ: one line otherwise.
    // Both wrap rather than end in an ellipsis: a title such as
    // "Qwen2.5-0.5B-Instruct (Ollama, Q4_K_M, pr)" is wider than the column
    // at 1440 px, and it is what tells the rows apart.
    cell: m => (
      <ListCellText
        wrap
        title={m.title ?? m.name}
        description={m.title && m.title !== m.name ? m.name : undefined}
      />
    ),
  },
  {
    id: 'location',
    isSortable: true,
    label: 'Location',
    width: 115,
    cell: m => <ListCellText title={m.location} />,
  },
  {
    id: 'engine',
    isSortable: true,
    label: 'Engine',
    width: 150,
    cell: m => (
      <ListCellText
        title={m.engine}
        description={m.features.join(', ') || undefined}
      />
    ),
  },
  {
    id: 'profile',
    label: 'Resource profile',
    width: 200,
    cell: m => <ListCellText title={m.resourceProfile ?? '-'} />,
  },
  {
    id: 'price',
    isSortable: true,
    label: 'In / out per 1M',
    width: 165,
    cell: m => <ListCellText title={priceOf(m)} />,
  },
  {
    id: 'replicas',
    isSortable: true,
    label: 'Replicas',
    width: 110,
    cell: m => (
      <ListCellText
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
    // A warning is read whole: it says what to fix, and is wide enough for
    // an annotation's name (openrouter.ai/json) on one line.
    width: 185,
    cell: m => (
      <ListCellText
        wrap
        title={m.warnings.length ? `${m.status} (warning)` : m.status}
        description={m.warnings.join('; ') || undefined}
      />
    ),
  },
];
