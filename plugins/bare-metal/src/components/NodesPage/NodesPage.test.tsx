import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { BareMetalApi } from '@internal/backstage-plugin-bare-metal-common';
import { screen } from '@testing-library/react';
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
      })),
    };
    await renderInTestApp(<NodesPage />, {
      apis: [[bareMetalApiRef, api as unknown as BareMetalApi]],
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
    expect(screen.getByText('3 servers, 2 GPUs')).toBeInTheDocument();
  });

  it('formats Kubernetes memory quantities', () => {
    expect(formatMemory('65842412Ki')).toBe('63 GiB');
    expect(formatMemory('64Gi')).toBe('64Gi');
    expect(formatMemory(undefined)).toBe('?');
  });
});
