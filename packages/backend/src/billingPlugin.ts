/*
 * The inference-billing plugin, unless another backend serves it.
 *
 * A split deployment (infra/kubernetes/base) runs the billing plugin in a
 * backend of its own, packages/backend-billing, and tells this backend so
 * the way Backstage's split backends are told where a plugin lives:
 * `discovery.endpoints` gives `inference-billing` a target
 * (infra/kubernetes/base/app-config.portal.yaml). Then this backend must not
 * run a second copy of it (a second scheduler of usage ingestion and
 * invoice runs, a router nobody is sent to), so the loader adds nothing.
 * Without such an endpoint (the dev sandbox, a single-deployment install)
 * the plugin runs here with every other one.
 *
 * The plugin's module is imported statically (loading its code costs little;
 * running it is what the split avoids), which also keeps the loader testable
 * under jest, whose module loader refuses dynamic imports.
 */
import {
  coreServices,
  createBackendFeatureLoader,
  type RootConfigService,
} from '@backstage/backend-plugin-api';
import inferenceBillingPlugin from '@internal/backstage-plugin-inference-billing-backend';

export const INFERENCE_BILLING_PLUGIN_ID = 'inference-billing';

/** Whether `discovery.endpoints` sends `pluginId` to some other backend. */
export function servedElsewhere(
  config: RootConfigService,
  pluginId: string,
): boolean {
  return (config.getOptionalConfigArray('discovery.endpoints') ?? []).some(
    endpoint =>
      (endpoint.getOptionalStringArray('plugins') ?? []).includes(pluginId),
  );
}

export default createBackendFeatureLoader({
  deps: { config: coreServices.rootConfig },
  *loader({ config }) {
    if (!servedElsewhere(config, INFERENCE_BILLING_PLUGIN_ID)) {
      yield inferenceBillingPlugin;
    }
  },
});
