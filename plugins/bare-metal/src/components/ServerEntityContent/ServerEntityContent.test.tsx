import { ResponseError } from '@backstage/errors';
import {
  createExtensionTester,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import type { BareMetalApi } from '@internal/backstage-plugin-bare-metal-common';
import { screen } from '@testing-library/react';
import { bareMetalApiRef } from '../../api';
import { serverEntityContent } from '../../plugin';
import { ServerEntityContent } from './ServerEntityContent';

const entity = (name: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name, namespace: 'local' },
  spec: { type: 'bare-metal-server', owner: 'group:default/sre' },
});

const node1 = {
  location: 'local',
  name: 'node1',
  address: '192.168.1.10',
  roles: ['server', 'gpu'],
  membership: 'managed',
  nodeRoles: ['control-plane'],
  ready: true,
  cordoned: true,
  taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }],
  kubeletVersion: 'v1.33.5+k3s1',
  osImage: 'Debian GNU/Linux 13 (trixie)',
  cpu: '32',
  memory: '131794980Ki',
  allocatableCpu: '31',
  allocatableMemory: '130000000Ki',
  gpus: [
    {
      vendor: 'nvidia',
      product: 'NVIDIA-GeForce-RTX-3090',
      count: 2,
      allocated: 1,
      memoryMiB: 24576,
    },
  ],
  modelPods: [
    {
      name: 'model-qwen-abc',
      model: 'qwen25-05b-instruct',
      phase: 'Running',
      ready: true,
    },
  ],
  sshFacts: {
    cpuModel: 'AMD EPYC 7443P 24-Core Processor',
    cpuCount: 48,
    memoryBytes: 128 * 1024 ** 3,
    disks: [{ name: 'nvme0n1', sizeBytes: 1920383410176, type: 'disk' }],
    gpus: [
      {
        name: 'NVIDIA GeForce RTX 3090',
        memoryMiB: 24576,
        driverVersion: '570.1',
      },
      {
        name: 'NVIDIA GeForce RTX 3090',
        memoryMiB: 24576,
        driverVersion: '570.1',
      },
    ],
    collectedAt: '2026-01-02T03:04:05.000Z',
  },
};

const node2 = {
  location: 'local',
  name: 'node2',
  roles: ['agent'],
  membership: 'not-in-cluster',
  gpus: [],
  modelPods: [],
  sshFactsError:
    'location local: ssh: node2 (192.168.1.11:22): connect failed: ETIMEDOUT',
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

async function render(name: string, api: ReturnType<typeof nodesApi>) {
  await renderInTestApp(
    <TestApiProvider apis={[[bareMetalApiRef, api as unknown as BareMetalApi]]}>
      <EntityProvider entity={entity(name)}>
        <ServerEntityContent />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('ServerEntityContent', () => {
  it("shows the live Node, its GPUs, model pods and SSH facts, asking for the entity's location only", async () => {
    const api = nodesApi({ items: [node1, node2], errors: [], summaries: [] });
    await render('node1', api);
    expect(await screen.findByLabelText('Status')).toHaveTextContent(
      'Ready, cordoned',
    );
    expect(api.listNodes).toHaveBeenCalledWith({
      query: { location: 'local' },
    });
    expect(screen.getByLabelText('Roles')).toHaveTextContent(
      'server, gpu, control-plane (node)',
    );
    expect(screen.getByLabelText('GPUs')).toHaveTextContent(
      '2 x NVIDIA-GeForce-RTX-3090 (24 GiB), 1 in use',
    );
    expect(screen.getByLabelText('CPU / memory')).toHaveTextContent(
      '32 CPU / 126 GiB',
    );
    expect(screen.getByLabelText('K3s version')).toHaveTextContent(
      'v1.33.5+k3s1',
    );
    expect(screen.getByLabelText('Taints')).toHaveTextContent(
      'nvidia.com/gpu:NoSchedule',
    );
    // A pod's Model opens the Model's entity page in the same location.
    expect(
      screen.getByRole('link', { name: 'qwen25-05b-instruct' }),
    ).toHaveAttribute('href', '/catalog/local/resource/qwen25-05b-instruct');
    expect(screen.getByLabelText('GPUs (nvidia-smi)')).toHaveTextContent(
      '2 x NVIDIA GeForce RTX 3090 (24 GiB)',
    );
    expect(screen.getByLabelText('CPU model')).toHaveTextContent(
      'AMD EPYC 7443P',
    );
    expect(screen.getByLabelText('Installed memory')).toHaveTextContent(
      '128 GiB',
    );
  });

  it('shows a server not in the cluster and why its SSH facts are missing', async () => {
    await render(
      'node2',
      nodesApi({ items: [node1, node2], errors: [], summaries: [] }),
    );
    expect(await screen.findByLabelText('Status')).toHaveTextContent(
      'Not in cluster',
    );
    expect(
      screen.getByText(/SSH facts unavailable: .*ETIMEDOUT/),
    ).toBeInTheDocument();
    expect(screen.queryByText('Hardware (over SSH)')).toBeInTheDocument();
  });

  it("shows the location's error when its cluster cannot be read", async () => {
    await render(
      'node1',
      nodesApi({
        items: [],
        errors: [
          {
            location: 'local',
            system: 'kubernetes',
            message: 'location local: kubernetes: list Nodes failed: timed out',
          },
        ],
        summaries: [],
      }),
    );
    expect(
      await screen.findByText(/list Nodes failed: timed out/),
    ).toBeInTheDocument();
  });

  it("shows the backend's error when the call is refused", async () => {
    await render(
      'node1',
      nodesApi(
        {
          error: {
            name: 'NotAllowedError',
            message: 'Permission bare-metal.server.read is required',
          },
        },
        403,
      ),
    );
    expect(
      (await screen.findAllByText(/bare-metal.server.read is required/)).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByLabelText('Status')).not.toBeInTheDocument();
  });

  it('is offered on bare-metal-server entities only', () => {
    const filter = createExtensionTester(serverEntityContent).get(
      EntityContentBlueprint.dataRefs.filterFunction,
    );
    type Entity = Parameters<NonNullable<typeof filter>>[0];
    expect(filter?.(entity('node1') as Entity)).toBe(true);
    expect(
      filter?.({
        ...entity('qwen'),
        spec: { type: 'ai-model' },
      } as Entity),
    ).toBe(false);
    expect(filter?.({ ...entity('svc'), kind: 'Component' } as Entity)).toBe(
      false,
    );
  });
});
