import { ResponseError } from '@backstage/errors';
import {
  createExtensionTester,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  catalogApiRef,
  entityRouteRef,
  EntityProvider,
} from '@backstage/plugin-catalog-react';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import type { InferenceModelsApi } from '@internal/backstage-plugin-inference-models-common';
import { screen } from '@testing-library/react';
import { inferenceModelsApiRef } from '../../api';
import { inferenceModelsPlugin, locationEntityContent } from '../../plugin';
import { rootRouteRef } from '../../routes';
import { LocationEntityContent } from './LocationEntityContent';

const cluster = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'stalpeni',
    namespace: 'stalpeni',
    annotations: { 'inference.bros/location': 'stalpeni' },
  },
  spec: {
    type: 'kubernetes-cluster',
    owner: 'group:default/sre',
    location: 'stalpeni',
  },
};

const gateway = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: {
    name: 'gateway',
    namespace: 'stalpeni',
    annotations: {
      'inference.bros/gateway-url': 'http://bifrost.stalpeni.test/v1',
    },
  },
  spec: { type: 'openai' },
};

const model = (name: string, overrides: object = {}) => ({
  location: 'stalpeni',
  name,
  engine: 'VLLM',
  url: `hf://org/${name}`,
  features: ['TextGeneration'],
  replicas: { desired: 2, ready: 2 },
  status: 'Ready',
  warnings: [],
  ...overrides,
});

const models = {
  items: [
    model('qwen25-05b-instruct', {
      pricing: { prompt: '0.0000001', completion: '0.0000003' },
    }),
    model('nomic-embed', {
      engine: 'OLlama',
      status: 'Scaling',
      replicas: { desired: 1, ready: 0 },
    }),
  ],
  errors: [],
  total: 2,
  offset: 0,
  limit: 100,
};

const overview = {
  items: [
    {
      location: 'local',
      title: 'Local',
      cluster: { system: 'kubernetes', reachable: true, latencyMs: 3 },
    },
    {
      location: 'stalpeni',
      title: 'Stalpeni',
      cluster: { system: 'kubernetes', reachable: true, latencyMs: 12 },
      models: {
        total: 2,
        ready: 1,
        scaledToZero: 0,
        notReady: ['nomic-embed'],
        notReadyCount: 1,
        replicas: { ready: 2, desired: 3 },
      },
    },
  ],
};

async function refused(status: number, message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'NotAllowedError', message },
        response: { statusCode: status },
      }),
      { status, headers: { 'content-type': 'application/json' } },
    ),
  );
}

function apis(options: {
  listModels?: () => Promise<object>;
  getModelsOverview?: () => Promise<object>;
}) {
  const modelsApi = {
    listModels: jest.fn(
      options.listModels ??
        (async (_request?: { query?: object }) => models as object),
    ),
    getModelsOverview: jest.fn(
      options.getModelsOverview ?? (async () => overview as object),
    ),
  };
  const catalogApi = {
    getEntityByRef: jest.fn(async (ref: string) =>
      ref === 'api:stalpeni/gateway' ? gateway : undefined,
    ),
  };
  return { modelsApi, catalogApi };
}

async function render(
  { modelsApi, catalogApi }: ReturnType<typeof apis>,
  element = <LocationEntityContent />,
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [inferenceModelsApiRef, modelsApi as unknown as InferenceModelsApi],
        [catalogApiRef, catalogApi],
      ]}
    >
      <EntityProvider entity={cluster}>{element}</EntityProvider>
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/inference/models': rootRouteRef,
      },
    },
  );
}

describe('LocationEntityContent', () => {
  it("lists the location's Models, asked of the backend for that location only, each linking to its entity", async () => {
    const mocks = apis({});
    await render(mocks);
    const qwen = await screen.findByRole('link', {
      name: 'qwen25-05b-instruct',
    });
    expect(mocks.modelsApi.listModels).toHaveBeenCalledWith({
      query: { location: 'stalpeni', limit: 100 },
    });
    expect(qwen).toHaveAttribute(
      'href',
      '/catalog/stalpeni/resource/qwen25-05b-instruct',
    );
    expect(screen.getByRole('link', { name: 'nomic-embed' })).toHaveAttribute(
      'href',
      '/catalog/stalpeni/resource/nomic-embed',
    );
    expect(screen.getByText('Models (2)')).toBeInTheDocument();
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent(
      /qwen25-05b-instruct.*VLLM.*Ready.*2 \/ 2.*\$0\.10 \/ \$0\.30/,
    );
    expect(rows[1]).toHaveTextContent(/nomic-embed.*OLlama.*Scaling.*0 \/ 1/);
    expect(rows[1]).toHaveTextContent('no price');
    expect(
      screen.getByRole('link', { name: /Models of stalpeni on the Models/ }),
    ).toHaveAttribute('href', '/inference/models?location=stalpeni');
  });

  it('shows the gateway URL, a link to its API entity and how the cluster answers', async () => {
    await render(apis({}));
    expect(
      await screen.findByText('http://bifrost.stalpeni.test/v1'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'API entity api:stalpeni/gateway' }),
    ).toHaveAttribute('href', '/catalog/stalpeni/api/gateway');
    expect(await screen.findByLabelText('Kubernetes API')).toHaveTextContent(
      'reachable, 12 ms',
    );
    expect(screen.getByLabelText('Models ready')).toHaveTextContent(
      '1 of 2 (replicas 2 / 3)',
    );
  });

  it("shows the location's error, naming location and system, when its cluster cannot be read", async () => {
    const message =
      'location stalpeni: kubernetes: list Models failed: connect ECONNREFUSED';
    await render(
      apis({
        listModels: async () => ({
          items: [],
          errors: [{ location: 'stalpeni', system: 'kubernetes', message }],
          total: 0,
          offset: 0,
          limit: 100,
        }),
        getModelsOverview: async () => ({
          items: [
            {
              location: 'stalpeni',
              title: 'Stalpeni',
              cluster: {
                system: 'kubernetes',
                reachable: false,
                error: message,
              },
            },
          ],
        }),
      }),
    );
    expect(await screen.findAllByText(message)).toHaveLength(2);
    expect(screen.queryAllByRole('row')).toHaveLength(0);
    expect(screen.queryByText(/No Models in stalpeni/)).not.toBeInTheDocument();
  });

  it('names the location and the backend when the call is refused', async () => {
    await render(
      apis({
        listModels: async () => {
          throw await refused(403, 'Permission inference.model.read required');
        },
      }),
    );
    expect(
      await screen.findByText(
        'Location stalpeni: inference-models backend: Permission inference.model.read required',
      ),
    ).toBeInTheDocument();
    expect(screen.queryAllByRole('row')).toHaveLength(0);
  });

  it('shows skeletons while the Models load', async () => {
    await render(apis({ listModels: () => new Promise(() => {}) }));
    expect(await screen.findByLabelText('Loading')).toBeInTheDocument();
    expect(screen.queryAllByRole('row')).toHaveLength(0);
  });

  it('shows the cards attached to it when their filter accepts the entity', async () => {
    await render(
      apis({}),
      <LocationEntityContent
        cards={[
          { element: <p>servers card</p> },
          { element: <p>hidden card</p>, filter: () => false },
        ]}
      />,
    );
    expect(await screen.findByText('servers card')).toBeInTheDocument();
    expect(screen.queryByText('hidden card')).not.toBeInTheDocument();
  });

  it('is the Location tab of kubernetes-cluster entities only, under the id other plugins attach cards to', () => {
    expect(
      inferenceModelsPlugin.getExtension(
        'entity-content:inference-models/location',
      ),
    ).toBeDefined();
    const tester = createExtensionTester(locationEntityContent);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Location');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    type Entity = Parameters<NonNullable<typeof filter>>[0];
    expect(filter?.(cluster as Entity)).toBe(true);
    expect(filter?.({ ...cluster, spec: { type: 'ai-model' } } as Entity)).toBe(
      false,
    );
    expect(filter?.({ ...cluster, kind: 'Component' } as Entity)).toBe(false);
  });
});
