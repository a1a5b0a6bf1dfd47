/*
 * The portal's backend: Backstage's core plugins plus the inference plugins
 * (models, billing, bare metal) and their catalog, scaffolder and search
 * modules. Locations come from `inference.locations` (see
 * plugins/inference-node/config.d.ts); `./portal start` adds the `local`
 * sandbox location when none are configured.
 *
 * The dev sandbox (`./portal start`, `backstage-cli repo start`) and a
 * single-deployment install run everything in this one backend.
 *
 * A split deployment (infra/kubernetes/base, Backstage's
 * https://backstage.io/docs/backend-system/building-backends/index#split-into-multiple-backends)
 * runs this package in the Deployment `inference-portal` and the billing
 * plugin alone in packages/backend-billing (Deployment
 * `inference-portal-billing`, where invoice runs get a process of their
 * own). Which one it is, config says, not an environment variable: when
 * `discovery.endpoints` routes `inference-billing` to another backend
 * (infra/kubernetes/base/app-config.portal.yaml), this backend leaves the
 * billing plugin out (./billingPlugin.ts, a feature loader); its scaffolder
 * and search modules stay here and call the billing plugin over HTTP,
 * through discovery.
 */
import { createBackend } from '@backstage/backend-defaults';
import { portalRootHttpRouterServiceFactory } from './http/rootHttpRouter';

const backend = createBackend();

// Backstage's root router plus a 413 for oversized bodies (as in
// packages/backend-billing) and the app's static files compressed once.
backend.add(portalRootHttpRouterServiceFactory);

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// scaffolder plugin
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);

// techdocs plugin
backend.add(import('@backstage/plugin-techdocs-backend'));

// auth plugin
backend.add(import('@backstage/plugin-auth-backend'));
// See https://backstage.io/docs/backend-system/building-backends/migrating#the-auth-plugin
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// Dev sandbox only: inert unless auth.providers.sandbox is configured (./portal start does).
backend.add(import('./auth/sandboxUsersModule'));
backend.add(import('@backstage/plugin-auth-backend-module-oidc-provider'));

// catalog plugin
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
// See https://backstage.io/docs/features/software-catalog/configuration#subscribing-to-catalog-errors
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permission plugin, with the portal's role-based policy
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import(
    '@internal/backstage-plugin-permission-backend-module-inference-policy'
  ),
);

// search plugin, engine (https://backstage.io/docs/features/search/search-engines) and collators
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

// kubernetes plugin, and the tab's pod logs and events for every user (the proxy stays sre/admin)
backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.add(import('./kubernetes/tabReadsModule'));

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// inference-models plugin and its modules
backend.add(import('@internal/backstage-plugin-inference-models-backend'));
backend.add(
  import('@internal/backstage-plugin-catalog-backend-module-inference-models'),
);
backend.add(
  import(
    '@internal/backstage-plugin-scaffolder-backend-module-inference-models'
  ),
);
backend.add(
  import('@internal/backstage-plugin-search-backend-module-inference-models'),
);

// inference-billing plugin, unless another backend serves it (see above),
// and its modules, which call it over HTTP wherever it runs
backend.add(import('./billingPlugin'));
backend.add(
  import(
    '@internal/backstage-plugin-scaffolder-backend-module-inference-billing'
  ),
);
backend.add(
  import('@internal/backstage-plugin-search-backend-module-inference-billing'),
);

// bare-metal plugin and its modules
backend.add(import('@internal/backstage-plugin-bare-metal-backend'));
backend.add(
  import('@internal/backstage-plugin-catalog-backend-module-bare-metal'),
);
backend.add(
  import('@internal/backstage-plugin-scaffolder-backend-module-bare-metal'),
);
backend.add(
  import('@internal/backstage-plugin-search-backend-module-bare-metal'),
);

backend.start().catch(error => {
  // Backstage has logged the plugins' startup errors; this names the cause.
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
