import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { BareMetalApi } from '@internal/backstage-plugin-bare-metal-common';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, waitFor } from '@testing-library/react';
import { bareMetalApiRef } from '../../api';
import { formatMemory, NodesPage } from './NodesPage';

describe('NodesPage', () => {
  it('shows servers with status, GPUs and capacity', async () => {
    const api = {
      listNodes: jest.fn(async () => ({
        items: [
          {
            location: 'local',
            name: 'node1',
            address: '192.168.1.10',
            roles: ['server', 'gpu'],
            membership: 'managed',
            ready: true,
            kubeletVersion: 'v1.33.5+k3s1',
            cpu: '32',
            memory: '131794980Ki',
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
          },
          {
            location: 'local',
            name: 'node9',
            address: '192.168.1.19',
            roles: ['agent'],
            membership: 'not-in-cluster',
            gpus: [],
            modelPods: [],
          },
          {
            location: 'local',
            name: 'stray',
            roles: [],
            membership: 'unmanaged',
            ready: true,
            cordoned: true,
            gpus: [],
            modelPods: [],
          },
        ],
        errors: [],
        summaries: [
          {
            location: 'local',
            gpus: [{ product: 'NVIDIA-GeForce-RTX-3090', total: 2, free: 1 }],
          },
        ],
        total: 3,
        offset: 0,
      })),
    };
    await renderInTestApp(<NodesPage />, {
      apis: [[bareMetalApiRef, api as unknown as BareMetalApi]],
      initialRouteEntries: [
        '/?gpu=NVIDIA-GeForce-RTX-3090&sort=gpus&order=desc',
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });
    expect(await screen.findByText('node1')).toBeInTheDocument();
    expect(
      screen.getByText('NVIDIA-GeForce-RTX-3090 x 2 (24 GiB), 1 in use'),
    ).toBeInTheDocument();
    expect(screen.getByText('qwen25-05b-instruct')).toBeInTheDocument();
    expect(
      screen.getByText('local: NVIDIA-GeForce-RTX-3090 1 free of 2'),
    ).toBeInTheDocument();
    expect(screen.getByText('32 CPU / 126 GiB')).toBeInTheDocument();
    expect(screen.getByText('Not in cluster')).toBeInTheDocument();
    expect(screen.getByText('Ready, cordoned (unmanaged)')).toBeInTheDocument();
    expect(screen.getByText('3 servers match')).toBeInTheDocument();
    // The view in the URL is what the backend is asked for.
    await waitFor(() =>
      expect(api.listNodes).toHaveBeenCalledWith(
        {
          query: {
            limit: 20,
            gpu: 'NVIDIA-GeForce-RTX-3090',
            sort: 'gpus',
            order: 'desc',
          },
        },
        expect.anything(),
      ),
    );
    // Each row opens the server's entity page.
    expect(
      screen
        .getAllByText('node1')[0]
        .closest('[data-href]')
        ?.getAttribute('data-href'),
    ).toBe('/catalog/local/resource/node1');
  });

  it('formats Kubernetes memory quantities', () => {
    expect(formatMemory('65842412Ki')).toBe('63 GiB');
    expect(formatMemory('64Gi')).toBe('64Gi');
    expect(formatMemory(undefined)).toBe('?');
  });
});
