export interface Config {
  inference?: {
    /** Settings of the inference-billing plugin. */
    billing?: {
      /** Minutes between two usage ingestions from each location's Bifrost. Default 5. */
      ingestionIntervalMinutes?: number;
    };
  };
}
