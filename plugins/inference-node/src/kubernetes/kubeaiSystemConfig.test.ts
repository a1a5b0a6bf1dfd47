import { KubeConfig } from '@kubernetes/client-node';
import {
  startKubernetesEmulator,
  type KubernetesEmulator,
} from '@internal/test-emulators';
import type { InferenceLocation } from '../locations/types';
import { KubeAiClient } from './KubeAiClient';
import {
  gpusPerReplica,
  parseKubeAiSystemConfig,
  parseResourceProfileRef,
  profileAccelerators,
} from './kubeaiSystemConfig';

describe('KubeAI system config', () => {
  it('splits <name>:<multiple> as the model controller does', () => {
    expect(parseResourceProfileRef('nvidia-gpu-l4:2')).toEqual({
      name: 'nvidia-gpu-l4',
      multiple: 2,
    });
    expect(parseResourceProfileRef('cpu')).toBeUndefined();
    expect(parseResourceProfileRef('a:b:1')).toBeUndefined();
    expect(parseResourceProfileRef('cpu:two')).toBeUndefined();
  });

  it('counts GPUs from the profile definition, not its name', () => {
    const config = parseKubeAiSystemConfig(
      [
        'resourceProfiles:',
        '  nvidia-small: { requests: { cpu: 2 } }',
        '  cpu-box: { limits: { "nvidia.com/gpu": "2" } }',
        '  mixed: { requests: { "amd.com/gpu": 1 } }',
      ].join('\n'),
    );
    expect(gpusPerReplica('nvidia-small:4', config)).toBe(0);
    expect(gpusPerReplica('cpu-box:3', config)).toBe(6);
    expect(gpusPerReplica('mixed:2', config)).toBe(2);
    expect(gpusPerReplica('absent:1', config)).toBeUndefined();
    expect(profileAccelerators({})).toBe(0);
    expect(() => parseKubeAiSystemConfig('cacheProfiles: {}')).toThrow(
      'system.yaml has no resourceProfiles map',
    );
  });

  describe('KubeAiClient.getSystemConfig', () => {
    let emu: KubernetesEmulator;
    const client = (namespace: string) => {
      const kc = new KubeConfig();
      kc.loadFromOptions(emu.kubeconfig());
      return new KubeAiClient(
        { name: 'local', kubeaiNamespace: namespace } as InferenceLocation,
        kc,
        { timeoutMs: 2000, retries: 0 },
      );
    };
    beforeAll(async () => {
      emu = await startKubernetesEmulator({ controller: {} });
      emu.seed([
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeai' } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bare' } },
      ]);
    });
    afterAll(() => emu.close());

    it("reads the profiles from KubeAI's kubeai-config ConfigMap", async () => {
      const config = await client('kubeai').getSystemConfig();
      expect(gpusPerReplica('nvidia-unlimited:2', config)).toBe(2);
      expect(Object.keys(config.cacheProfiles)).toContain('storage');
    });

    it('fails naming the location and system when KubeAI is not installed there', async () => {
      await expect(client('bare').getSystemConfig()).rejects.toThrow(
        /local.*kubernetes|kubernetes.*local/,
      );
    });
  });
});
