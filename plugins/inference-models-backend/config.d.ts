export interface Config {
  inference?: {
    /**
     * Settings of the inference-models plugin (`owner` and `refresh` are the
     * catalog module's, see its config.d.ts).
     */
    models?: {
      /**
       * Seconds a location's Model list is served from memory by
       * `GET /models` and `/openrouter/models` before it is read again; a
       * list up to 60 s old is still served at once while it is refreshed in
       * the background. Default 5; 0 reads the cluster on every request.
       */
      listCacheSeconds?: number;
      /**
       * KubeAI resource profiles offered by the create-model template (they
       * must exist in the location's KubeAI helm values). Default: the
       * seeds' nvidia-unlimited, nvidia-older-unlimited, amd-unlimited,
       * cpu-unlimited and cpu-avx2-unlimited, everywhere.
       */
      resourceProfiles?: Array<{
        /** Profile name, a lower-case DNS label. */
        name: string;
        /** What staff see in the picker. Default: the name. */
        title?: string;
        /** Whether it schedules GPUs. Default: unless the name starts with `cpu`. */
        gpu?: boolean;
        /** Locations that offer it. Default: all. */
        locations?: string[];
      }>;
    };
  };
}
