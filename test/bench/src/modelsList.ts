/*
 * Listing Models across locations through the real @kubernetes/client-node.
 * Target (over HTTP): GET /models p95 <= 50 ms at 50 concurrent
 * clients with 3 locations x 1,000 Models. This measures the service behind
 * the route (ModelService with its list cache, real client-node reads).
 */
import { ConfigReader } from '@backstage/config';
import { ConfigInferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import { ModelService } from '@internal/backstage-plugin-inference-models-backend/src/services/ModelService';
import { locationsConfig, startModelClusters } from './emulatedLocations';
import { figure, mib, percentile } from './util';

export async function modelsList(
  locations: number,
  modelsPerLocation: number,
  concurrency: number,
  rounds: number,
) {
  const emulators = await startModelClusters(locations, modelsPerLocation);
  try {
    const config = new ConfigReader(locationsConfig(emulators));
    const service = new ModelService({
      locations: ConfigInferenceLocationsService.fromConfig(config),
    });
    await service.list({});
    const latencies: number[] = [];
    const rssBefore = process.memoryUsage().rss;
    for (let r = 0; r < rounds; r++) {
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          const t0 = performance.now();
          const result = await service.list({});
          latencies.push(performance.now() - t0);
          if (result.items.length !== locations * modelsPerLocation) {
            throw new Error(
              `expected ${locations * modelsPerLocation} models, got ${
                result.items.length
              }: ${JSON.stringify(result.errors)}`,
            );
          }
        }),
      );
    }
    latencies.sort((a, b) => a - b);
    figure(
      `models list: ${locations} locations x ${modelsPerLocation} Models, ${concurrency} concurrent`,
      `${latencies.length} calls`,
    );
    figure(
      `models list p50 / p95 (service level, warm cache)`,
      `${percentile(latencies, 50).toFixed(0)} ms / ${percentile(
        latencies,
        95,
      ).toFixed(0)} ms`,
    );
    figure(
      `models list RSS growth`,
      mib(process.memoryUsage().rss - rssBefore),
    );
  } finally {
    await Promise.all(emulators.map(e => e.close()));
  }
}
