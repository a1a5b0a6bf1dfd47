export interface Config {
  inference?: {
    /** Settings of the inference-billing plugin. */
    billing?: {
      /** Minutes between two usage ingestions from each location's Bifrost. Default 5. */
      ingestionIntervalMinutes?: number;
      /** Invoice runs (`/invoicing/generate`, the Invoices page). */
      invoicing?: {
        /**
         * Whether each location with Odoo gets its monthly run, the scheduled
         * task `invoicing:<location>` at 00:00 UTC on its `billing.invoiceDay`.
         * Default true.
         */
        schedule?: boolean;
        /**
         * Smallest invoice total in USD, a decimal string such as `"0.50"`:
         * a customer whose month totals less (after rounding to the cent) gets
         * no invoice, and the run lists it as `skipped` with the amount.
         * Default `"0.01"`: no invoice of 0.00 is ever posted.
         */
        minimumTotal?: string;
      };
      /** Customer onboarding (the onboard-customer template and the Approvals page). */
      onboarding?: {
        /**
         * Entity refs (users or groups) notified of new onboarding requests.
         * Default `group:default/billing-admins`.
         */
        approvers?: string[];
        /**
         * Secret the one-time key reveals are encrypted under (AES-256-GCM).
         * Without it a random key is used, lost when the backend restarts.
         * @visibility secret
         */
        revealSecret?: string;
        /** Hours a new virtual key stays revealable to its requester. Default 24. */
        revealTtlHours?: number;
      };
    };
  };
}
