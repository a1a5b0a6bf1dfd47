import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  inference?: {
    /** Settings of the catalog module inference-models (beside the plugin's, see its config.d.ts). */
    models?: {
      /**
       * Entity ref of the owner of the model, cluster and gateway entities.
       * Default `group:default/inference-admins`; the kind defaults to group.
       */
      owner?: string;
      /**
       * How often each location's entities are refreshed in the catalog (one
       * scheduler task per location). Default `{ frequency: { minutes: 1 },
       * timeout: { minutes: 3 } }`.
       */
      refresh?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
  };
}
