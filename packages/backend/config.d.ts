export interface Config {
  inference?: {
    /**
     * Who holds each role of the portal's permission policy: entity refs of
     * groups or users. Everyone else who is signed in may read.
     */
    roles?: {
      /** Everything, including deploying, scaling and retiring Models. Default group:default/inference-admins. */
      admin?: string[];
      /** Customers, keys, usage, invoices, onboarding approvals. Default group:default/billing-admins. */
      billing?: string[];
      /** Servers, K3s and Helm installation. Default group:default/sre. */
      sre?: string[];
    };
  };
}
