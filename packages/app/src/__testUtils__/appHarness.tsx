/*
 * The whole app as app-config.yaml configures it, over a stub backend: the
 * harness of the app's route tests.
 */
import { resolve as resolvePath } from 'node:path';
import { fetchApiRef } from '@backstage/frontend-plugin-api';
import { renderTestApp } from '@backstage/frontend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import homePlugin from '@backstage/plugin-home/alpha';
import bareMetalPlugin from '@internal/backstage-plugin-bare-metal';
import inferenceBillingPlugin from '@internal/backstage-plugin-inference-billing';
import inferenceModelsPlugin from '@internal/backstage-plugin-inference-models';
import notificationsPlugin from '@backstage/plugin-notifications/alpha';
import searchPlugin from '@backstage/plugin-search/alpha';
import { navModule } from '../modules/nav';
import { homeModule } from '../modules/home';

/**
 * The `app` section of the repository's app-config.yaml, as the app gets it
 * (jest's YAML transform parses it; the file is the deployment's, outside
 * any package, hence the resolved path).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const appConfig = require(resolvePath(
  __dirname,
  '../../../../app-config.yaml',
)) as { app: object };

const model = {
  location: 'local',
  name: 'qwen25-05b-instruct',
  engine: 'VLLM',
  url: 'hf://Qwen/Qwen2.5-0.5B-Instruct',
  features: ['TextGeneration'],
  replicas: { desired: 1, ready: 1 },
  status: 'Ready',
  title: 'Qwen2.5-0.5B-Instruct',
  warnings: [],
};

const modelEntity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'qwen25-05b-instruct',
    namespace: 'local',
    title: 'Qwen2.5-0.5B-Instruct',
    uid: 'b1f9f4a6-0000-4000-a000-000000000001',
  },
  spec: { type: 'ai-model', owner: 'group:default/inference-admins' },
};

/** The backend as the pages call it: the Models list and the catalog. */
export const requests: string[] = [];
async function backend(input: RequestInfo | URL): Promise<Response> {
  const url = String(input instanceof Request ? input.url : input);
  requests.push(url);
  const json = (body: unknown) =>
    new Response(JSON.stringify(body), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  if (url.includes('inference-models/overview')) {
    return json({
      items: [
        {
          location: 'local',
          title: 'Local',
          cluster: { system: 'kubernetes', reachable: true, latencyMs: 3 },
          models: {
            total: 1,
            ready: 1,
            scaledToZero: 0,
            notReady: [],
            notReadyCount: 0,
            replicas: { ready: 1, desired: 1 },
          },
        },
      ],
    });
  }
  if (url.includes('inference-billing/overview')) {
    return json({ items: [] });
  }
  if (url.includes('bare-metal/nodes')) {
    return json({ items: [], errors: [], summaries: [], total: 0, offset: 0 });
  }
  if (url.includes('inference-models/models')) {
    return json({ items: [model], errors: [], total: 1, offset: 0, limit: 25 });
  }
  if (url.includes('inference-models/locations')) {
    return json({ items: [] });
  }
  if (url.includes('/entity-facets')) {
    const known: Record<string, Array<{ value: string; count: number }>> = {
      kind: [
        { value: 'Resource', count: 1 },
        { value: 'Component', count: 0 },
      ],
      'spec.type': [{ value: 'ai-model', count: 1 }],
    };
    const facets = new URL(url).searchParams.getAll('facet');
    return json({
      facets: Object.fromEntries(facets.map(f => [f, known[f] ?? []])),
    });
  }
  if (url.includes('/entities/by-query')) {
    return json({ items: [modelEntity], totalItems: 1, pageInfo: {} });
  }
  if (url.includes('/entities/by-refs')) {
    return json({ items: [] });
  }
  return json({});
}

/** The whole app at `path`, with the backend above. */
export function renderAt(path: string) {
  return renderTestApp({
    features: [
      catalogPlugin,
      homePlugin,
      inferenceModelsPlugin,
      inferenceBillingPlugin,
      bareMetalPlugin,
      notificationsPlugin,
      searchPlugin,
      navModule,
      homeModule,
    ],
    config: {
      app: appConfig.app as any,
      backend: { baseUrl: 'http://localhost:7007' },
    },
    initialRouteEntries: [path],
    apis: [[fetchApiRef, { fetch: backend as typeof fetch }]],
  });
}
