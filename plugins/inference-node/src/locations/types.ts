/** A bare-metal server of a location, as configured. */
export interface LocationServer {
  name: string;
  address: string;
  sshPort: number;
  roles: Array<'server' | 'agent' | 'gpu'>;
  /** SSH user; overrides the location's `ssh.user`. */
  sshUser?: string;
  /** Pinned host key fingerprint, `SHA256:<43 base64 characters>`. */
  hostKeySha256?: string;
}

/** How the portal reaches a location's servers over SSH. */
export interface LocationSsh {
  user: string;
  privateKey?: string;
  passphrase?: string;
  connectTimeoutMs: number;
}

/** One independent site: its cluster, gateway, ERP tenant and billing settings. */
export interface InferenceLocation {
  name: string;
  title: string;
  domain: string;
  countryCode: string;
  cluster: string;
  kubeaiNamespace: string;
  bifrost: {
    baseUrl: string;
    adminUsername?: string;
    adminPassword?: string;
  };
  odoo?: {
    url: string;
    database: string;
    username: string;
    apiKey: string;
    protocol: 'jsonrpc' | 'json2';
  };
  billing: {
    currency: string;
    invoiceDay: number;
  };
  servers: LocationServer[];
  /** SSH settings; readInferenceLocations always sets them. */
  ssh?: LocationSsh;
  network: {
    kubeVip?: string;
    ingressIp?: string;
  };
  /** Helm installs (`baremetal:helm:install`); readInferenceLocations always sets it. */
  helm?: {
    /** Internal chart repository hosts accepted although not public (http allowed). */
    allowedRepositoryHosts: string[];
  };
}

/** How the plugins call external systems. */
export interface ExternalCallSettings {
  timeoutMs: number;
  retries: number;
}
