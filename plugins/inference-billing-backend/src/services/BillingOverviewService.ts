import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  inferenceCustomerApprovePermission,
  inferenceInvoiceReadPermission,
  type InferenceBillingApiSchemas,
  type OnboardingRequest,
} from '@internal/backstage-plugin-inference-billing-common';
import {
  toLocationError,
  type ExternalSystem,
  type InferenceLocation,
  type InferenceLocationsService,
} from '@internal/backstage-plugin-inference-node';
import type { InvoiceStore } from '../database/InvoiceStore';
import type { UsageDailyTotalsStore } from '../database/UsageDailyTotalsStore';
import { INVOICE_CURRENCY } from '../invoicing/InvoiceRunService';
import type { OnboardingStore } from '../database/OnboardingStore';
import { toPendingApprovals } from '../mapping/toPendingApprovals';
import {
  comparisonPeriods,
  nextDay,
  toUsageComparison,
} from '../mapping/toUsageComparison';

type Schemas = InferenceBillingApiSchemas['schemas'];
export type BillingOverviewResponse = Schemas['BillingOverviewResponse'];
type LocationBillingOverview = Schemas['LocationBillingOverview'];
type SystemProbe = Schemas['SystemProbe'];
type LocationError = Schemas['LocationError'];

/** Pending onboarding requests read at most (they are few; each names its locations). */
const PENDING_READ = 1000;

/**
 * The home page's billing figures of every location (`GET /overview`),
 * computed here: Bifrost and Odoo each answer one small timed call; usage
 * comes from the ledger's daily rollups summed per day in the database;
 * pending approvals and the last invoice run from their stores. Locations
 * are read in parallel and each figure on its own: what fails becomes an
 * error naming location and system, the rest of the card stays. The
 * clients' timeouts bound the external calls.
 */
export class BillingOverviewService {
  constructor(
    private readonly deps: {
      locations: InferenceLocationsService;
      permissions: PermissionsService;
      usage: UsageDailyTotalsStore;
      invoices: InvoiceStore;
      onboarding: OnboardingStore;
      now?: () => Date;
      /** Milliseconds clock for latencies, for tests. */
      clock?: () => number;
    },
  ) {}

  private async probe(
    location: string,
    system: Extract<ExternalSystem, 'bifrost' | 'odoo'>,
    call: () => Promise<unknown>,
  ): Promise<SystemProbe> {
    const clock = this.deps.clock ?? (() => performance.now());
    const started = clock();
    try {
      await call();
      return {
        system,
        reachable: true,
        latencyMs: Math.round(clock() - started),
      };
    } catch (error) {
      return {
        system,
        reachable: false,
        error: toLocationError(location, system, error).message,
      };
    }
  }

  async overview(
    credentials: BackstageCredentials,
  ): Promise<BillingOverviewResponse> {
    const now = (this.deps.now ?? (() => new Date()))();
    // Approvals and invoice runs have permissions of their own: a reader of
    // usage without them gets the other figures.
    const [approve, invoices] = await this.deps.permissions.authorize(
      [
        { permission: inferenceCustomerApprovePermission },
        { permission: inferenceInvoiceReadPermission },
      ],
      { credentials },
    );
    const pending =
      approve.result === AuthorizeResult.ALLOW
        ? await this.deps.onboarding.list({
            status: 'pending',
            limit: PENDING_READ,
          })
        : undefined;
    const items = await Promise.all(
      this.deps.locations
        .list()
        .map(location =>
          this.location(
            location,
            now,
            pending,
            invoices.result === AuthorizeResult.ALLOW,
          ),
        ),
    );
    return {
      items,
      ...(pending && {
        pendingApprovals: pending.filter(
          r => Date.parse(r.expiresAt) > now.getTime(),
        ).length,
      }),
    };
  }

  private async location(
    location: InferenceLocation,
    now: Date,
    pending: OnboardingRequest[] | undefined,
    readInvoices: boolean,
  ): Promise<LocationBillingOverview> {
    const name = location.name;
    const errors: LocationError[] = [];
    const periods = comparisonPeriods(now);
    const [bifrost, odoo, days, runs] = await Promise.all([
      // One log at most from now on: authenticated, and small whatever the traffic.
      this.probe(name, 'bifrost', () =>
        this.deps.locations
          .bifrost(name)
          .listLogs({ startTime: now, limit: 1, offset: 0 }),
      ),
      location.odoo
        ? this.probe(name, 'odoo', () =>
            this.deps.locations.odoo(name).searchPartners({ ids: [1] }, 1),
          )
        : undefined,
      // The ledger is this plugin's database: were it down, so is the page.
      this.deps.usage.dailyTotals({
        location: name,
        from: periods.lastMonth.from,
        to: nextDay(periods.thisMonth.to),
      }),
      readInvoices
        ? this.deps.invoices.listRuns({ location: name, limit: 1 })
        : undefined,
    ]);
    for (const probe of [bifrost, odoo]) {
      if (probe?.error) {
        errors.push({
          location: name,
          system: probe.system,
          message: probe.error,
        });
      }
    }
    return {
      location: name,
      title: location.title,
      bifrost,
      ...(odoo && { odoo }),
      usage: toUsageComparison({ now, days, currency: INVOICE_CURRENCY }),
      ...(pending && {
        approvals: toPendingApprovals({
          location: name,
          requests: pending,
          now,
        }),
      }),
      ...(runs?.[0] && { lastInvoiceRun: runs[0] }),
      ...(errors.length > 0 && { errors }),
    };
  }
}
