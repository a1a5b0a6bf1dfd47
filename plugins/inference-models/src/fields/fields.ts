import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { InferenceLocationPicker } from './InferenceLocationPicker';
import { ModelPricePreview } from './ModelPricePreview';
import { ResourceProfilePicker } from './ResourceProfilePicker';

export const inferenceLocationPicker = createFormField({
  name: 'InferenceLocationPicker',
  component: InferenceLocationPicker,
});

export const resourceProfilePicker = createFormField({
  name: 'ResourceProfilePicker',
  component: ResourceProfilePicker,
});

export const modelPricePreview = createFormField({
  name: 'ModelPricePreview',
  component: ModelPricePreview,
});
