import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { EntityProvider, catalogApiRef } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { inferenceModelsApiRef } from '../../api';
import { ModelEntityContent, curlExample } from './ModelEntityContent';

const listing = {
  id: 'inferencebros/qwen25-05b-instruct',
  name: 'Qwen2.5-0.5B-Instruct',
  pricing: { prompt: '0.000008', completion: '0.000024' },
};

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'qwen25-05b-instruct',
    namespace: 'local',
    annotations: {
      'openrouter.ai/json': JSON.stringify(listing),
      'inference.bros/validation-warning': 'context_length: missing',
    },
  },
  spec: {
    type: 'ai-model',
    location: 'local',
    engine: 'VLLM',
    url: 'hf://Qwen/Qwen2.5-0.5B-Instruct',
    features: ['TextGeneration'],
    resourceProfile: 'nvidia-unlimited:1',
    gpuCount: 1,
    replicas: { desired: 1, ready: 1, min: 1, max: 2 },
    status: 'Ready',
    pricing: listing.pricing,
    countryCode: 'RO',
  },
};

const gateway = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: {
    name: 'gateway',
    namespace: 'local',
    annotations: { 'inference.bros/gateway-url': 'http://gw.local.test/v1/' },
  },
  spec: { type: 'openai' },
};

describe('ModelEntityContent', () => {
  it('shows the overview, prices per token and per 1M, the listing and a curl against the gateway', async () => {
    const catalogApi = {
      getEntityByRef: jest.fn(async (ref: string) =>
        ref === 'api:local/gateway' ? gateway : undefined,
      ),
    };
    const modelsApi = { getModelPods: jest.fn(async () => ({ items: [] })) };
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [catalogApiRef, catalogApi],
          [inferenceModelsApiRef, modelsApi],
        ]}
      >
        <EntityProvider entity={entity}>
          <ModelEntityContent />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByLabelText('curl example')).toHaveTextContent(
      'curl http://gw.local.test/v1/chat/completions',
    );
    expect(screen.getByLabelText('curl example')).toHaveTextContent(
      '"model": "kubeai/qwen25-05b-instruct"',
    );
    expect(screen.getByText('nvidia-unlimited:1')).toBeInTheDocument();
    expect(screen.getByText('1 / 1 (1-2)')).toBeInTheDocument();
    expect(screen.getByText('0.000024')).toBeInTheDocument();
    expect(screen.getByText('24')).toBeInTheDocument();
    expect(screen.getByLabelText('OpenRouter listing')).toHaveTextContent(
      '"id": "inferencebros/qwen25-05b-instruct"',
    );
    // The Model's live Pods, asked of its location's cluster.
    expect(modelsApi.getModelPods).toHaveBeenCalledWith({
      path: { location: 'local', name: 'qwen25-05b-instruct' },
    });
    expect(
      await screen.findByText(
        'No Pods yet: KubeAI has not created one for this Model.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/listing has problems: context_length: missing/),
    ).toBeInTheDocument();
  });
});

describe('curlExample', () => {
  it('uses the embeddings endpoint for embedding models', () => {
    expect(
      curlExample('https://gw.example.com/v1', 'nomic', ['TextEmbedding']),
    ).toContain('curl https://gw.example.com/v1/embeddings');
  });
});
