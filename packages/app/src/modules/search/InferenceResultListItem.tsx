import {
  DefaultResultListItem,
  useSearch,
  useSearchContextCheck,
} from '@backstage/plugin-search-react';
import type { BaseSearchResultListItemProps } from '@backstage/plugin-search-react/alpha';
import { Text } from '@backstage/ui';
import type { ComponentProps } from 'react';
import { markQuery } from './markQuery';

type Highlight = ComponentProps<typeof DefaultResultListItem>['highlight'];

/**
 * The search page hands each result item the engine's highlight next to the
 * result; the blueprint's props type does not list it.
 */
type Props = BaseSearchResultListItemProps<{ highlight?: Highlight }>;

/**
 * A model, customer or server in the results, with its location; the
 * highlight marks the query's words (see markQuery). Outside a search
 * context (no query known) it shows the engine's highlight as it is.
 */
export function InferenceResultListItem(props: Props) {
  return useSearchContextCheck() ? (
    <ItemOfQuery {...props} />
  ) : (
    <Item {...props} term={undefined} />
  );
}

function ItemOfQuery(props: Props) {
  const { term } = useSearch();
  return <Item {...props} term={term} />;
}

function Item(props: Props & { term: string | undefined }) {
  const { result, rank, icon, highlight, term } = props;
  const location = (result as { inferenceLocation?: string } | undefined)
    ?.inferenceLocation;
  return (
    <DefaultResultListItem
      result={result}
      rank={rank}
      icon={icon}
      highlight={term ? ofQuery(highlight, term) : highlight}
      secondaryAction={
        location ? (
          <Text variant="body-small" color="secondary">
            location {location}
          </Text>
        ) : undefined
      }
    />
  );
}

function ofQuery(highlight: Highlight, term: string): Highlight {
  if (!highlight) return highlight;
  const { preTag, postTag } = highlight;
  return {
    ...highlight,
    fields: Object.fromEntries(
      Object.entries(highlight.fields).map(([field, highlighted]) => [
        field,
        markQuery({ highlighted, preTag, postTag, term }),
      ]),
    ),
  };
}
