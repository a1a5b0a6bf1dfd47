/*
 * GET /api/inference-models/models over HTTP, through a real Backstage
 * backend (auth with a static external-access token), at 50 concurrent
 * connections with 3 locations x 1,000 Models in Kubernetes emulators.
 * Target: p95 <= 50 ms.
 */
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import autocannon from 'autocannon';
import crypto from 'node:crypto';
import {
  freePort,
  locationsConfig,
  startModelClusters,
} from './emulatedLocations';
import { figure } from './util';

// Request logging at info would dominate the figures.
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'warn';

export async function modelsHttp(
  locations: number,
  modelsPerLocation: number,
  connections: number,
  seconds: number,
) {
  const emulators = await startModelClusters(locations, modelsPerLocation);
  const backend = createBackend();
  try {
    const port = await freePort();
    const token = crypto.randomBytes(24).toString('base64url');
    const config = new ConfigReader({
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { host: '127.0.0.1', port },
        database: { client: 'better-sqlite3', connection: ':memory:' },
        auth: {
          externalAccess: [
            { type: 'static', options: { token, subject: 'bench' } },
          ],
        },
      },
      permission: { enabled: false },
      ...locationsConfig(emulators),
    });
    backend.add(
      createServiceFactory({
        service: coreServices.rootConfig,
        deps: {},
        factory: () => config,
      }),
    );
    backend.add(import('@internal/backstage-plugin-inference-models-backend'));
    await backend.start();

    const url = `http://127.0.0.1:${port}/api/inference-models/models`;
    const warm = await fetch(url, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await warm.json()) as { items: unknown[]; total: number };
    if (
      warm.status !== 200 ||
      body.total !== locations * modelsPerLocation ||
      body.items.length !== 100
    ) {
      throw new Error(
        `warm-up: HTTP ${warm.status}, ${body.items?.length} items of ${body.total}`,
      );
    }
    // The load generator runs in its own thread so it does not share the
    // backend's event loop.
    const result = await autocannon({
      url,
      connections,
      duration: seconds,
      workers: 1,
      headers: { authorization: `Bearer ${token}` },
    });
    const latency = result.latency as unknown as Record<string, number>;
    figure(
      `GET /models (first page, 100 of ${
        locations * modelsPerLocation
      }) over HTTP, ${connections} connections`,
      `${result.requests.total} requests in ${seconds} s, ${result.non2xx} non-2xx`,
    );
    figure(
      'GET /models latency p50 / p90 / p97.5 (target p95 <= 50 ms; p95 <= p97.5)',
      `${latency.p50} ms / ${latency.p90} ms / ${latency.p97_5} ms`,
    );
  } finally {
    await backend.stop().catch(() => undefined);
    await Promise.all(emulators.map(e => e.close()));
  }
}
