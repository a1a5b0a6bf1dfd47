export interface Config {
  auth?: {
    providers?: {
      /**
       * The guest provider (the sandbox). Visible to the frontend, without
       * its settings, so that the sign-in page offers guest only when it is
       * configured (auth.providers.oidc is frontend-visible from its module).
       * @visibility frontend
       */
      guest?: {
        [key: string]: unknown;
      };
    };
  };
}
