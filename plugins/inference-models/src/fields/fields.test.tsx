import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { InferenceModelsApi } from '@internal/backstage-plugin-inference-models-common';
import { screen } from '@testing-library/react';
import { inferenceModelsApiRef } from '../api';
import { InferenceLocationPicker } from './InferenceLocationPicker';
import { ModelPricePreview } from './ModelPricePreview';
import { ResourceProfilePicker } from './ResourceProfilePicker';

const locations = {
  items: [
    {
      name: 'local',
      title: 'Local sandbox',
      domain: 'local.test',
      countryCode: 'RO',
      resourceProfiles: [
        { name: 'nvidia-unlimited', title: 'Modern NVIDIA GPUs', gpu: true },
        { name: 'cpu-unlimited', title: 'Generic CPU', gpu: false },
      ],
    },
    {
      name: 'pr',
      title: 'Puerto Rico',
      domain: 'pr.test',
      countryCode: 'PR',
      resourceProfiles: [{ name: 'nvidia-h100', title: 'H100', gpu: true }],
    },
  ],
};

const api = { listLocations: jest.fn(async () => locations) };
const apis: [typeof inferenceModelsApiRef, InferenceModelsApi][] = [
  [inferenceModelsApiRef, api as unknown as InferenceModelsApi],
];

// The props RJSF passes to a field, reduced to what the fields read.
function fieldProps<T>(extra: Record<string, unknown>) {
  return {
    onChange: jest.fn(),
    schema: { title: 'Field' },
    uiSchema: {},
    formContext: { formData: {} },
    rawErrors: [],
    required: true,
    ...extra,
  } as any as T;
}

describe('ModelPricePreview', () => {
  it('shows the exact per-token prices and an example cost', async () => {
    await renderInTestApp(
      <ModelPricePreview
        {...fieldProps({
          formContext: {
            formData: { promptPricePer1M: '0.15', completionPricePer1M: '24' },
          },
        })}
      />,
    );
    expect(screen.getByText(/0\.00000015/)).toBeInTheDocument();
    expect(screen.getByText(/0\.000024\b/)).toBeInTheDocument();
    // 1000 x 0.00000015 + 500 x 0.000024 = 0.00015 + 0.012 = 0.01215
    expect(
      screen.getByText(/costs \$0\.00015 \+ \$0\.012 = \$0\.01215/),
    ).toBeInTheDocument();
  });

  it('names a price that is not a non-negative decimal', async () => {
    await renderInTestApp(
      <ModelPricePreview
        {...fieldProps({
          formContext: {
            formData: { promptPricePer1M: '-1', completionPricePer1M: '2' },
          },
        })}
      />,
    );
    expect(screen.getByText(/Prompt: “-1” is not a price/)).toBeInTheDocument();
    expect(screen.queryByText(/costs/)).not.toBeInTheDocument();
  });
});

describe('location and resource profile pickers', () => {
  it('offers the configured locations', async () => {
    await renderInTestApp(
      <InferenceLocationPicker
        {...fieldProps({ formData: 'pr', schema: { title: 'Location' } })}
      />,
      { apis },
    );
    expect(
      (await screen.findAllByText('Puerto Rico (pr)')).length,
    ).toBeGreaterThan(0);
    expect(api.listLocations).toHaveBeenCalled();
  });

  it("offers the chosen location's profiles only", async () => {
    await renderInTestApp(
      <ResourceProfilePicker
        {...fieldProps({
          formData: 'nvidia-h100',
          formContext: { formData: { location: 'pr' } },
        })}
      />,
      { apis },
    );
    expect((await screen.findAllByText('H100')).length).toBeGreaterThan(0);
    expect(screen.queryByText('Generic CPU')).not.toBeInTheDocument();
  });

  it('asks for a location first', async () => {
    await renderInTestApp(<ResourceProfilePicker {...fieldProps({})} />, {
      apis,
    });
    expect(
      await screen.findByText(/Choose a location first/),
    ).toBeInTheDocument();
  });
});
