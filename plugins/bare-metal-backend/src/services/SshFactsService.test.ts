import { createMockDirectory } from '@backstage/backend-test-utils';
import type { ServerSummary } from '@internal/backstage-plugin-bare-metal-common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  labLocations,
  startSshLab,
  type SshLab,
} from '../__testUtils__/sshLab';
import { sshdAvailable } from '@internal/test-emulators';
import { Ssh2Connector } from '@internal/backstage-plugin-inference-node';
import { parseFacts, SshFactsService } from './SshFactsService';

jest.setTimeout(60_000);

describe('parseFacts', () => {
  it('reads CPU, memory, disks and nvidia-smi CSV', () => {
    const output = [
      '@@cpu',
      ' AMD EPYC 7443P 24-Core Processor',
      '@@ncpu',
      '48',
      '@@mem',
      'MemTotal:       263842516 kB',
      '@@disks',
      'NAME="nvme0n1" SIZE="1920383410176" TYPE="disk" MODEL="SAMSUNG MZQL21T9HCJR-00A07"',
      'NAME="sda" SIZE="4000787030016" TYPE="disk" MODEL=""',
      '@@gpus',
      'NVIDIA GeForce RTX 4090, 24564, 570.133.07',
      'NVIDIA GeForce RTX 4090, 24564, 570.133.07',
      '@@end',
    ].join('\n');
    expect(parseFacts(output, new Date('2026-01-02T03:04:05Z'))).toEqual({
      cpuModel: 'AMD EPYC 7443P 24-Core Processor',
      cpuCount: 48,
      memoryBytes: 263842516 * 1024,
      disks: [
        {
          name: 'nvme0n1',
          sizeBytes: 1920383410176,
          type: 'disk',
          model: 'SAMSUNG MZQL21T9HCJR-00A07',
        },
        { name: 'sda', sizeBytes: 4000787030016, type: 'disk' },
      ],
      gpus: [
        {
          name: 'NVIDIA GeForce RTX 4090',
          memoryMiB: 24564,
          driverVersion: '570.133.07',
        },
        {
          name: 'NVIDIA GeForce RTX 4090',
          memoryMiB: 24564,
          driverVersion: '570.133.07',
        },
      ],
      collectedAt: '2026-01-02T03:04:05.000Z',
    });
  });
});

// Skipped only outside the README's test command (which sets CI and
// installs openssh-server): there a missing sshd must fail, not skip.
const describeSshd =
  sshdAvailable() || process.env.CI ? describe : describe.skip;

describeSshd('SshFactsService over SSH', () => {
  const mockDir = createMockDirectory();
  let lab: SshLab;
  beforeAll(async () => {
    lab = await startSshLab(mockDir.path, ['gpu1', 'cpu1']);
    fs.writeFileSync(
      path.join(lab.nodes.gpu1.nodeRoot, 'bin', 'nvidia-smi'),
      '#!/bin/sh\necho "NVIDIA A100-SXM4-80GB, 81920, 550.54.15"\n',
      { mode: 0o755 },
    );
  });
  afterAll(() => lab?.close());

  const summary = (name: string, extra: Partial<ServerSummary> = {}) =>
    ({
      location: 'lab',
      name,
      roles: ['server'],
      membership: 'managed',
      gpus: [],
      modelPods: [],
      ...extra,
    } as ServerSummary);

  function service(hostKeys?: Record<string, string>, enabled = true) {
    return new SshFactsService({
      locations: labLocations(lab, {
        roles: {},
        privateKey: lab.clientKey,
        hostKeys,
      }),
      settings: { enabled, cacheSeconds: 300, timeoutMs: 10_000 },
      connector: new Ssh2Connector(),
    });
  }

  it('joins each server its facts, and a failing server gets its own error', async () => {
    const items = await service({ cpu1: `SHA256:${'B'.repeat(43)}` }).join([
      summary('gpu1'),
      summary('cpu1'),
      summary('stranger', { membership: 'unmanaged' }),
    ]);
    const [gpu1, cpu1, stranger] = items;
    expect(gpu1.sshFacts?.gpus).toEqual([
      {
        name: 'NVIDIA A100-SXM4-80GB',
        memoryMiB: 81920,
        driverVersion: '550.54.15',
      },
    ]);
    expect(gpu1.sshFacts?.memoryBytes).toBe(
      Number(
        /MemTotal:\s+(\d+)/.exec(fs.readFileSync('/proc/meminfo', 'utf8'))![1],
      ) * 1024,
    );
    expect(gpu1.sshFacts?.cpuCount).toBe(os.cpus().length);
    expect(gpu1.sshFactsError).toBeUndefined();
    expect(cpu1.sshFacts).toBeUndefined();
    expect(cpu1.sshFactsError).toMatch(
      /^location lab: ssh: cpu1 \(127\.0\.0\.1:\d+\): host key .* does not match/,
    );
    expect(stranger).toEqual(summary('stranger', { membership: 'unmanaged' }));
  });

  it('reports a server that does not answer as its own error', async () => {
    const dead = labLocations(
      { nodes: { ...lab.nodes, gone: { ...lab.nodes.cpu1, port: 1 } } },
      { roles: {}, privateKey: lab.clientKey },
    );
    const facts = new SshFactsService({
      locations: dead,
      settings: { enabled: true, cacheSeconds: 300, timeoutMs: 5_000 },
      connector: new Ssh2Connector(),
    });
    const [gone, cpu1] = await facts.join([summary('gone'), summary('cpu1')]);
    expect(gone.sshFactsError).toMatch(
      /^location lab: ssh: gone \(127\.0\.0\.1:1\): connect failed: ECONNREFUSED/,
    );
    expect(cpu1.sshFacts?.gpus).toEqual([]);
  });

  it('leaves the items alone when disabled', async () => {
    const items = [summary('gpu1')];
    expect(await service(undefined, false).join(items)).toBe(items);
  });
});
