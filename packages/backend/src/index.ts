/*
 * The portal's backend: Backstage core plugins plus the inference plugins
 * (models, billing, bare metal). Locations come from `inference.locations`
 * (see plugins/inference-node/config.d.ts); `./portal start` adds the `local`
 * sandbox location when none are configured.
 */

import { createBackend } from '@backstage/backend-defaults';
import {
  catalogModuleBareMetal,
  scaffolderModuleBareMetal,
  searchModuleBareMetal,
} from '@internal/backstage-plugin-bare-metal-backend';
import {
  scaffolderModuleInferenceBilling,
  searchModuleInferenceCustomers,
} from '@internal/backstage-plugin-inference-billing-backend';
import {
  catalogModuleInferenceModels,
  scaffolderModuleInferenceModels,
  searchModuleInferenceModels,
} from '@internal/backstage-plugin-inference-models-backend';
import { permissionModuleInferencePolicy } from './permissions/module';
import { authModuleSandboxUsers } from './auth/sandboxUsersModule';

const backend = createBackend();

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
backend.add(authModuleSandboxUsers);
backend.add(import('@backstage/plugin-auth-backend-module-oidc-provider'));
// See https://backstage.io/docs/auth/guest/provider

// catalog plugin
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

// See https://backstage.io/docs/features/software-catalog/configuration#subscribing-to-catalog-errors
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permission plugin
backend.add(import('@backstage/plugin-permission-backend'));
// Role-based policy: see src/permissions/InferencePermissionPolicy.ts
backend.add(permissionModuleInferencePolicy);

// search plugin
backend.add(import('@backstage/plugin-search-backend'));

// search engine
// See https://backstage.io/docs/features/search/search-engines
backend.add(import('@backstage/plugin-search-backend-module-pg'));

// search collators
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

// kubernetes plugin
backend.add(import('@backstage/plugin-kubernetes-backend'));

// user settings plugin
backend.add(import('@backstage/plugin-user-settings-backend'));

// notifications and signals plugins
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// mcp actions plugin
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// inference plugins
backend.add(import('@internal/backstage-plugin-inference-models-backend'));
backend.add(catalogModuleInferenceModels);
backend.add(scaffolderModuleInferenceModels);
backend.add(searchModuleInferenceModels);
backend.add(import('@internal/backstage-plugin-inference-billing-backend'));
backend.add(searchModuleInferenceCustomers);
backend.add(scaffolderModuleInferenceBilling);
backend.add(import('@internal/backstage-plugin-bare-metal-backend'));
backend.add(scaffolderModuleBareMetal);
backend.add(catalogModuleBareMetal);
backend.add(searchModuleBareMetal);

backend.start();
