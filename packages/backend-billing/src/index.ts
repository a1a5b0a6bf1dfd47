/*
 * The billing backend of a split deployment
 * (https://backstage.io/docs/backend-system/building-backends/index#split-into-multiple-backends):
 * the inference-billing plugin (usage ledger and ingestion, invoice runs,
 * the customers and onboarding API) with the permission plugin and the
 * portal's policy, and nothing else. infra/kubernetes/base/billing.yaml runs
 * it as the Deployment `inference-portal-billing`, with
 * app-config.billing.yaml pointing discovery at the portal backend
 * (packages/backend) for every plugin it calls there (auth's keys of user
 * and service tokens, catalog, notifications). The portal backend leaves
 * the billing plugin out when its discovery routes `inference-billing` here
 * (packages/backend/src/billingPlugin.ts).
 *
 * Why a backend of its own: an invoice run holds a month's lines of every
 * customer in memory; here it never shares a heap with the catalog, the
 * scaffolder or search, and stays under the 300 MB that
 * `./portal bench invoicing` measures.
 */
import { createBackend } from '@backstage/backend-defaults';
import { inferenceRootHttpRouterServiceFactory } from '@internal/backstage-plugin-inference-node';

const backend = createBackend();

// Backstage's root router plus a 413 for oversized bodies, as in the portal.
backend.add(inferenceRootHttpRouterServiceFactory);

backend.add(import('@internal/backstage-plugin-inference-billing-backend'));

// Its permission checks are decided here, by the portal's policy.
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import(
    '@internal/backstage-plugin-permission-backend-module-inference-policy'
  ),
);

backend.start().catch(error => {
  // Backstage has logged the plugins' startup errors; this names the cause.
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
