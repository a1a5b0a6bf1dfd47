export interface Config {
  /** Settings of the inference portal plugins (models, billing, bare metal). */
  inference?: {
    /**
     * The independent sites the company sells inference from. Each has its own
     * K3s cluster (KubeAI), Bifrost gateway, Odoo tenant and billing.
     * When this key is absent, `./portal start` runs the `local` sandbox
     * location on emulators instead.
     */
    locations?: Array<{
      /** Lower-case id ([a-z0-9-]); becomes the catalog namespace of the location's entities. */
      name: string;
      /** Human-readable name, e.g. "Stalpeni (RO)". */
      title?: string;
      /** DNS domain of the location's services, e.g. stalpeni.inferencebros.com. */
      domain: string;
      /** ISO 3166-1 alpha-2 country code of the datacenter, e.g. RO. */
      countryCode: string;
      /** Name of a cluster configured under `kubernetes.clusterLocatorMethods`. */
      cluster: string;
      /** Namespace KubeAI runs in and its Model resources live in. Default `kubeai`. */
      kubeaiNamespace?: string;
      /** The location's Bifrost LLM gateway (admin API). */
      bifrost: {
        /** Base URL of Bifrost, without `/api`. */
        baseUrl: string;
        /** Admin user for HTTP Basic on `/api/*`, when Bifrost has auth enabled. */
        adminUsername?: string;
        /**
         * Admin password for HTTP Basic on `/api/*`.
         * @visibility secret
         */
        adminPassword?: string;
      };
      /** The location's Odoo tenant for invoices. */
      odoo?: {
        /** Base URL of Odoo, e.g. https://inferencebros.odoo.com */
        url: string;
        /** Odoo database name. */
        database: string;
        /** Login of the API user. */
        username: string;
        /**
         * API key (or password) of the API user.
         * @visibility secret
         */
        apiKey: string;
        /** `jsonrpc` (Odoo <= 18, deprecated in 19) or `json2` (Odoo 19+). Default `jsonrpc`. */
        protocol?: 'jsonrpc' | 'json2';
      };
      /** Billing settings of the location. */
      billing?: {
        /**
         * ISO 4217 currency of the location's books in Odoo. Default EUR.
         * Invoices are issued in USD, the currency of the Models' prices;
         * Odoo converts them into this currency at its own rates.
         */
        currency?: string;
        /** Day of the month (1-28) the monthly invoice run happens, 00:00 UTC. Default 2. */
        invoiceDay?: number;
      };
      /** Bare-metal servers of the location (what terraform.tfvars held). */
      servers?: Array<{
        /** Host name; also the Kubernetes Node name. */
        name: string;
        /** IP address or DNS name reachable over SSH. */
        address: string;
        /** SSH port. Default 22. */
        sshPort?: number;
        /** Roles: `server` (K3s control plane), `agent`, `gpu`. */
        roles?: Array<'server' | 'agent' | 'gpu'>;
        /** SSH user of this server; overrides `ssh.user`. Commands run with `sudo -n` unless it is root. */
        sshUser?: string;
        /**
         * SHA256 fingerprint of the server's SSH host key, as `ssh-keygen -lf` prints it
         * (`SHA256:` and 43 base64 characters). SSH connections to a server whose key
         * differs, or that has none configured, are refused.
         */
        hostKeySha256?: string;
      }>;
      /** How the portal reaches the location's servers over SSH (K3s install, SSH facts). */
      ssh?: {
        /** SSH user. Default root. */
        user?: string;
        /**
         * OpenSSH or PEM private key. When absent, the K3s install template asks for one
         * as a scaffolder secret.
         * @visibility secret
         */
        privateKey?: string;
        /**
         * Passphrase of the private key.
         * @visibility secret
         */
        passphrase?: string;
        /** Timeout of the SSH handshake, in ms. Default 10000. */
        connectTimeoutMs?: number;
      };
      /** LAN addresses of the location. */
      network?: {
        /** Virtual IP of the K3s API (kube-vip). */
        kubeVip?: string;
        /** MetalLB address of ingress-nginx. */
        ingressIp?: string;
      };
      /** Helm chart installs on the location's cluster (`baremetal:helm:install`). */
      helm?: {
        /**
         * Chart repository hosts (host names or IP addresses, exactly as in the URL) that
         * may be used although they are internal (loopback, link-local, private, cluster
         * names) and over plain http. Every other repository must be https or oci on a
         * public host, since K3s's helm-controller fetches it from inside the cluster.
         */
        allowedRepositoryHosts?: string[];
      };
    }>;
    /** How the plugins call external systems. */
    http?: {
      /** Timeout of one call to a Kubernetes API, Bifrost or Odoo, in ms. Default 10000. */
      timeoutMs?: number;
      /** Retries of idempotent calls after a network error or 5xx. Default 2. */
      retries?: number;
    };
  };
}
