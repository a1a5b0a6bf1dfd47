import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { Select, Text } from '@backstage/ui';
import { useLocations } from './useLocations';

type Options = {
  /** The form field holding the location (default `location`). */
  locationField?: string;
};

/**
 * `ui:field: ResourceProfilePicker`: a KubeAI resource profile offered by the
 * location chosen in another field of the form.
 */
export function ResourceProfilePicker(
  props: FieldExtensionComponentProps<string, Options>,
) {
  const { formData, onChange, schema, uiSchema, rawErrors, required } = props;
  const field = uiSchema['ui:options']?.locationField ?? 'location';
  const location = (
    props.formContext?.formData as Record<string, unknown> | undefined
  )?.[field] as string | undefined;
  const { value: locations, loading, error } = useLocations();
  if (error) {
    return (
      <Text color="danger">
        Resource profiles could not be read: {error.message}
      </Text>
    );
  }
  const profiles =
    locations?.find(l => l.name === location)?.resourceProfiles ?? [];
  return (
    <Select
      label={schema.title ?? 'Resource profile'}
      description={
        location
          ? schema.description
          : 'Choose a location first: each offers its own profiles.'
      }
      isRequired={required}
      isDisabled={loading || !location}
      isInvalid={Boolean(rawErrors?.length)}
      placeholder="Choose a profile"
      options={profiles.map(p => ({
        id: p.name,
        label: p.title,
        description: p.gpu ? `${p.name} (GPU)` : `${p.name} (CPU only)`,
      }))}
      value={formData ?? null}
      onChange={key => onChange(key === null ? undefined : String(key))}
    />
  );
}
