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
      /**
       * Roles held in some locations only. For Model changes (deploy, scale,
       * retire) the policy answers conditionally: allowed for Models of
       * these locations (rule IS_IN_LOCATION of inference-models). Other
       * permissions have no location and stay denied to scoped members.
       */
      scoped?: Array<{
        role: 'admin' | 'billing' | 'sre';
        /** Entity refs of groups or users. */
        members: string[];
        /** Location names. */
        locations: string[];
      }>;
    };
  };
}
