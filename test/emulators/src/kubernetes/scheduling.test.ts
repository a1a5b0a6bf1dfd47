import { startKubernetesEmulator } from './index';
import { KubeObject } from './json';
import {
  failedSchedulingMessage,
  milliValue,
  podRequests,
  unfitReasons,
} from './scheduling';
import { MODELS, clients, model, node } from './testUtils';

type Obj = Record<string, any>;

const pod = (
  resources: object,
  spec: object = {},
  status: object = {},
): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: { containers: [{ name: 'server', resources }], ...spec },
    status,
  } as KubeObject);

const gpuPod = (gpus: string, phase?: string) =>
  pod({ limits: { 'nvidia.com/gpu': gpus } }, {}, phase ? { phase } : {});

describe('the scheduler filters the emulator runs', () => {
  it('reads quantities as Kubernetes does, in thousandths rounded up', () => {
    expect(milliValue('1')).toBe(1000);
    expect(milliValue('500m')).toBe(500);
    expect(milliValue('1.5')).toBe(1500);
    expect(milliValue('2Ki')).toBe(2048 * 1000);
    expect(milliValue('1Gi')).toBe(2 ** 30 * 1000);
    expect(milliValue('1G')).toBe(1e9 * 1000);
    expect(milliValue('1e3')).toBe(1e6);
    expect(milliValue('1n')).toBe(1);
    expect(milliValue(4)).toBe(4000);
    expect(milliValue('lots')).toBe(0);
  });

  it('sums container requests, lets limits stand in for missing requests, and takes the largest init container', () => {
    const p = pod(
      { requests: { cpu: '2' }, limits: { cpu: '4', 'nvidia.com/gpu': '1' } },
      {
        initContainers: [
          { name: 'a', resources: { requests: { cpu: '8' } } },
          { name: 'b', resources: { requests: { memory: '1Gi' } } },
        ],
        overhead: { memory: '1Mi' },
      },
    );
    (p.spec as any).containers.push({
      name: 'sidecar',
      resources: { requests: { cpu: '500m' } },
    });
    expect(Object.fromEntries(podRequests(p))).toEqual({
      cpu: 8000,
      'nvidia.com/gpu': 1000,
      memory: (2 ** 30 + 2 ** 20) * 1000,
    });
  });

  it('counts the GPUs of the Pods bound to a node, except finished ones', () => {
    const twoGpus = node('gpu-a', { gpu: 2 }) as unknown as KubeObject;
    expect(unfitReasons(gpuPod('1'), twoGpus, [gpuPod('1')])).toEqual([]);
    expect(
      unfitReasons(gpuPod('1'), twoGpus, [gpuPod('1'), gpuPod('1')]),
    ).toEqual(['Insufficient nvidia.com/gpu']);
    expect(
      unfitReasons(gpuPod('1'), twoGpus, [
        gpuPod('1'),
        gpuPod('1', 'Succeeded'),
        gpuPod('1', 'Failed'),
      ]),
    ).toEqual([]);
    expect(unfitReasons(gpuPod('3'), twoGpus, [])).toEqual([
      'Insufficient nvidia.com/gpu',
    ]);
    const cpuOnly = node('cpu-a') as unknown as KubeObject;
    expect(unfitReasons(gpuPod('1'), cpuOnly, [])).toEqual([
      'Insufficient nvidia.com/gpu',
    ]);
  });

  it('lists every resource a node is short of, and the pod limit', () => {
    const small = node('small', { cpu: '2', memory: '4Gi' }) as any;
    expect(
      unfitReasons(pod({ requests: { cpu: '3', memory: '8Gi' } }), small, []),
    ).toEqual(['Insufficient cpu', 'Insufficient memory']);
    small.status.allocatable.pods = '1';
    expect(unfitReasons(pod({}), small, [pod({})])).toEqual(['Too many pods']);
  });

  it('stops at the first filter that fails, in the default profile order', () => {
    const cordoned = node('c', { gpu: 1 }) as any;
    cordoned.spec = { unschedulable: true };
    expect(unfitReasons(gpuPod('9'), cordoned, [])).toEqual([
      'node(s) were unschedulable',
    ]);
    const down = node('d', { gpu: 1, ready: false }) as unknown as KubeObject;
    expect(unfitReasons(gpuPod('9'), down, [])).toEqual([
      'node(s) had untolerated taint {node.kubernetes.io/not-ready: }',
    ]);
    const tainted = node('t', { gpu: 1 }) as any;
    tainted.spec = {
      taints: [
        { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' },
      ],
    };
    expect(unfitReasons(gpuPod('1'), tainted, [])).toEqual([
      'node(s) had untolerated taint {nvidia.com/gpu: present}',
    ]);
    const tolerating = pod(
      { limits: { 'nvidia.com/gpu': '1' } },
      {
        tolerations: [
          {
            key: 'nvidia.com/gpu',
            operator: 'Equal',
            value: 'present',
            effect: 'NoSchedule',
          },
        ],
      },
    );
    expect(unfitReasons(tolerating, tainted, [])).toEqual([]);
    const selective = pod(
      { limits: { 'nvidia.com/gpu': '9' } },
      { nodeSelector: { 'gpu.example/model': 'h100' } },
    );
    expect(unfitReasons(selective, node('n', { gpu: 1 }) as any, [])).toEqual([
      "node(s) didn't match Pod's node affinity/selector",
    ]);
  });

  it('writes the FailedScheduling message as FitError does', () => {
    // As a real cluster reports it: reasons counted per node, sorted, and the
    // preemption post-filter's own message, each closed by a period.
    expect(failedSchedulingMessage(1, [['Insufficient cpu']])).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..',
    );
    expect(
      failedSchedulingMessage(3, [
        ['Insufficient nvidia.com/gpu'],
        ["node(s) didn't match Pod's node affinity/selector"],
        ["node(s) didn't match Pod's node affinity/selector"],
      ]),
    ).toBe(
      "0/3 nodes are available: 1 Insufficient nvidia.com/gpu, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling..",
    );
    expect(failedSchedulingMessage(0, [])).toBe(
      'no nodes available to schedule pods',
    );
  });
});

describe('the scheduler in the running emulator', () => {
  const ns = 'kubeai';
  const getModelIn = (
    cl: ReturnType<typeof clients>,
    name: string,
  ): Promise<Obj> =>
    cl.custom.getNamespacedCustomObject({
      ...MODELS,
      namespace: ns,
      name,
    });

  it('places a GPU Pod only where a GPU is free: the next stays Pending with Insufficient nvidia.com/gpu until one is freed', async () => {
    const small = await startKubernetesEmulator({
      controller: { modelReadyDelayMs: 0 },
    });
    try {
      small.seed([
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
        node('one-gpu', { gpu: 1 }),
        node('cpu-only'),
      ]);
      const sc = clients(small);
      const pods = (name: string) =>
        small.list('v1', 'Pod', {
          namespace: ns,
          labelSelector: `model=${name}`,
        });
      const profile = { resourceProfile: 'nvidia-unlimited:1', replicas: 1 };
      await sc.custom.createNamespacedCustomObject({
        ...MODELS,
        namespace: ns,
        body: model('first', profile),
      });
      await small.waitFor(
        () => (pods('first')[0]?.status as Obj)?.phase === 'Running',
      );
      await sc.custom.createNamespacedCustomObject({
        ...MODELS,
        namespace: ns,
        body: model('second', profile),
      });
      const ev = await small.waitFor(
        () =>
          small.list('v1', 'Event', {
            namespace: ns,
            fieldSelector: 'reason=FailedScheduling',
          })[0],
      );
      const message =
        '0/2 nodes are available: 2 Insufficient nvidia.com/gpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod..';
      expect(ev.message).toBe(message);
      const [waiting] = pods('second');
      expect((waiting.spec as Obj).nodeName).toBeUndefined();
      expect((waiting.status as Obj).conditions[0]).toMatchObject({
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message,
      });
      expect(
        ((await getModelIn(sc, 'second')) as Obj).status?.replicas?.ready ?? 0,
      ).toBe(0);

      await sc.custom.deleteNamespacedCustomObject({
        ...MODELS,
        namespace: ns,
        name: 'first',
      });
      const m = await small.waitFor(async () => {
        const x = (await getModelIn(sc, 'second')) as Obj;
        return x.status?.replicas?.ready === 1 ? x : undefined;
      });
      expect(m.status.replicas.all).toBe(1);
      expect((pods('second')[0].spec as Obj).nodeName).toBe('one-gpu');
    } finally {
      await small.close();
    }
  });
});
