export interface Config {
  inference?: {
    /** Settings of the bare-metal family (beside the plugin's, see its config.d.ts). */
    bareMetal?: {
      /** Owner of the server entities. Default group:default/sre. */
      owner?: string;
      /** Minutes between two catalog refreshes of each location's servers. Default 5. */
      refreshMinutes?: number;
    };
  };
}
