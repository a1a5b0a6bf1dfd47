import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  catalogProcessingExtensionPoint,
  type EntityProvider,
} from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import type {
  DocumentCollatorFactory,
  DocumentDecoratorFactory,
  IndexableDocument,
} from '@backstage/plugin-search-common';
import type { SearchEngine } from '@backstage/plugin-search-backend-node';
import {
  searchEngineRegistryExtensionPoint,
  searchIndexRegistryExtensionPoint,
} from '@backstage/plugin-search-backend-node/alpha';
import catalogModuleInferenceModels from '@internal/backstage-plugin-catalog-backend-module-inference-models';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the test runs the plugin beside the module, as a backend does
import inferenceModelsPlugin from '@internal/backstage-plugin-inference-models-backend';
import type { ModelListResponse } from '@internal/backstage-plugin-inference-models-common';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import request from 'supertest';
import { searchModuleInferenceModels } from './module';

/**
 * The document the catalog collator writes for an entity: the default entity
 * transformer and location template of
 * @backstage/plugin-search-backend-module-catalog 0.3.19
 * (src/collators/defaultCatalogCollatorEntityTransformer.ts,
 * DefaultCatalogCollatorFactory.ts).
 */
function catalogDocument(entity: Entity): IndexableDocument {
  const spec = (entity.spec ?? {}) as Record<string, any>;
  const namespace = entity.metadata.namespace || 'default';
  return {
    title: entity.metadata.title ?? entity.metadata.name,
    text: entity.metadata.description ?? '',
    componentType: spec.type?.toString() || 'other',
    type: spec.type?.toString() || 'other',
    namespace,
    kind: entity.kind,
    lifecycle: spec.lifecycle || '',
    owner: spec.owner || '',
    authorization: { resourceRef: stringifyEntityRef(entity) },
    location: `/catalog/${namespace}/${entity.kind}/${entity.metadata.name}`
      .toLowerCase()
      .replace(/ /g, '%20'),
  } as IndexableDocument;
}

/** Two locations, each its own sandbox (Kubernetes API, Bifrost, Odoo). */
function twoLocations(a: Sandbox, b: Sandbox) {
  const location = (s: Sandbox) => (s.config as any).inference.locations[0];
  const cluster = (s: Sandbox) =>
    (s.config as any).kubernetes.clusterLocatorMethods[0].clusters[0];
  return {
    ...(a.config as any),
    inference: {
      ...(a.config as any).inference,
      http: { timeoutMs: 5000, retries: 0 },
      locations: [
        location(a),
        { ...location(b), name: 'stalpeni', cluster: 'stalpeni' },
      ],
    },
    kubernetes: {
      ...(a.config as any).kubernetes,
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [cluster(a), { ...cluster(b), name: 'stalpeni' }],
        },
      ],
    },
  };
}

describe('search index of Models (Lunr, as with SQLite)', () => {
  let sandboxes: Sandbox[];
  let config: any;
  beforeAll(async () => {
    sandboxes = await Promise.all([
      startSandbox({ days: 1, modelReadyDelayMs: 0 }),
      startSandbox({ days: 1, modelReadyDelayMs: 0 }),
    ]);
    config = twoLocations(sandboxes[0], sandboxes[1]);
  });
  afterAll(() => Promise.all(sandboxes.map(s => s.close())));

  /**
   * Builds the index as the search backend does: the module's collator and
   * decorators, next to the catalog collator's documents of what the
   * catalog module provides. One backend runs the search module, the
   * inference-models plugin it reads over HTTP and the catalog module.
   */
  async function buildIndex() {
    const collators: DocumentCollatorFactory[] = [];
    const decorators: DocumentDecoratorFactory[] = [];
    const providers: EntityProvider[] = [];
    const engines: SearchEngine[] = [];
    const events = mockServices.events();
    const { server } = await startTestBackend({
      extensionPoints: [
        [
          searchEngineRegistryExtensionPoint,
          { setSearchEngine: (e: SearchEngine) => engines.push(e) },
        ],
        [
          searchIndexRegistryExtensionPoint,
          {
            addCollator: ({ factory }: { factory: DocumentCollatorFactory }) =>
              collators.push(factory),
            addDecorator: ({
              factory,
            }: {
              factory: DocumentDecoratorFactory;
            }) => decorators.push(factory),
          },
        ],
        [
          catalogProcessingExtensionPoint,
          {
            addEntityProvider: (
              ...added: Array<EntityProvider | EntityProvider[]>
            ) => {
              providers.push(...added.flat());
            },
          },
        ],
      ],
      features: [
        searchModuleInferenceModels,
        inferenceModelsPlugin,
        catalogModuleInferenceModels,
        createServiceFactory({
          service: eventsServiceRef,
          deps: {},
          factory: () => events,
        }),
        mockServices.rootConfig.factory({ data: config as any }),
      ],
    });

    // The catalog's entities of every location, refreshed on request.
    const entities = new Map<string, Entity[]>();
    for (const provider of providers) {
      await provider.connect({
        applyMutation: async (mutation: any) => {
          entities.set(
            provider.getProviderName(),
            mutation.entities.map((e: any) => e.entity),
          );
        },
        refresh: async () => {},
      });
    }
    for (const location of ['local', 'stalpeni']) {
      await request(server)
        .post(`/api/inference-models/refresh?location=${location}`)
        .set('authorization', mockCredentials.user.header())
        .expect(200);
    }
    const catalog: DocumentCollatorFactory = {
      type: 'software-catalog',
      getCollator: async () =>
        Readable.from([...entities.values()].flat().map(catalogDocument)),
    };

    // The engine the module sets without PostgreSQL (SQLite here).
    expect(engines).toHaveLength(1);
    const [engine] = engines;
    // The catalog collator runs after the models' one, as it can at startup.
    for (const factory of [...collators, catalog]) {
      const applied = await Promise.all(
        decorators
          .filter(d => !d.types || d.types.includes(factory.type))
          .map(d => d.getDecorator()),
      );
      const indexer = await engine.getIndexer(factory.type);
      const closed = once(indexer, 'close');
      await pipeline([await factory.getCollator(), ...applied, indexer]);
      await closed;
    }
    const models = (
      await request(server)
        .get('/api/inference-models/models?limit=1000')
        .set('authorization', mockCredentials.user.header())
        .expect(200)
    ).body as ModelListResponse;
    return { engine, models };
  }

  /** The fragments a highlighted field marks. */
  function marked(
    highlight: { preTag: string; postTag: string; fields: object },
    field: string,
  ): string[] {
    const value = (highlight.fields as Record<string, string>)[field] ?? '';
    return value
      .split(highlight.preTag)
      .slice(1)
      .map(part => part.split(highlight.postTag)[0]);
  }

  it('finds each Model deployment once per location, with the query marked', async () => {
    const {
      engine,
      models: { items },
    } = await buildIndex();
    const qwenDeployments = items
      .filter(m => /qwen/i.test(`${m.name} ${m.title ?? ''}`))
      .map(m => `/catalog/${m.location}/resource/${m.name}`)
      .sort();
    expect(qwenDeployments).toContain(
      '/catalog/stalpeni/resource/qwen25-05b-instruct',
    );
    expect(qwenDeployments).toContain(
      '/catalog/local/resource/qwen25-05b-instruct',
    );

    const { results } = await engine.query({ term: 'qwen', pageLimit: 100 });
    const modelResults = results.filter(r =>
      r.document.location.startsWith('/catalog/'),
    );
    // One result per deployment: no catalog duplicate of a Model. (Lunr's
    // default query also matches within edit distance 2, so a Model with the
    // token "en" is found too; it is listed once like the others.)
    const found = modelResults.map(r => r.document.location).sort();
    expect(new Set(found).size).toBe(found.length);
    expect(found).toEqual(expect.arrayContaining(qwenDeployments));
    for (const result of modelResults.filter(r =>
      qwenDeployments.includes(r.document.location),
    )) {
      expect(result.type).toBe('inference-model');
      expect(result.document).toMatchObject({
        inferenceLocation: expect.any(String),
      });
      const fragments = [
        ...marked(result.highlight!, 'title'),
        ...marked(result.highlight!, 'text'),
      ];
      expect(fragments.length).toBeGreaterThan(0);
      for (const fragment of fragments) {
        expect(fragment).toMatch(/^qwen/i);
      }
    }
    const title = marked(
      results.find(
        r =>
          r.document.location === '/catalog/local/resource/qwen25-05b-instruct',
      )!.highlight!,
      'title',
    );
    expect(title).toEqual(['Qwen2']);

    // A model deployed in two locations: two results, one per location.
    const { results: nomic } = await engine.query({
      term: 'nomic',
      pageLimit: 100,
    });
    expect(
      nomic.map(r => `${r.type} ${(r.document as any).inferenceLocation}`),
    ).toEqual(
      expect.arrayContaining([
        'inference-model local',
        'inference-model stalpeni',
      ]),
    );
    expect(nomic).toHaveLength(2);
    expect(nomic.map(r => r.document.title).sort()).toEqual([
      'Nomic Embed Text v1.5 (local)',
      'Nomic Embed Text v1.5 (stalpeni)',
    ]);
  });

  it('filters by type and location', async () => {
    const { engine } = await buildIndex();
    const { results } = await engine.query({
      term: 'qwen',
      types: ['inference-model'],
      filters: { inferenceLocation: 'stalpeni' },
      pageLimit: 100,
    });
    expect(results.length).toBeGreaterThan(0);
    expect(
      results.every(
        r =>
          r.type === 'inference-model' &&
          (r.document as any).inferenceLocation === 'stalpeni',
      ),
    ).toBe(true);
    // The filter narrows the term's results: only what matches both.
    const { results: nomic, numberOfResults } = await engine.query({
      term: 'nomic',
      filters: { inferenceLocation: 'stalpeni' },
    });
    expect(nomic.map(r => r.document.location)).toEqual([
      '/catalog/stalpeni/resource/nomic-embed-text',
    ]);
    expect(numberOfResults).toBe(1);
    expect(nomic[0].highlight?.fields.title).toContain('Nomic');
    // Pages of what is left.
    const first = await engine.query({
      term: 'qwen',
      filters: { inferenceLocation: ['stalpeni'] },
      pageLimit: 1,
    });
    expect(first.results).toHaveLength(1);
    const second = await engine.query({
      term: 'qwen',
      filters: { inferenceLocation: ['stalpeni'] },
      pageLimit: 1,
      pageCursor: first.nextPageCursor,
    });
    expect(second.results[0].rank).toBe(2);
    expect(second.results[0].document.location).not.toBe(
      first.results[0].document.location,
    );
    expect(second.previousPageCursor).toBeDefined();

    // The catalog still indexes what no inference collator does: the locations.
    const { results: clusters } = await engine.query({
      term: 'stalpeni',
      types: ['software-catalog'],
    });
    expect(clusters.map(r => r.document.location)).toContain(
      '/catalog/stalpeni/resource/stalpeni',
    );
  });
});
