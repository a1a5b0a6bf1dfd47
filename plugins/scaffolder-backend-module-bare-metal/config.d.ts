export interface Config {
  inference?: {
    /** Settings of the bare-metal family (beside the plugin's, see its config.d.ts). */
    bareMetal?: {
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
    };
  };
}
