import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import type { JsonObject } from '@backstage/types';
import request from 'supertest';
import { bareMetalPlugin } from './plugin';

describe('bare-metal backend', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
  });
  afterAll(() => sandbox.close());

  async function start(
    options: { deny?: boolean; servers?: JsonObject[] } = {},
  ) {
    const inference = sandbox.config.inference as { locations: JsonObject[] };
    const { server } = await startTestBackend({
      features: [
        bareMetalPlugin,
        mockServices.rootConfig.factory({
          data: {
            ...sandbox.config,
            inference: {
              http: { timeoutMs: 1500, retries: 0 },
              locations: inference.locations.map(
                (l): JsonObject => ({
                  ...l,
                  servers: options.servers ?? l.servers,
                }),
              ),
            },
          },
        }),
        ...(options.deny
          ? [mockServices.permissions.factory({ result: AuthorizeResult.DENY })]
          : []),
      ],
    });
    return server;
  }

  const get = (server: Parameters<typeof request>[0], path: string) =>
    request(server)
      .get(path)
      .set('authorization', mockCredentials.user.header());

  it('joins configured servers with live Nodes, GPUs included', async () => {
    const res = await get(await start(), '/api/bare-metal/nodes');
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual([]);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        name: 'node1',
        address: '192.168.1.10',
        membership: 'managed',
        ready: true,
        kubeletVersion: 'v1.33.5+k3s1',
        cpu: '32',
        gpus: [
          {
            vendor: 'nvidia',
            product: 'NVIDIA-GeForce-RTX-3090',
            count: 8,
            allocated: expect.any(Number),
            memoryMiB: 24576,
          },
        ],
      }),
      expect.objectContaining({
        name: 'node2',
        membership: 'managed',
        gpus: [],
      }),
      expect.objectContaining({
        name: 'node3',
        membership: 'managed',
        gpus: [],
      }),
    ]);
  });

  it('searches, filters by GPU, sorts and pages the servers in the backend, summaries counting every server', async () => {
    const server = await start();
    const names = (body: any) => body.items.map((n: any) => n.name);

    const first = await get(
      server,
      '/api/bare-metal/nodes?sort=name&order=desc&limit=2',
    );
    expect(first.status).toBe(200);
    expect(names(first.body)).toEqual(['node3', 'node2']);
    expect(first.body).toMatchObject({
      total: 3,
      offset: 0,
      limit: 2,
      nextOffset: 2,
    });
    const all = await get(server, '/api/bare-metal/nodes');
    expect(first.body.summaries).toEqual(all.body.summaries);

    const next = await get(
      server,
      '/api/bare-metal/nodes?sort=name&order=desc&limit=2&offset=2',
    );
    expect(names(next.body)).toEqual(['node1']);
    expect(next.body.nextOffset).toBeUndefined();

    const gpu = await get(
      server,
      '/api/bare-metal/nodes?gpu=NVIDIA-GeForce-RTX-3090',
    );
    expect(names(gpu.body)).toEqual(['node1']);
    expect(gpu.body.total).toBe(1);
    const none = await get(server, '/api/bare-metal/nodes?gpu=none');
    expect(names(none.body)).toEqual(['node2', 'node3']);

    const searched = await get(server, '/api/bare-metal/nodes?q=192.168.1.10');
    expect(names(searched.body)).toEqual(['node1']);

    const byGpus = await get(
      server,
      '/api/bare-metal/nodes?sort=gpus&order=desc',
    );
    expect(names(byGpus.body)[0]).toBe('node1');

    for (const bad of ['sort=ram', 'order=up', 'limit=0', 'offset=-1']) {
      const res = await get(server, `/api/bare-metal/nodes?${bad}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(bad.split('=')[0]);
    }
  });

  it('shows the Model pods on each node and the free GPUs of the location', async () => {
    const res = await get(await start(), '/api/bare-metal/nodes');
    const node1 = res.body.items.find((s: any) => s.name === 'node1');
    const gpuPods = sandbox.kubernetes
      .list<any>('v1', 'Pod', {
        namespace: 'kubeai',
        fieldSelector: 'spec.nodeName=node1',
      })
      .filter(
        p => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded',
      );
    expect(gpuPods.length).toBeGreaterThan(0);
    expect(node1.modelPods.map((p: any) => p.name).sort()).toEqual(
      gpuPods.map(p => p.metadata.name).sort(),
    );
    const allocated = gpuPods.reduce(
      (n: number, p: any) =>
        n +
        Number(
          p.spec.containers[0]?.resources?.requests?.['nvidia.com/gpu'] ?? 0,
        ),
      0,
    );
    expect(allocated).toBeGreaterThan(0);
    expect(node1.gpus[0].allocated).toBe(allocated);
    expect(res.body.summaries).toEqual([
      {
        location: 'local',
        gpus: [
          {
            product: 'NVIDIA-GeForce-RTX-3090',
            total: 8,
            free: 8 - allocated,
          },
        ],
      },
    ]);
    expect(node1.cordoned).toBe(false);
    expect(node1.nodeRoles).toEqual(['control-plane', 'etcd', 'master']);
  });

  it('marks a configured server without a Node and a Node nobody configured', async () => {
    const res = await get(
      await start({
        servers: [
          { name: 'node1', address: '192.168.1.10', roles: ['server', 'gpu'] },
          { name: 'node7', address: '192.168.1.17', roles: ['agent'] },
        ],
      }),
      '/api/bare-metal/nodes',
    );
    const byName = Object.fromEntries(
      res.body.items.map((s: any) => [s.name, s.membership]),
    );
    expect(byName).toEqual({
      node1: 'managed',
      node7: 'not-in-cluster',
      node2: 'unmanaged',
      node3: 'unmanaged',
    });
  });

  it('reports a cluster that resets connections as a location error', async () => {
    const server = await start();
    const fault = sandbox.kubernetes.faults.inject({ kind: 'reset' });
    try {
      const res = await get(server, '/api/bare-metal/nodes');
      expect(res.body.items).toEqual([]);
      expect(res.body.errors).toEqual([
        {
          location: 'local',
          system: 'kubernetes',
          message: expect.stringMatching(
            /^location local: kubernetes: list Nodes failed/,
          ),
        },
      ]);
    } finally {
      sandbox.kubernetes.faults.clear(fault);
    }
  });

  it('requires credentials and the node read permission', async () => {
    await request(await start())
      .get('/api/bare-metal/nodes')
      .set('authorization', mockCredentials.none.header())
      .expect(401);
    const res = await get(await start({ deny: true }), '/api/bare-metal/nodes');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('baremetal.node.read');
  });
});
