import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  startKubernetesEmulator,
  type KubernetesEmulator,
} from '@internal/test-emulators';
import { ExternalSystemError } from '../errors';
import type { InferenceLocation } from '../locations/types';
import { KubeAiClient, type ModelResource } from './KubeAiClient';

/*
 * A real API server's default field validation (`Warn`) drops unknown fields
 * and answers 2xx; the client asks for `Strict`, so they are a 400 instead.
 * The emulator implements all three modes (its CONTRACT.md, validation).
 */
describe('KubeAiClient field validation', () => {
  let emu: KubernetesEmulator;
  let client: KubeAiClient;

  const model = (
    name: string,
    spec: Record<string, unknown> = {},
  ): ModelResource => ({
    apiVersion: 'kubeai.org/v1',
    kind: 'Model',
    metadata: { name },
    spec: {
      url: 'hf://Qwen/Qwen2.5-0.5B-Instruct',
      engine: 'VLLM',
      features: ['TextGeneration'],
      resourceProfile: 'cpu:1',
      minReplicas: 0,
      maxReplicas: 1,
      ...spec,
    },
  });
  const stored = (name: string) =>
    emu.get('kubeai.org/v1', 'Model', 'kubeai', name);

  /** The failure of `promise`, which must be an ExternalSystemError. */
  const failure = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      e => e,
    );
    expect(error).toBeInstanceOf(ExternalSystemError);
    return error as ExternalSystemError;
  };

  beforeAll(async () => {
    // No controllers: nothing but the client writes, so a resourceVersion
    // that did not move means nothing was stored.
    emu = await startKubernetesEmulator({ controller: false });
    emu.seed([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeai' } },
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'kube-system' },
      },
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'gpu-1' },
        spec: {},
      },
    ]);
    const kc = new KubeConfig();
    kc.loadFromOptions(emu.kubeconfig());
    client = new KubeAiClient(
      { name: 'local', kubeaiNamespace: 'kubeai' } as InferenceLocation,
      kc,
      { timeoutMs: 5000, retries: 0 },
    );
  });
  afterAll(() => emu.close());

  it('refuses a Model with an unknown field with a 400 naming location, system and field, creating nothing', async () => {
    const error = await failure(
      client.createModel(model('typo', { minReplica: 1 })),
    );
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^location local: kubernetes: create Model/);
    expect(error.message).toContain('unknown field "spec.minReplica"');
    expect(stored('typo')).toBeUndefined();

    await client.createModel(model('typo'));
    expect(stored('typo')?.spec).toMatchObject({ maxReplicas: 1 });
  });

  it('refuses an unknown field on replace and merge patch, changing nothing', async () => {
    await client.createModel(model('kept', { targetRequests: 5 }));
    const before = stored('kept')!.metadata.resourceVersion;

    const replaced = await failure(
      client.replaceModel(model('kept', { targetRequest: 7 })),
    );
    expect(replaced.status).toBe(400);
    expect(replaced.message).toMatch(/^location local: kubernetes: replace/);
    expect(replaced.message).toContain('unknown field "spec.targetRequest"');

    const patched = await failure(
      client.patchModel('kept', { spec: { scaleDownDelay: 30 } }),
    );
    expect(patched.status).toBe(400);
    expect(patched.message).toContain('unknown field "spec.scaleDownDelay"');

    expect(stored('kept')!.metadata.resourceVersion).toBe(before);
    expect(stored('kept')!.spec).toMatchObject({ targetRequests: 5 });
  });

  it('refuses a HelmChart with an unknown field on create and patch', async () => {
    const chart = {
      metadata: { name: 'ingress' },
      spec: { chart: 'ingress-nginx', repo: 'https://example.org/charts' },
    };
    const created = await failure(
      client.createHelmChart({
        ...chart,
        spec: { ...chart.spec, valuesContents: 'a: 1' },
      }),
    );
    expect(created.status).toBe(400);
    expect(created.message).toMatch(/^location local: kubernetes: create/);
    expect(created.message).toContain('unknown field "spec.valuesContents"');
    expect(await client.getHelmChart('ingress')).toBeUndefined();

    await client.createHelmChart(chart);
    const patched = await failure(
      client.patchHelmChart('ingress', { spec: { versoin: '1.0.0' } }),
    );
    expect(patched.status).toBe(400);
    expect(patched.message).toContain('unknown field "spec.versoin"');
    expect((await client.getHelmChart('ingress'))?.spec).not.toHaveProperty(
      'versoin',
    );
  });

  it('cordons a Node with a strict merge patch', async () => {
    const patchNode = jest.spyOn(CoreV1Api.prototype, 'patchNode');
    try {
      const node = await client.setNodeUnschedulable('gpu-1', true);
      expect(node.spec?.unschedulable).toBe(true);
      expect(patchNode).toHaveBeenCalledWith(
        expect.objectContaining({ name: 'gpu-1', fieldValidation: 'Strict' }),
        expect.anything(),
      );
    } finally {
      patchNode.mockRestore();
    }
  });
});
