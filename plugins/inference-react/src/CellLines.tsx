import { Cell, Text } from '@backstage/ui';

/**
 * A table cell with one line per item (GPU products, Model names), so that
 * no item is cut however many there are; `-` when there is none.
 */
export function CellLines(props: { lines: string[]; label: string }) {
  return (
    <Cell>
      <div aria-label={props.label}>
        {props.lines.length === 0 ? (
          <Text as="p">-</Text>
        ) : (
          props.lines.map(line => (
            <Text as="p" variant="body-medium" key={line}>
              {line}
            </Text>
          ))
        )}
      </div>
    </Cell>
  );
}
