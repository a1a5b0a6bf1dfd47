/**
 * The location filter of a list page: one choice per configured location,
 * named by its title and its name (`Puerto Rico (pr)`), none until the
 * locations are known.
 */
export function locationFilter(
  locations: ReadonlyArray<{ name: string; title: string }> | undefined,
): {
  name: 'location';
  label: string;
  options: Array<{ id: string; label: string }>;
} {
  return {
    name: 'location',
    label: 'Location',
    options: (locations ?? []).map(l => ({
      id: l.name,
      label: `${l.title} (${l.name})`,
    })),
  };
}
