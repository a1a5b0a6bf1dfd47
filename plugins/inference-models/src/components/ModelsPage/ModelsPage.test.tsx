import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { InferenceModelsApi } from '@internal/backstage-plugin-inference-models-common';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { inferenceModelsApiRef } from '../../api';
import {
  LIST_PAGE_SIZE,
  prefetchListPage,
} from '@internal/backstage-plugin-inference-react';
import { MODEL_FILTERS, MODELS_LIST, modelsLoader } from './modelsList';
import { ModelsPage } from './ModelsPage';
import { perMillionTokens } from './ModelsTable';

type ModelList = Awaited<ReturnType<InferenceModelsApi['listModels']>>;

// The list's table, with its renders counted.
jest.mock('@internal/backstage-plugin-inference-react/src/ListTable', () => {
  const actual = jest.requireActual(
    '@internal/backstage-plugin-inference-react/src/ListTable',
  );
  return {
    ...actual,
    ListTable: jest.fn((props: object) =>
      jest.requireActual('react').createElement(actual.ListTable, props),
    ),
  };
});
const tableRenders = () =>
  (
    jest.requireMock(
      '@internal/backstage-plugin-inference-react/src/ListTable',
    ) as { ListTable: jest.Mock }
  ).ListTable.mock.calls.length;

/** The API ref mocked: listModels answers with `listModels(request)`. */
function mockApi(
  listModels: (
    request: Parameters<InferenceModelsApi['listModels']>[0],
    options?: Parameters<InferenceModelsApi['listModels']>[1],
  ) => Promise<ModelList>,
) {
  const api = {
    listModels: jest.fn(listModels),
    listLocations: jest.fn(async () => ({
      items: [
        {
          name: 'local',
          title: 'Local sandbox',
          domain: 'local.test',
          countryCode: 'RO',
          resourceProfiles: [],
        },
        {
          name: 'pr',
          title: 'Puerto Rico',
          domain: 'pr.test',
          countryCode: 'PR',
          resourceProfiles: [],
        },
      ],
    })),
  };
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

const model = (
  name: string,
  location = 'local',
): ModelList['items'][number] => ({
  location,
  name,
  engine: 'VLLM',
  url: `hf://org/${name}`,
  features: ['TextGeneration'],
  replicas: { desired: 1, ready: 1 },
  status: 'Ready',
  warnings: [],
});

const page = (items: ModelList['items'], total = items.length): ModelList => ({
  items,
  errors: [],
  total,
  offset: 0,
  limit: 20,
});

const render = (apis: ReturnType<typeof mockApi>['apis'], url = '/') =>
  renderInTestApp(<ModelsPage />, {
    apis,
    initialRouteEntries: [url],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
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
      limit: 20,
    }));
    await render(apis);
    expect(
      await screen.findByText('Qwen2.5-0.5B-Instruct'),
    ).toBeInTheDocument();
    expect(screen.getByText('qwen25-05b-instruct')).toBeInTheDocument();
    // Per 1M tokens, in the currency of the prices.
    expect(screen.getByText('$8.00 / $24.00')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Models' })).toBeInTheDocument();
    expect(screen.getByText('Ready (warning)')).toBeInTheDocument();
    expect(
      screen.getByText('annotation openrouter.ai/json is missing'),
    ).toBeInTheDocument();
    expect(screen.getByText('1 / 2')).toBeInTheDocument();
    expect(screen.getByText('Scaling')).toBeInTheDocument();
    expect(screen.getByText('2 models')).toBeInTheDocument();
    expect(
      screen.getByText(
        'location stalpeni: kubernetes: list Models timed out after 10000 ms',
      ),
    ).toBeInTheDocument();
    expect(api.listModels).toHaveBeenCalledWith(
      { query: { limit: 20 } },
      expect.objectContaining({ signal: expect.anything() }),
    );
  });

  it('links each row to the Model entity of its location', async () => {
    const { apis } = mockApi(async () => page([model('gemma', 'pr')]));
    await render(apis);
    const cell = await screen.findByText('gemma');
    expect(cell.closest('[data-href]')?.getAttribute('data-href')).toBe(
      '/catalog/pr/resource/gemma',
    );
  });

  it('asks the backend for the view the URL holds: search, location, engine, feature', async () => {
    const { api, apis } = mockApi(async () => page([model('qwen-a', 'pr')]));
    await render(
      apis,
      '/?q=qwen&location=pr&engine=VLLM&feature=TextGeneration',
    );
    expect(await screen.findByText('qwen-a')).toBeInTheDocument();
    expect(api.listModels).toHaveBeenLastCalledWith(
      {
        query: {
          limit: 20,
          q: 'qwen',
          location: 'pr',
          engine: 'VLLM',
          feature: 'TextGeneration',
        },
      },
      expect.anything(),
    );
    expect(screen.getByText('1 model match')).toBeInTheDocument();
  });

  it('asks the backend for the status filter and the sort the URL holds', async () => {
    const { api, apis } = mockApi(async () => page([model('qwen-a', 'pr')]));
    await render(apis, '/?status=Scaling&sort=price&order=desc');
    expect(await screen.findByText('qwen-a')).toBeInTheDocument();
    expect(api.listModels).toHaveBeenLastCalledWith(
      {
        query: {
          limit: 20,
          status: 'Scaling',
          sort: 'price',
          order: 'desc',
        },
      },
      expect.anything(),
    );
  });

  it('sorts in the backend when a column header is pressed', async () => {
    const { api, apis } = mockApi(async () => page([model('a'), model('b')]));
    await render(apis);
    expect(await screen.findByText('2 models')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('columnheader', { name: /Engine/ }));
    await waitFor(() =>
      expect(api.listModels).toHaveBeenLastCalledWith(
        { query: { limit: 20, sort: 'engine', order: 'asc' } },
        expect.anything(),
      ),
    );
  });

  it('searches in the backend as the user types', async () => {
    const { api, apis } = mockApi(async request =>
      request?.query?.q
        ? page([model('gemma3')])
        : page([model('a'), model('b')]),
    );
    await render(apis);
    expect(await screen.findByText('2 models')).toBeInTheDocument();
    fireEvent.change(screen.getByRole('searchbox'), {
      target: { value: 'gemma' },
    });
    expect(await screen.findByText('gemma3')).toBeInTheDocument();
    await waitFor(() =>
      expect(api.listModels).toHaveBeenLastCalledWith(
        { query: { limit: 20, q: 'gemma' } },
        expect.anything(),
      ),
    );
  });

  it('shows the first page its route prefetched for the URL, without asking again', async () => {
    const { api, apis } = mockApi(async () => page([model('early')]));
    const url = '/?engine=VLLM&sort=price&order=desc';
    prefetchListPage({
      list: MODELS_LIST,
      filters: MODEL_FILTERS,
      pageSize: LIST_PAGE_SIZE,
      load: modelsLoader(api as unknown as InferenceModelsApi),
      search: url.slice(1),
    });
    await render(apis, url);
    expect(await screen.findByText('1 model match')).toBeInTheDocument();
    expect(screen.getByText('early')).toBeInTheDocument();
    expect(api.listModels).toHaveBeenCalledTimes(1);
    expect(api.listModels).toHaveBeenCalledWith(
      {
        query: { limit: 20, engine: 'VLLM', sort: 'price', order: 'desc' },
      },
      expect.anything(),
    );
  });

  it('draws the rows once per answer, not again when the location list arrives', async () => {
    const { api, apis } = mockApi(async () => page([model('a'), model('b')]));
    const locations = await api.listLocations();
    let answerLocations!: () => void;
    api.listLocations.mockImplementation(
      () =>
        new Promise<typeof locations>(resolve => {
          answerLocations = () => resolve(locations);
        }),
    );
    await render(apis);
    expect(await screen.findByText('2 models')).toBeInTheDocument();
    const drawn = tableRenders();
    expect(drawn).toBeGreaterThan(0);
    await act(async () => answerLocations());
    expect(tableRenders()).toBe(drawn);
  });

  it('asks at once for every keystroke and drops the answer to the previous one', async () => {
    const signals: AbortSignal[] = [];
    const { api, apis } = mockApi(async (request, options) => {
      if (request?.query?.q && options?.signal) signals.push(options.signal);
      // The answer to `g` never comes: only aborting it lets `ge` show.
      if (request?.query?.q === 'g') return new Promise<ModelList>(() => {});
      return request?.query?.q
        ? page([model('gemma3')])
        : page([model('a'), model('b')]);
    });
    await render(apis);
    expect(await screen.findByText('2 models')).toBeInTheDocument();
    const box = screen.getByRole('searchbox');
    // No debounce: the request leaves with the keystroke's render, before
    // any timer could fire.
    await act(async () => {
      fireEvent.change(box, { target: { value: 'g' } });
    });
    expect(api.listModels).toHaveBeenLastCalledWith(
      { query: { limit: 20, q: 'g' } },
      expect.anything(),
    );
    fireEvent.change(box, { target: { value: 'ge' } });
    expect(await screen.findByText('gemma3')).toBeInTheDocument();
    expect(signals.map(s => s.aborted)).toEqual([true, false]);
  });

  it('pages in the backend: the next page asks for the next offset', async () => {
    const { api, apis } = mockApi(async request =>
      page([model(`m-${request?.query?.offset ?? 0}`)], 60),
    );
    await render(apis);
    expect(await screen.findByText('m-0')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: /next/i }));
    expect(await screen.findByText('m-20')).toBeInTheDocument();
    expect(api.listModels).toHaveBeenLastCalledWith(
      { query: { limit: 20, offset: 20 } },
      expect.anything(),
    );
  });

  it('says what to do when there is nothing to show', async () => {
    const { apis } = mockApi(async () => page([]));
    await render(apis);
    expect(
      await screen.findByText(/No Models in any location yet/),
    ).toBeInTheDocument();
  });

  it('says how to get back when the filters match nothing', async () => {
    const { apis } = mockApi(async () => page([]));
    await render(apis, '/?engine=Infinity');
    expect(
      await screen.findByText(/No models match this search and these filters/),
    ).toBeInTheDocument();
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
    await render(apis);
    expect(
      await screen.findAllByText(/Permission inference.model.read is required/),
    ).not.toHaveLength(0);
  });
});
