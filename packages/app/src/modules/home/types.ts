import type { bareMetalApiRef } from '@internal/backstage-plugin-bare-metal';
import type { inferenceBillingApiRef } from '@internal/backstage-plugin-inference-billing';
import type { inferenceModelsApiRef } from '@internal/backstage-plugin-inference-models';

// The backends' wire types, through the typed clients the API refs hold.
export type ModelsOverviewResponse = Awaited<
  ReturnType<(typeof inferenceModelsApiRef.T)['getModelsOverview']>
>;
export type BillingOverviewResponse = Awaited<
  ReturnType<(typeof inferenceBillingApiRef.T)['getBillingOverview']>
>;
export type ServerListResponse = Awaited<
  ReturnType<(typeof bareMetalApiRef.T)['listNodes']>
>;
export type ModelsLocation = ModelsOverviewResponse['items'][number];
export type BillingLocation = BillingOverviewResponse['items'][number];
export type GpuSummary = ServerListResponse['summaries'][number];
export type SystemProbe = ModelsLocation['cluster'];
export type UsageComparison = NonNullable<BillingLocation['usage']>;
export type InvoiceRun = NonNullable<BillingLocation['lastInvoiceRun']>;

/**
 * A task of Backstage's scheduler as `/.backstage/scheduler/v1/tasks` of a
 * plugin answers it (the fields the home page reads).
 */
export interface SchedulerTask {
  taskId: string;
  pluginId: string;
  taskState: {
    status: string;
    lastRunEndedAt?: string;
    lastRunError?: string;
  } | null;
}
