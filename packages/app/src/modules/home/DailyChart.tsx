/**
 * A small bar chart of this month's daily values beside the same days of
 * last month, in plain SVG (no chart library for a dozen bars).
 */
export function DailyChart(props: {
  label: string;
  thisMonth: ReadonlyArray<{ day: string; value: number }>;
  lastMonth: ReadonlyArray<{ day: string; value: number }>;
  width?: number;
  height?: number;
}) {
  const { thisMonth, lastMonth, width = 240, height = 48 } = props;
  const days = Math.max(thisMonth.length, lastMonth.length, 1);
  const max = Math.max(
    1,
    ...thisMonth.map(d => d.value),
    ...lastMonth.map(d => d.value),
  );
  const slot = width / days;
  const bar = Math.max(1, slot / 2 - 1);
  const h = (v: number) => Math.round((v / max) * (height - 2));
  return (
    <svg
      role="img"
      aria-label={props.label}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
    >
      <title>{props.label}</title>
      {lastMonth.map((d, i) => (
        <rect
          key={`last-${d.day}`}
          x={i * slot}
          y={height - h(d.value)}
          width={bar}
          height={h(d.value)}
          fill="currentColor"
          opacity={0.3}
        >
          <title>{`${d.day}: ${d.value}`}</title>
        </rect>
      ))}
      {thisMonth.map((d, i) => (
        <rect
          key={`this-${d.day}`}
          x={i * slot + bar + 1}
          y={height - h(d.value)}
          width={bar}
          height={h(d.value)}
          fill="currentColor"
        >
          <title>{`${d.day}: ${d.value}`}</title>
        </rect>
      ))}
    </svg>
  );
}
