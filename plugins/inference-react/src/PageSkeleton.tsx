import { Flex, Skeleton } from '@backstage/ui';

/**
 * What a page or section shows while it loads: grey blocks where its
 * content will be, instead of a spinner, so the layout does not jump.
 */
export function SectionSkeleton(props: { rows?: number; height?: number }) {
  const rows = props.rows ?? 3;
  return (
    <Flex direction="column" gap="2" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} width="100%" height={props.height ?? 32} />
      ))}
    </Flex>
  );
}
