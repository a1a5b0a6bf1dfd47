export interface Config {
  inference?: {
    /** Settings of the bare-metal plugin. */
    bareMetal?: {
      /** Owner of the server entities. Default group:default/sre. */
      owner?: string;
      /** Minutes between two catalog refreshes of each location's servers. Default 5. */
      refreshMinutes?: number;
      /** How `baremetal:k3s:install` installs K3s over SSH. */
      k3s?: {
        /**
         * Where nodes download the K3s install script from (http(s) or file URL).
         * Default https://get.k3s.io. Never taken from user input.
         */
        installScriptUrl?: string;
        /** K3s data dir on the nodes (passed as --data-dir). Default K3s's /var/lib/rancher/k3s. */
        dataDir?: string;
        /** Directory of the k3s binary on the nodes (INSTALL_K3S_BIN_DIR). Default /usr/local/bin. */
        binDir?: string;
        /** Timeout of one remote install command, in seconds. Default 900. */
        commandTimeoutSeconds?: number;
        /** Air-gapped installs: artifacts on the portal's host, uploaded over SFTP. */
        airGap?: {
          /** Local path of the k3s binary (from the K3s GitHub release). */
          binaryPath: string;
          /** Local path of the install script (a copy of https://get.k3s.io). */
          installScriptPath: string;
        };
      };
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
