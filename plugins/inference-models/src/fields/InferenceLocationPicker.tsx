import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { Select, Text } from '@backstage/ui';
import { useLocations } from './useLocations';

/**
 * `ui:field: InferenceLocationPicker`: one of the locations configured in
 * `inference.locations` (the value is the location name).
 */
export function InferenceLocationPicker(
  props: FieldExtensionComponentProps<string>,
) {
  const { formData, onChange, schema, rawErrors, required, disabled } = props;
  const { value: locations, loading, error } = useLocations();
  if (error) {
    return (
      <Text color="danger">Locations could not be read: {error.message}</Text>
    );
  }
  return (
    <Select
      label={schema.title ?? 'Location'}
      description={schema.description}
      isRequired={required}
      isDisabled={disabled || loading}
      isInvalid={Boolean(rawErrors?.length)}
      placeholder={loading ? 'Loading locations…' : 'Choose a location'}
      options={(locations ?? []).map(l => ({
        id: l.name,
        label: `${l.title} (${l.name})`,
        description: l.domain,
      }))}
      value={formData ?? null}
      onChange={key => onChange(key === null ? undefined : String(key))}
    />
  );
}
