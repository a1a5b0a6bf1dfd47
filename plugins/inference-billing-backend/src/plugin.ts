import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { inferenceBillingPermissions } from '@internal/backstage-plugin-inference-billing-common';
import {
  inferenceLocationsServiceRef,
  reportedTask,
} from '@internal/backstage-plugin-inference-node';
import { createRouter } from './router';
import { CustomerService } from './services/CustomerService';
import { UsageLedgerStore } from './database/UsageLedgerStore';
import { applyDatabaseMigrations } from './database/migrations';
import { UsageIngestor } from './services/UsageIngestor';
import { UsageService } from './services/UsageService';
import { PricingSheetService } from './services/PricingSheetService';
import { schedulePricingSync } from './services/PricingSync';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { CustomerManagementService } from './services/CustomerManagementService';
import { PartnerService } from './services/PartnerService';
import { registerCustomerUsageAction } from './actions/customerUsageAction';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { createOnboarding } from './onboarding/createOnboarding';
import { setupInvoicing } from './invoicing/setupInvoicing';
import { BillingOverviewService } from './services/BillingOverviewService';
import { UsageDailyTotalsStore } from './database/UsageDailyTotalsStore';
import { OnboardingStore } from './database/OnboardingStore';

/**
 * The inference-billing backend plugin: customers, keys, usage and invoices.
 *
 * @public
 */
export const inferenceBillingPlugin = createBackendPlugin({
  pluginId: 'inference-billing',
  register(env) {
    env.registerInit({
      deps: {
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        locations: inferenceLocationsServiceRef,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        actionsRegistry: actionsRegistryServiceRef,
        auditor: coreServices.auditor,
        notifications: notificationService,
        signals: signalsServiceRef,
        cache: coreServices.cache,
      },
      async init({
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        locations,
        database,
        scheduler,
        logger,
        config,
        actionsRegistry,
        auditor,
        notifications,
        signals,
        cache,
      }) {
        permissionsRegistry.addPermissions(inferenceBillingPermissions);
        const db = await applyDatabaseMigrations(database);
        const store = new UsageLedgerStore(db);
        const ingestor = new UsageIngestor({ locations, store, logger });
        const minutes =
          config.getOptionalNumber(
            'inference.billing.ingestionIntervalMinutes',
          ) ?? 5;
        for (const location of locations.list()) {
          // Global tasks: one instance runs each, however many backends there are.
          await scheduler.scheduleTask({
            id: `usage-ingestion:${location.name}`,
            frequency: { minutes },
            timeout: { minutes: 15 },
            initialDelay: { seconds: 15 },
            fn: reportedTask({
              logger,
              what: `usage ingestion of location ${location.name}`,
              fn: () => ingestor.ingest(location.name),
            }),
          });
        }
        const usage = new UsageService({ locations, store });
        const invoicing = await setupInvoicing({
          db,
          scheduler,
          locations,
          ledger: store,
          ingestor,
          logger,
          auditor,
          permissions,
          actionsRegistry,
          config,
        });
        registerCustomerUsageAction({ actionsRegistry, permissions, usage });
        const pricingSheets = new PricingSheetService(locations);
        await schedulePricingSync({
          scheduler,
          locations,
          sheets: pricingSheets,
          logger,
        });
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            customers: new CustomerService({
              locations,
              usage,
              partners: new PartnerService(locations),
              store,
              invoices: invoicing.invoiceStore,
            }),
            management: new CustomerManagementService({ locations, auditor }),
            usage,
            pricingSheets,
            invoicing,
            overview: new BillingOverviewService({
              locations,
              permissions,
              usage: new UsageDailyTotalsStore(db),
              invoices: invoicing.invoiceStore,
              onboarding: new OnboardingStore(db),
            }),
            onboarding: {
              auditor,
              onboarding: await createOnboarding({
                db,
                scheduler,
                locations,
                logger,
                config,
                notifications,
                signals,
                cache,
              }),
            },
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        // Bifrost (and anyone) may read the prices, as the seed's control API allowed.
        httpRouter.addAuthPolicy({
          path: '/bifrost/pricingSheet',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
