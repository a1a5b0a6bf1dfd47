import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import type { ModelPod } from '@internal/backstage-plugin-inference-models-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { inferenceModelsApiRef } from '../../api';
import { ModelPodsCard } from './ModelPodsCard';

const serving: ModelPod = {
  name: 'model-qwen-7d9f-abcde',
  phase: 'Running',
  ready: true,
  node: 'node1',
  restarts: 2,
  startedAt: '2026-12-01T10:00:00.000Z',
};
const unschedulable: ModelPod = {
  name: 'model-qwen-7d9f-fghij',
  phase: 'Pending',
  ready: false,
  restarts: 0,
  reason: 'Unschedulable',
  message:
    '0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
};

async function render(
  getModelPods: jest.Mock,
  props: { desired?: number } = {},
) {
  await renderInTestApp(
    <TestApiProvider apis={[[inferenceModelsApiRef, { getModelPods }]]}>
      <ModelPodsCard location="local" model="qwen" {...props} />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

const rowOf = (name: string) => screen.getByText(name).closest('tr')!;

describe('ModelPodsCard', () => {
  it('lists the Pods with their server linked, restarts and start, and why one is not serving', async () => {
    const getModelPods = jest.fn(async () => ({
      items: [serving, unschedulable],
    }));
    await render(getModelPods);
    expect(await screen.findByText('Pods (2)')).toBeInTheDocument();
    expect(getModelPods).toHaveBeenCalledWith({
      path: { location: 'local', name: 'qwen' },
    });
    const up = within(rowOf(serving.name));
    expect(up.getByText('Running, ready')).toBeInTheDocument();
    expect(up.getByRole('link', { name: 'node1' })).toHaveAttribute(
      'href',
      '/catalog/local/resource/node1',
    );
    expect(up.getByText('2')).toBeInTheDocument();
    expect(up.getByText('1 Dec 2026, 10:00 UTC')).toBeInTheDocument();
    const down = within(rowOf(unschedulable.name));
    expect(
      down.getByText('Pending, not ready: Unschedulable'),
    ).toBeInTheDocument();
    expect(down.getByText(unschedulable.message!)).toBeInTheDocument();
    expect(down.getByText('not scheduled')).toBeInTheDocument();
    expect(down.queryByRole('link')).toBeNull();
  });

  it('asks again on Refresh', async () => {
    const getModelPods = jest
      .fn()
      .mockResolvedValueOnce({ items: [unschedulable] })
      .mockResolvedValueOnce({ items: [serving] });
    await render(getModelPods);
    expect(await screen.findByText(unschedulable.name)).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(await screen.findByText(serving.name)).toBeInTheDocument();
    expect(screen.queryByText(unschedulable.name)).toBeNull();
    expect(getModelPods).toHaveBeenCalledTimes(2);
  });

  it('tells a Model scaled to zero from one without Pods yet', async () => {
    await render(
      jest.fn(async () => ({ items: [] })),
      { desired: 0 },
    );
    expect(
      await screen.findByText('No Pods: the Model is scaled to zero.'),
    ).toBeInTheDocument();
  });

  it("shows the backend's message when the cluster cannot be read", async () => {
    const error = Object.assign(new Error('Request failed with 503'), {
      body: {
        error: {
          message:
            'location local: kubernetes: list the Pods of Model kubeai/qwen: timed out',
        },
      },
    });
    await render(jest.fn(async () => Promise.reject(error)));
    await waitFor(() =>
      expect(
        screen.getByText(
          'The Pods of qwen could not be read: location local: kubernetes: list the Pods of Model kubeai/qwen: timed out',
        ),
      ).toBeInTheDocument(),
    );
  });
});
