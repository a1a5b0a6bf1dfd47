import { ResponseError } from '@backstage/errors';
import {
  createExtensionTester,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  entityRouteRef,
  EntityProvider,
} from '@backstage/plugin-catalog-react';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import type { BareMetalApi } from '@internal/backstage-plugin-bare-metal-common';
import { screen } from '@testing-library/react';
import { bareMetalApiRef } from '../../api';
import { locationServersCard } from '../../plugin';
import { rootRouteRef } from '../../routes';
import { LocationServersCard } from './LocationServersCard';

const cluster = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'stalpeni',
    namespace: 'stalpeni',
    annotations: { 'inference.bros/location': 'stalpeni' },
  },
  spec: { type: 'kubernetes-cluster', owner: 'group:default/sre' },
};

const server = (name: string, overrides: object = {}) => ({
  location: 'stalpeni',
  name,
  address: `10.0.0.${name.slice(-1)}`,
  roles: ['agent'],
  membership: 'managed',
  ready: true,
  gpus: [],
  modelPods: [],
  ...overrides,
});

const nodes = {
  total: 3,
  offset: 0,
  items: [
    server('gpu1', {
      gpus: [
        {
          vendor: 'nvidia',
          product: 'NVIDIA-A100-SXM4-80GB',
          count: 4,
          allocated: 3,
        },
      ],
      modelPods: [
        {
          name: 'model-qwen-1',
          model: 'qwen25-05b-instruct',
          phase: 'Running',
          ready: true,
        },
        {
          name: 'model-qwen-2',
          model: 'qwen25-05b-instruct',
          phase: 'Running',
          ready: true,
        },
        {
          name: 'model-llama-1',
          model: 'llama-31-8b',
          phase: 'Running',
          ready: true,
        },
      ],
    }),
    server('gpu2', {
      cordoned: true,
      gpus: [
        {
          vendor: 'nvidia',
          product: 'NVIDIA-L4',
          count: 2,
          allocated: 0,
        },
      ],
    }),
    server('cpu1', { membership: 'not-in-cluster', ready: undefined }),
  ],
  summaries: [
    {
      location: 'stalpeni',
      gpus: [
        { product: 'NVIDIA-A100-SXM4-80GB', total: 4, free: 1 },
        { product: 'NVIDIA-L4', total: 2, free: 2 },
      ],
    },
  ],
  errors: [],
};

/** The API ref mocked: listNodes answers `body`, or fails with `status`. */
function nodesApi(body: object, status = 200) {
  return {
    listNodes: jest.fn(async (_request?: { query?: { location?: string } }) => {
      if (status >= 400) {
        throw await ResponseError.fromResponse(
          new Response(JSON.stringify(body), {
            status,
            headers: { 'content-type': 'application/json' },
          }),
        );
      }
      return body;
    }),
  };
}

async function render(api: ReturnType<typeof nodesApi>) {
  await renderInTestApp(
    <TestApiProvider apis={[[bareMetalApiRef, api as unknown as BareMetalApi]]}>
      <EntityProvider entity={cluster}>
        <LocationServersCard />
      </EntityProvider>
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/inference/nodes': rootRouteRef,
      },
    },
  );
}

describe('LocationServersCard', () => {
  it("lists the location's servers, asked for that location only, with GPUs in use per product and links to each server", async () => {
    const api = nodesApi(nodes);
    await render(api);
    const gpu1 = await screen.findByRole('link', { name: /gpu1/ });
    expect(api.listNodes).toHaveBeenCalledWith({
      query: { location: 'stalpeni' },
    });
    expect(gpu1).toHaveAttribute('href', '/catalog/stalpeni/resource/gpu1');
    expect(screen.getByRole('link', { name: /cpu1/ })).toHaveAttribute(
      'href',
      '/catalog/stalpeni/resource/cpu1',
    );
    expect(screen.getByText('Servers (3)')).toBeInTheDocument();
    expect(screen.getByLabelText('GPUs in use per product')).toHaveTextContent(
      'NVIDIA-A100-SXM4-80GB: 3 / 4 in useNVIDIA-L4: 0 / 2 in use',
    );
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toHaveTextContent(
      /gpu1.*Ready.*NVIDIA-A100-SXM4-80GB: 3 \/ 4.*qwen25-05b-instructllama-31-8b/,
    );
    expect(rows[1]).toHaveTextContent(
      /gpu2.*Ready, cordoned.*NVIDIA-L4: 0 \/ 2/,
    );
    expect(rows[2]).toHaveTextContent(/cpu1.*Not in cluster-/);
    expect(
      screen.getByRole('link', { name: /Servers of stalpeni on the Servers/ }),
    ).toHaveAttribute('href', '/inference/nodes?location=stalpeni');
  });

  it("shows the location's error, naming location and system, when its cluster cannot be read", async () => {
    const message =
      'location stalpeni: kubernetes: list Nodes failed: timed out';
    await render(
      nodesApi({
        total: 0,
        offset: 0,
        items: [],
        summaries: [],
        errors: [{ location: 'stalpeni', system: 'kubernetes', message }],
      }),
    );
    expect(await screen.findByText(message)).toBeInTheDocument();
    expect(screen.queryAllByRole('row')).toHaveLength(0);
    expect(screen.queryByText(/No servers configured/)).not.toBeInTheDocument();
  });

  it('names the location and the backend when the call is refused', async () => {
    await render(
      nodesApi(
        {
          error: {
            name: 'NotAllowedError',
            message: 'Permission bare-metal.server.read is required',
          },
          response: { statusCode: 403 },
        },
        403,
      ),
    );
    expect(
      await screen.findByText(
        'Location stalpeni: bare-metal backend: Permission bare-metal.server.read is required',
      ),
    ).toBeInTheDocument();
    expect(screen.queryAllByRole('row')).toHaveLength(0);
  });

  it('shows skeletons while the servers load', async () => {
    await render({ listNodes: jest.fn(() => new Promise<object>(() => {})) });
    expect(await screen.findByLabelText('Loading')).toBeInTheDocument();
    expect(screen.queryAllByRole('row')).toHaveLength(0);
  });

  it("attaches to the inference-models plugin's Location tab, for kubernetes-cluster entities only", () => {
    expect(locationServersCard.toString()).toContain(
      'entity-content:inference-models/location',
    );
    const filter = createExtensionTester(locationServersCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    );
    type Entity = Parameters<NonNullable<typeof filter>>[0];
    expect(filter?.(cluster as Entity)).toBe(true);
    expect(
      filter?.({ ...cluster, spec: { type: 'bare-metal-server' } } as Entity),
    ).toBe(false);
  });
});
