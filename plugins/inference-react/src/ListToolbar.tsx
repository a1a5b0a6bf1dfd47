import { Flex, SearchField, Select } from '@backstage/ui';
import { memo, type ReactNode } from 'react';

/** One filter of a list: a select whose empty choice means "all". */
export interface ListFilter {
  name: string;
  label: string;
  options: ReadonlyArray<{ id: string; label: string }>;
  value?: string;
  onChange(value: string | undefined): void;
}

const ALL = '__all__';

/**
 * The filters' selects, drawn again only when a filter changes: a keystroke
 * in the search box or a new page of rows leaves them as they are.
 */
const ListFilters = memo(function FilterSelects(props: {
  filters: ListFilter[];
}) {
  return (
    <>
      {props.filters.map(filter => (
        <Select
          key={filter.name}
          label={filter.label}
          options={[
            { id: ALL, label: `All` },
            ...filter.options.map(o => ({ id: o.id, label: o.label })),
          ]}
          value={filter.value ?? ALL}
          onChange={key =>
            filter.onChange(
              key === null || key === ALL ? undefined : String(key),
            )
          }
          style={{ minWidth: 160 }}
        />
      ))}
    </>
  );
});

/**
 * The search box and filters above a table, and the page's actions on the
 * right. Every list page uses it, so they look and behave alike.
 */
export function ListToolbar(props: {
  search: { label: string; value: string; onChange(value: string): void };
  filters?: ListFilter[];
  actions?: ReactNode;
}) {
  return (
    <Flex gap="3" align="end" justify="between" style={{ flexWrap: 'wrap' }}>
      <Flex gap="3" align="end" style={{ flexWrap: 'wrap' }}>
        <SearchField
          aria-label={props.search.label}
          placeholder={props.search.label}
          value={props.search.value}
          onChange={props.search.onChange}
          style={{ minWidth: 260 }}
        />
        {props.filters && <ListFilters filters={props.filters} />}
      </Flex>
      {props.actions && <Flex gap="2">{props.actions}</Flex>}
    </Flex>
  );
}
