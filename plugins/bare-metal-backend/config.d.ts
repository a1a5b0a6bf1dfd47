export interface Config {
  inference?: {
    /**
     * Settings of the bare-metal plugin. The catalog module's (owner,
     * refreshMinutes) and the scaffolder module's (k3s) are in their
     * packages' config.d.ts.
     */
    bareMetal?: {
      /** Hardware facts read over SSH and joined into /nodes. */
      sshFacts?: {
        /** Read CPU, memory, disks and nvidia-smi over SSH. Default false. */
        enabled?: boolean;
        /** Seconds the facts of a server are reused. Default 300. */
        cacheSeconds?: number;
        /** Timeout of connecting and reading the facts of one server, in ms. Default 15000. */
        timeoutMs?: number;
      };
    };
  };
}
