import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';

/** `ui:field: InferenceLocationPicker` for templates. */
export const inferenceLocationPickerField = FormFieldBlueprint.make({
  name: 'inference-location-picker',
  params: {
    field: () => import('./fields').then(m => m.inferenceLocationPicker),
  },
});

/** `ui:field: ResourceProfilePicker` for templates. */
export const resourceProfilePickerField = FormFieldBlueprint.make({
  name: 'resource-profile-picker',
  params: {
    field: () => import('./fields').then(m => m.resourceProfilePicker),
  },
});

/** `ui:field: ModelPricePreview` for templates. */
export const modelPricePreviewField = FormFieldBlueprint.make({
  name: 'model-price-preview',
  params: {
    field: () => import('./fields').then(m => m.modelPricePreview),
  },
});
