import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { InferenceModelsApi } from '@internal/backstage-plugin-inference-models-common';
import { screen } from '@testing-library/react';
import { inferenceModelsApiRef } from '../../api';
import { ModelsPage } from './ModelsPage';
import { perMillionTokens } from './ModelsTable';

type ModelList = Awaited<ReturnType<InferenceModelsApi['listModels']>>;

/** The API ref mocked: listModels answers with `pages(request)`. */
function mockApi(
  listModels: (
    request: Parameters<InferenceModelsApi['listModels']>[0],
  ) => Promise<ModelList>,
) {
  const api = { listModels: jest.fn(listModels) };
  return {
    api,
    apis: [[inferenceModelsApiRef, api as unknown as InferenceModelsApi]] as [
      typeof inferenceModelsApiRef,
      InferenceModelsApi,
    ][],
  };
}

describe('perMillionTokens', () => {
  it.each([
    ['0.000008', '8'],
    ['0.000024', '24'],
    ['0.00000005', '0.05'],
    ['0.0000001234567', '0.1234567'],
    ['0', '0'],
    ['1.5', '1500000'],
  ])('%s per token is $%s per million', (perToken, perMillion) => {
    expect(perMillionTokens(perToken)).toBe(perMillion);
  });
});

describe('ModelsPage', () => {
  it('lists models of every location and the locations that failed', async () => {
    const { api, apis } = mockApi(async () => ({
      items: [
        {
          location: 'local',
          name: 'qwen25-05b-instruct',
          engine: 'VLLM',
          url: 'hf://Qwen/Qwen2.5-0.5B-Instruct',
          features: ['TextGeneration'],
          resourceProfile: 'nvidia-older-unlimited:1',
          replicas: { desired: 2, ready: 1 },
          status: 'Scaling',
          title: 'Qwen2.5-0.5B-Instruct',
          pricing: { prompt: '0.000008', completion: '0.000024' },
          warnings: [],
        },
        {
          location: 'local',
          name: 'hand-made',
          engine: 'VLLM',
          url: 'hf://x/y',
          features: ['TextGeneration'],
          replicas: { desired: 1, ready: 1 },
          status: 'Ready',
          warnings: ['annotation openrouter.ai/json is missing'],
        },
      ],
      errors: [
        {
          location: 'stalpeni',
          system: 'kubernetes',
          message:
            'location stalpeni: kubernetes: list Models timed out after 10000 ms',
        },
      ],
      total: 2,
      offset: 0,
      limit: 1000,
    }));
    await renderInTestApp(<ModelsPage />, { apis });
    expect(
      await screen.findByText('Qwen2.5-0.5B-Instruct'),
    ).toBeInTheDocument();
    expect(screen.getByText('qwen25-05b-instruct')).toBeInTheDocument();
    expect(screen.getByText('$8 / $24')).toBeInTheDocument();
    expect(screen.getByText('Ready (warning)')).toBeInTheDocument();
    expect(
      screen.getByText('annotation openrouter.ai/json is missing'),
    ).toBeInTheDocument();
    expect(screen.getByText('1 / 2')).toBeInTheDocument();
    expect(screen.getByText('Scaling')).toBeInTheDocument();
    expect(
      screen.getByText(
        'location stalpeni: kubernetes: list Models timed out after 10000 ms',
      ),
    ).toBeInTheDocument();
    expect(api.listModels).toHaveBeenCalledWith({ query: { limit: 1000 } });
  });

  it('reads a paged list to the end', async () => {
    const model = (name: string): ModelList['items'][number] => ({
      location: 'local',
      name,
      engine: 'VLLM',
      url: `hf://org/${name}`,
      features: ['TextGeneration'],
      replicas: { desired: 1, ready: 1 },
      status: 'Ready',
      warnings: [],
    });
    const pages: ModelList[] = [
      {
        items: [model('alpha')],
        errors: [],
        total: 2,
        offset: 0,
        limit: 1,
        nextOffset: 1,
      },
      { items: [model('beta')], errors: [], total: 2, offset: 1, limit: 1 },
    ];
    const { api, apis } = mockApi(
      async request => pages[request?.query?.offset ?? 0],
    );
    await renderInTestApp(<ModelsPage />, { apis });
    expect(
      await screen.findByText('2 models in 1 location(s)'),
    ).toBeInTheDocument();
    expect(screen.getAllByText('alpha').length).toBeGreaterThan(0);
    expect(screen.getAllByText('beta').length).toBeGreaterThan(0);
    expect(api.listModels.mock.calls.map(c => c[0])).toEqual([
      { query: { limit: 1000 } },
      { query: { limit: 1000, offset: 1 } },
    ]);
  });

  it('shows the error when the backend refuses', async () => {
    const { apis } = mockApi(async () => {
      throw await ResponseError.fromResponse(
        new Response(
          JSON.stringify({
            error: {
              name: 'NotAllowedError',
              message: 'Permission inference.model.read is required',
            },
          }),
          { status: 403, headers: { 'content-type': 'application/json' } },
        ),
      );
    });
    await renderInTestApp(<ModelsPage />, { apis });
    expect(
      await screen.findAllByText(/Permission inference.model.read is required/),
    ).not.toHaveLength(0);
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});
