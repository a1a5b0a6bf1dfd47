import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import type { SchedulerTask } from './types';

/**
 * Plugins whose scheduled work the home page watches: usage ingestion,
 * pricing sync and invoicing run in inference-billing, the catalog refresh
 * of Models and servers in the catalog's entity providers.
 */
export const SCHEDULED_PLUGINS = ['inference-billing', 'catalog'];

/**
 * Every task of those plugins with its last run, from the task API that
 * Backstage's scheduler serves on each plugin's router
 * (`/.backstage/scheduler/v1/tasks`, what DevTools' scheduled tasks read).
 */
export async function listScheduledTasks(deps: {
  discoveryApi: DiscoveryApi;
  fetchApi: FetchApi;
}): Promise<SchedulerTask[]> {
  const lists = await Promise.all(
    SCHEDULED_PLUGINS.map(async pluginId => {
      const base = await deps.discoveryApi.getBaseUrl(pluginId);
      const res = await deps.fetchApi.fetch(
        `${base}/.backstage/scheduler/v1/tasks`,
      );
      if (!res.ok) {
        throw new Error(
          `${pluginId}: scheduled tasks: HTTP ${res.status} ${res.statusText}`,
        );
      }
      return ((await res.json()) as { tasks?: SchedulerTask[] }).tasks ?? [];
    }),
  );
  return lists.flat();
}
