/*
 * The backends the portal's image can run, chosen by PORTAL_BACKEND_ROLE:
 *
 * - `all` (default): every plugin in one backend: the dev sandbox and
 *   single-deployment installs.
 * - `portal` and `billing`: a split deployment
 *   (https://backstage.io/docs/backend-system/building-backends/index#split-into-multiple-backends).
 *   `billing` runs the inference-billing plugin (usage ledger, invoicing,
 *   onboarding API) with the permission plugin and the portal's policy, and
 *   nothing else; `portal` runs everything but the billing plugin (its
 *   scaffolder and search modules stay there and reach the billing plugin
 *   over HTTP). Discovery routes `inference-billing` to the billing
 *   Deployment (infra/kubernetes/base/billing.yaml): invoice runs then get a
 *   process of their own, sized for them, and the memory figure the invoicing benchmark prints
 *   (a backend running an invoice run stays under 300 MB) is met by it.
 *
 * Every feature is imported lazily, so a role loads only its own plugins'
 * code: the billing backend never loads the catalog, scaffolder, search or
 * Kubernetes plugins, nor the URL readers (AWS, Azure, GCS SDKs) that no
 * billing service uses.
 */
import type {
  BackendFeature,
  ServiceFactory,
} from '@backstage/backend-plugin-api';

export const BACKEND_ROLES = ['all', 'portal', 'billing'] as const;
export type BackendRole = (typeof BACKEND_ROLES)[number];

/** PORTAL_BACKEND_ROLE, checked: an unknown role stops the start. */
export function backendRole(value: string | undefined): BackendRole {
  const role = value === undefined || value === '' ? 'all' : value;
  if (!(BACKEND_ROLES as readonly string[]).includes(role)) {
    throw new Error(
      `PORTAL_BACKEND_ROLE must be one of ${BACKEND_ROLES.join(
        ', ',
      )}; got '${role}'`,
    );
  }
  return role as BackendRole;
}

type Feature = Promise<{ default: BackendFeature }>;

/**
 * A named export of a module, loaded lazily, as `backend.add` takes it.
 * Under `backstage-cli package start` a dynamically imported TypeScript
 * module may arrive as a namespace whose `default` holds its CommonJS
 * exports (Backstage unwraps that for `default` features; named ones are
 * looked up in both here).
 */
function lazy<M, K extends keyof M & string>(
  load: Promise<M>,
  name: K,
): Feature {
  return load.then(m => {
    const cjs = (m as { default?: Partial<M> }).default;
    const feature = (m[name] ?? cjs?.[name]) as BackendFeature | undefined;
    if (!feature) {
      throw new Error(`backend feature ${name} is not exported`);
    }
    return { default: feature };
  });
}

const models = () =>
  import('@internal/backstage-plugin-inference-models-backend');
const billing = () =>
  import('@internal/backstage-plugin-inference-billing-backend');
const bareMetal = () => import('@internal/backstage-plugin-bare-metal-backend');

const billingPlugin = (): Feature[] => [billing()];

const permissions = (): Feature[] => [
  import('@backstage/plugin-permission-backend'),
  // Role-based policy: see ./permissions/InferencePermissionPolicy.ts
  lazy(import('./permissions/module'), 'permissionModuleInferencePolicy'),
];

/** Everything but the billing plugin itself. */
const portalFeatures = (): Feature[] => [
  import('@backstage/plugin-app-backend'),
  import('@backstage/plugin-proxy-backend'),

  // scaffolder plugin
  import('@backstage/plugin-scaffolder-backend'),
  import('@backstage/plugin-scaffolder-backend-module-notifications'),

  // techdocs plugin
  import('@backstage/plugin-techdocs-backend'),

  // auth plugin
  import('@backstage/plugin-auth-backend'),
  // See https://backstage.io/docs/backend-system/building-backends/migrating#the-auth-plugin
  import('@backstage/plugin-auth-backend-module-guest-provider'),
  // Dev sandbox only: inert unless auth.providers.sandbox is configured (./portal start does).
  lazy(import('./auth/sandboxUsersModule'), 'authModuleSandboxUsers'),
  import('@backstage/plugin-auth-backend-module-oidc-provider'),

  // catalog plugin
  import('@backstage/plugin-catalog-backend'),
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
  // See https://backstage.io/docs/features/software-catalog/configuration#subscribing-to-catalog-errors
  import('@backstage/plugin-catalog-backend-module-logs'),

  ...permissions(),

  // search plugin, engine (https://backstage.io/docs/features/search/search-engines) and collators
  import('@backstage/plugin-search-backend'),
  import('@backstage/plugin-search-backend-module-pg'),
  import('@backstage/plugin-search-backend-module-catalog'),
  import('@backstage/plugin-search-backend-module-techdocs'),

  import('@backstage/plugin-kubernetes-backend'),
  // The tab's pod logs and events for every user; the proxy stays sre/admin.
  lazy(import('./kubernetes/tabReadsModule'), 'kubernetesModuleTabReads'),
  import('@backstage/plugin-user-settings-backend'),
  import('@backstage/plugin-notifications-backend'),
  import('@backstage/plugin-signals-backend'),
  import('@backstage/plugin-mcp-actions-backend'),

  // inference plugins
  models(),
  lazy(models(), 'catalogModuleInferenceModels'),
  lazy(models(), 'scaffolderModuleInferenceModels'),
  lazy(models(), 'searchModuleInferenceModels'),
  lazy(billing(), 'searchModuleInferenceCustomers'),
  lazy(billing(), 'scaffolderModuleInferenceBilling'),
  bareMetal(),
  lazy(bareMetal(), 'scaffolderModuleBareMetal'),
  lazy(bareMetal(), 'catalogModuleBareMetal'),
  lazy(bareMetal(), 'searchModuleBareMetal'),
];

/** The features a backend of `role` runs. */
export function featuresOf(role: BackendRole): Feature[] {
  switch (role) {
    case 'billing':
      return [...billingPlugin(), ...permissions()];
    case 'portal':
      return portalFeatures();
    default:
      return [...portalFeatures(), ...billingPlugin()];
  }
}

/**
 * The billing backend's services: `createBackend()`'s defaults without the
 * URL reader (its AWS, Azure and Google Cloud SDKs cost about 15 MiB of
 * resident memory and no billing service reads URLs) and without the
 * unexported compatibility-only instance metadata service.
 */
async function billingServiceFactories(): Promise<ServiceFactory[]> {
  const [
    auditor,
    auth,
    cache,
    database,
    discovery,
    httpAuth,
    httpRouter,
    lifecycle,
    logger,
    permissionsService,
    permissionsRegistry,
    rootConfig,
    rootHealth,
    rootHttpRouter,
    rootLifecycle,
    rootLogger,
    rootSystemMetadata,
    scheduler,
    userInfo,
    events,
    alpha,
  ] = await Promise.all([
    import('@backstage/backend-defaults/auditor'),
    import('@backstage/backend-defaults/auth'),
    import('@backstage/backend-defaults/cache'),
    import('@backstage/backend-defaults/database'),
    import('@backstage/backend-defaults/discovery'),
    import('@backstage/backend-defaults/httpAuth'),
    import('@backstage/backend-defaults/httpRouter'),
    import('@backstage/backend-defaults/lifecycle'),
    import('@backstage/backend-defaults/logger'),
    import('@backstage/backend-defaults/permissions'),
    import('@backstage/backend-defaults/permissionsRegistry'),
    import('@backstage/backend-defaults/rootConfig'),
    import('@backstage/backend-defaults/rootHealth'),
    import('@backstage/backend-defaults/rootHttpRouter'),
    import('@backstage/backend-defaults/rootLifecycle'),
    import('@backstage/backend-defaults/rootLogger'),
    import('@backstage/backend-defaults/rootSystemMetadata'),
    import('@backstage/backend-defaults/scheduler'),
    import('@backstage/backend-defaults/userInfo'),
    import('@backstage/plugin-events-node'),
    import('@backstage/backend-defaults/alpha'),
  ]);
  return [
    auditor.auditorServiceFactory,
    auth.authServiceFactory,
    cache.cacheServiceFactory,
    rootConfig.rootConfigServiceFactory,
    database.databaseServiceFactory,
    discovery.discoveryServiceFactory,
    httpAuth.httpAuthServiceFactory,
    httpRouter.httpRouterServiceFactory,
    lifecycle.lifecycleServiceFactory,
    logger.loggerServiceFactory,
    permissionsService.permissionsServiceFactory,
    permissionsRegistry.permissionsRegistryServiceFactory,
    rootHealth.rootHealthServiceFactory,
    rootHttpRouter.rootHttpRouterServiceFactory,
    rootLifecycle.rootLifecycleServiceFactory,
    rootLogger.rootLoggerServiceFactory,
    rootSystemMetadata.rootSystemMetadataServiceFactory,
    scheduler.schedulerServiceFactory,
    userInfo.userInfoServiceFactory,
    events.eventsServiceFactory,
    alpha.actionsRegistryServiceFactory,
    alpha.actionsServiceFactory,
    alpha.metricsServiceFactory,
    alpha.tracingServiceFactory,
  ];
}

/** Creates and starts the backend of `role`. */
export async function startBackend(role: BackendRole): Promise<void> {
  let backend;
  if (role === 'billing') {
    const { createSpecializedBackend } = await import(
      '@backstage/backend-app-api'
    );
    backend = createSpecializedBackend({
      defaultServiceFactories: await billingServiceFactories(),
    });
  } else {
    const { createBackend } = await import('@backstage/backend-defaults');
    backend = createBackend();
  }
  // Backstage's root router plus a 413 for oversized bodies (./rootHttpRouter.ts).
  backend.add(
    lazy(import('./rootHttpRouter'), 'portalRootHttpRouterServiceFactory'),
  );
  for (const feature of featuresOf(role)) {
    backend.add(feature);
  }
  await backend.start();
}
