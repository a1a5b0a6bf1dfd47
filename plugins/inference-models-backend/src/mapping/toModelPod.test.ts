import { toModelPod, toModelPods } from './toModelPod';

type Pod = Parameters<typeof toModelPod>[0];

const running: Pod = {
  metadata: { name: 'model-qwen-7d9f-abcde', labels: { model: 'qwen' } },
  spec: { nodeName: 'node1', containers: [] },
  status: {
    phase: 'Running',
    startTime: new Date('2026-12-01T10:00:00Z'),
    conditions: [
      { type: 'PodScheduled', status: 'True' },
      { type: 'Ready', status: 'True' },
    ],
    containerStatuses: [
      {
        name: 'server',
        image: 'vllm',
        imageID: '',
        ready: true,
        restartCount: 2,
        state: { running: {} },
      },
      {
        name: 'sidecar',
        image: 'x',
        imageID: '',
        ready: true,
        restartCount: 1,
        state: { running: {} },
      },
    ],
  },
};

describe('toModelPod', () => {
  it('gives a serving Pod its node, start and summed restarts, and no reason', () => {
    expect(toModelPod(running)).toEqual({
      name: 'model-qwen-7d9f-abcde',
      phase: 'Running',
      ready: true,
      node: 'node1',
      restarts: 3,
      startedAt: '2026-12-01T10:00:00.000Z',
    });
  });

  it("says an unscheduled Pod is Unschedulable with the scheduler's message, without a node", () => {
    const message =
      '0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
    expect(
      toModelPod({
        metadata: { name: 'p' },
        spec: { containers: [] },
        status: {
          phase: 'Pending',
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message,
            },
          ],
        },
      }),
    ).toEqual({
      name: 'p',
      phase: 'Pending',
      ready: false,
      restarts: 0,
      reason: 'Unschedulable',
      message,
    });
  });

  it('gives the waiting reason of a container that cannot start or keeps failing', () => {
    const waiting = (reason: string, message?: string): Pod => ({
      ...running,
      status: {
        ...running.status,
        conditions: [{ type: 'PodScheduled', status: 'True' }],
        containerStatuses: [
          {
            name: 'server',
            image: 'vllm',
            imageID: '',
            ready: false,
            restartCount: 5,
            state: { waiting: { reason, message } },
          },
        ],
      },
    });
    expect(toModelPod(waiting('ContainerCreating'))).toMatchObject({
      ready: false,
      reason: 'ContainerCreating',
    });
    expect(toModelPod(waiting('ContainerCreating'))).not.toHaveProperty(
      'message',
    );
    expect(
      toModelPod(waiting('CrashLoopBackOff', 'back-off 5m0s restarting')),
    ).toMatchObject({
      restarts: 5,
      reason: 'CrashLoopBackOff',
      message: 'back-off 5m0s restarting',
    });
  });

  it('gives a failed container its exit, and an evicted Pod its own reason', () => {
    expect(
      toModelPod({
        ...running,
        status: {
          phase: 'Failed',
          conditions: [{ type: 'PodScheduled', status: 'True' }],
          containerStatuses: [
            {
              name: 'server',
              image: 'vllm',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: { terminated: { exitCode: 137 } },
            },
          ],
        },
      }),
    ).toMatchObject({
      phase: 'Failed',
      reason: 'Error',
      message: 'container server exited with code 137',
    });
    expect(
      toModelPod({
        ...running,
        status: {
          phase: 'Failed',
          reason: 'Evicted',
          message: 'The node was low on resource: memory.',
        },
      }),
    ).toMatchObject({
      reason: 'Evicted',
      message: 'The node was low on resource: memory.',
    });
  });

  it('gives the Ready condition of a running Pod that does not pass its readiness probe yet', () => {
    expect(
      toModelPod({
        ...running,
        status: {
          ...running.status,
          conditions: [
            { type: 'PodScheduled', status: 'True' },
            {
              type: 'Ready',
              status: 'False',
              reason: 'ContainersNotReady',
              message: 'containers with unready status: [server]',
            },
          ],
        },
      }),
    ).toMatchObject({
      phase: 'Running',
      ready: false,
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [server]',
    });
  });

  it('says a Pod being deleted is Terminating, even while still ready', () => {
    expect(
      toModelPod({
        ...running,
        metadata: {
          ...running.metadata,
          deletionTimestamp: new Date('2026-12-01T11:00:00Z'),
        },
      }),
    ).toMatchObject({ ready: true, reason: 'Terminating' });
  });

  it('reads a start time given as a string, and drops one that is not a date', () => {
    const withStart = (startTime: unknown) =>
      toModelPod({
        ...running,
        status: { ...running.status, startTime: startTime as Date },
      });
    expect(withStart('2026-12-02T08:30:00Z').startedAt).toBe(
      '2026-12-02T08:30:00.000Z',
    );
    expect(withStart('yesterday')).not.toHaveProperty('startedAt');
  });
});

describe('toModelPods', () => {
  it('orders the Pods by name', () => {
    const named = (name: string): Pod => ({
      ...running,
      metadata: { name },
    });
    expect(
      toModelPods([named('model-b'), named('model-a')]).map(p => p.name),
    ).toEqual(['model-a', 'model-b']);
  });
});
