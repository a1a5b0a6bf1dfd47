/*
 * The inference-models entity provider through a real Backstage catalog:
 * 3 locations x 1,000 Models in Kubernetes emulators. Figures: the time for
 * one on-demand refresh of every location (read the Models, map them and
 * apply the full mutation per location), and the time until the catalog
 * serves all model entities (processing and stitching included).
 * Target: the refresh applies all entities in <= 5 s.
 */
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import catalogModuleInferenceModels from '@internal/backstage-plugin-catalog-backend-module-inference-models';
import type { KubernetesEmulator } from '@internal/test-emulators';
import crypto from 'node:crypto';
import knexFactory from 'knex';
import {
  benchModel,
  freePort,
  locationsConfig,
  startModelClusters,
} from './emulatedLocations';
import { figure, mib } from './util';

process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'warn';

/** The bench Model with a valid OpenRouter listing, as deployments carry. */
function model(i: number) {
  const base = benchModel(i) as { metadata: object };
  return {
    ...base,
    metadata: {
      ...base.metadata,
      annotations: {
        'openrouter.ai/json': JSON.stringify({
          id: `bench/model-${i}`,
          hugging_face_id: `org/model-${i}`,
          name: `Model ${i}`,
          created: 1_700_000_000,
          input_modalities: ['text'],
          output_modalities: ['text'],
          quantization: 'bf16',
          context_length: 4096,
          max_output_length: 1024,
          pricing: { prompt: '0.000008', completion: '0.000024' },
          supported_sampling_parameters: ['temperature'],
          supported_features: [],
          datacenters: [{ country_code: 'RO' }],
        }),
      },
    },
  };
}

export async function providerRefresh(
  locations: number,
  modelsPerLocation: number,
) {
  let emulators: KubernetesEmulator[] = [];
  // PostgreSQL when it answers (one database per plugin under a throwaway
  // prefix, dropped afterwards), else SQLite in memory.
  const prefix = `bench_refresh_${Date.now()}_`;
  const admin = knexFactory({
    client: 'pg',
    connection: {
      host: '127.0.0.1',
      port: 5432,
      user: 'postgres',
      database: 'postgres',
    },
    pool: { min: 0, max: 1 },
  });
  const pg = await admin.raw('select 1').then(
    () => true,
    () => false,
  );
  const db = pg
    ? {
        kind: 'PostgreSQL 127.0.0.1:5432',
        connection: {
          client: 'pg',
          connection: { host: '127.0.0.1', port: 5432, user: 'postgres' },
          prefix,
        },
      }
    : {
        kind: 'SQLite (in memory)',
        connection: { client: 'better-sqlite3', connection: ':memory:' },
      };
  const backend = createBackend();
  try {
    emulators = await startModelClusters(locations, modelsPerLocation, model);
    const port = await freePort();
    const token = crypto.randomBytes(24).toString('base64url');
    const config = new ConfigReader({
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { host: '127.0.0.1', port },
        database: db.connection,
        auth: {
          externalAccess: [
            { type: 'static', options: { token, subject: 'bench' } },
          ],
        },
      },
      permission: { enabled: false },
      catalog: { rules: [{ allow: ['Resource', 'API', 'Group', 'User'] }] },
      ...locationsConfig(emulators),
      inference: {
        ...locationsConfig(emulators).inference,
        // Only the on-demand refreshes of the benchmark, no scheduled ones.
        models: {
          refresh: {
            frequency: { hours: 24 },
            timeout: { minutes: 10 },
            initialDelay: { hours: 1 },
          },
        },
      },
    });
    backend.add(
      createServiceFactory({
        service: coreServices.rootConfig,
        deps: {},
        factory: () => config,
      }),
    );
    backend.add(import('@backstage/plugin-catalog-backend'));
    backend.add(import('@internal/backstage-plugin-inference-models-backend'));
    backend.add(catalogModuleInferenceModels);
    await backend.start();

    const base = `http://127.0.0.1:${port}/api`;
    const headers = { authorization: `Bearer ${token}` };
    const started = performance.now();
    await Promise.all(
      emulators.map(async (_, l) => {
        const res = await fetch(
          `${base}/inference-models/refresh?location=loc${l}`,
          { method: 'POST', headers },
        );
        if (!res.ok) {
          throw new Error(
            `refresh loc${l}: HTTP ${res.status} ${await res.text()}`,
          );
        }
      }),
    );
    // One backend: each answer comes once the catalog module has applied the
    // location's full mutation (the refresh request is an event it handles
    // before publish returns). The catalog count below checks they all came.
    const applied = performance.now() - started;
    const models = locations * modelsPerLocation;
    const entities = locations * (modelsPerLocation + 2);
    figure(
      `Provider refresh, ${locations} x ${modelsPerLocation} Models (${db.kind})`,
      `${entities} entities applied in ${(applied / 1000).toFixed(
        2,
      )} s (target <= 5 s)`,
    );

    // Until the catalog serves every model entity (processed and stitched).
    const deadline = Date.now() + 15 * 60_000;
    let served = 0;
    while (served < models && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 1000));
      const res = await fetch(
        `${base}/catalog/entities/by-query?filter=kind=resource,spec.type=ai-model&limit=1&fields=metadata.name`,
        { headers },
      );
      served = ((await res.json()) as { totalItems: number }).totalItems;
    }
    figure(
      'Catalog serves every model entity after',
      `${((performance.now() - started) / 1000).toFixed(
        1,
      )} s (${served} of ${models}; processing included)`,
    );
    if (served !== models) {
      throw new Error(
        `the catalog serves ${served} Models, expected ${models}`,
      );
    }
    figure(
      'Backend peak RSS (this process)',
      mib(process.resourceUsage().maxRSS * 1024),
    );
  } finally {
    await backend.stop().catch(() => undefined);
    await Promise.all(emulators.map(e => e.close()));
    if (pg) {
      const { rows } = await admin.raw(
        'select datname from pg_database where datname like ?',
        [`${prefix}%`],
      );
      for (const { datname } of rows as Array<{ datname: string }>) {
        await admin.raw(`DROP DATABASE "${datname}" WITH (FORCE)`);
      }
    }
    await admin.destroy();
  }
}
