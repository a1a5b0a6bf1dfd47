import {

  CellText,
  Table,
  useTable,
  type ColumnConfig,
} from '@backstage/ui';
import type { ModelSummary } from '@internal/backstage-plugin-inference-models-common';

const columns: ColumnConfig<ModelSummary & { id: string }>[] = [
  {
    id: 'name',
    label: 'Model',
    isRowHeader: true,
    cell: m => <CellText title={m.name} description={m.url} />,
  },
  {
    id: 'location',
    label: 'Location',
    cell: m => <CellText title={m.location} />,
  },
  {
    id: 'engine',
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
    id: 'replicas',
    label: 'Ready / desired',
    cell: m => <CellText title={`${m.replicas.ready} / ${m.replicas.desired}`} />,
  },
  {
    id: 'status',
    label: 'Status',
    cell: m => <CellText title={m.status} />,
  },
];

export const ModelsTable = ({ models }: { models: ModelSummary[] }) => {
  const data = models.map(m => ({ ...m, id: `${m.location}/${m.name}` }));
  const { tableProps } = useTable({
    mode: 'complete',
    data,
    paginationOptions: { pageSize: data.length || 1 },
  });
  return (
    <Table columnConfig={columns} {...tableProps} pagination={{ type: 'none' }} />
  );
};

