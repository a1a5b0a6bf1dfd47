import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import type { bareMetalApiRef } from '@internal/backstage-plugin-bare-metal';
import type { inferenceBillingApiRef } from '@internal/backstage-plugin-inference-billing';
import type { inferenceModelsApiRef } from '@internal/backstage-plugin-inference-models';
import { listScheduledTasks } from './schedulerTasks';
import type {
  BillingOverviewResponse,
  ModelsOverviewResponse,
  SchedulerTask,
  ServerListResponse,
} from './types';

/** The home page's data as its early answer is named and keyed (`askEarly`). */
export const HOME_DATA = 'home.overview';

/** What the home page shows, from the backends that answered. */
export interface Loaded {
  models?: ModelsOverviewResponse;
  billing?: BillingOverviewResponse;
  servers?: ServerListResponse;
  tasks?: SchedulerTask[];
  /** What could not be loaded at all, per backend. */
  failures: string[];
}

export interface HomeDataDeps {
  models: typeof inferenceModelsApiRef.T;
  billing: typeof inferenceBillingApiRef.T;
  bareMetal: typeof bareMetalApiRef.T;
  discoveryApi: DiscoveryApi;
  fetchApi: FetchApi;
}

const reason = (what: string, r: PromiseSettledResult<unknown>) =>
  r.status === 'rejected'
    ? [`${what}: ${(r.reason as Error)?.message ?? String(r.reason)}`]
    : [];

/**
 * Every backend's overview at once; one that fails is named in `failures`
 * and leaves the others' figures. Kept apart from the page's components: the
 * home route asks for it before the page's code has loaded.
 */
export async function loadHomeData(deps: HomeDataDeps): Promise<Loaded> {
  const { models, billing, bareMetal, discoveryApi, fetchApi } = deps;
  const [m, b, s, t] = await Promise.allSettled([
    models.getModelsOverview(),
    billing.getBillingOverview(),
    // One server is enough: the summaries count every server.
    bareMetal.listNodes({ query: { limit: 1 } }),
    listScheduledTasks({ discoveryApi, fetchApi }),
  ]);
  return {
    models: m.status === 'fulfilled' ? m.value : undefined,
    billing: b.status === 'fulfilled' ? b.value : undefined,
    servers: s.status === 'fulfilled' ? s.value : undefined,
    tasks: t.status === 'fulfilled' ? t.value : undefined,
    failures: [
      ...reason('Models', m),
      ...reason('Billing', b),
      ...reason('Servers', s),
      ...reason('Scheduled tasks', t),
    ],
  };
}
