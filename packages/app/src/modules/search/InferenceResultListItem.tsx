import { DefaultResultListItem } from '@backstage/plugin-search-react';
import type { BaseSearchResultListItemProps } from '@backstage/plugin-search-react/alpha';
import { Text } from '@backstage/ui';
import type { ComponentProps } from 'react';

/**
 * The search page hands each result item the engine's highlight next to the
 * result; the blueprint's props type does not list it.
 */
type Props = BaseSearchResultListItemProps<{
  highlight?: ComponentProps<typeof DefaultResultListItem>['highlight'];
}>;

/** A model, customer or server in the results, with its location. */
export function InferenceResultListItem(props: Props) {
  const { result, rank, icon, highlight } = props;
  const location = (result as { inferenceLocation?: string } | undefined)
    ?.inferenceLocation;
  return (
    <DefaultResultListItem
      result={result}
      rank={rank}
      icon={icon}
      highlight={highlight}
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
