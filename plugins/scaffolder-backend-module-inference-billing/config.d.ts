export interface Config {
  inference?: {
    billing?: {
      /** Customer onboarding (the onboard-customer template and the Approvals page). */
      onboarding?: {
        /** Seconds between two checks of `inference:approval:await`. Default 5. */
        approvalPollSeconds?: number;
      };
    };
  };
}
