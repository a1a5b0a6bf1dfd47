import { DefaultResultListItem } from '@backstage/plugin-search-react';
import type { BaseSearchResultListItemProps } from '@backstage/plugin-search-react/alpha';
import { Text } from '@backstage/ui';

/** A model, customer or server in the results, with its location. */
export function InferenceResultListItem(props: BaseSearchResultListItemProps) {
  const { result, rank, icon } = props;
  const location = (result as { inferenceLocation?: string } | undefined)
    ?.inferenceLocation;
  return (
    <DefaultResultListItem
      result={result}
      rank={rank}
      icon={icon}
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
