import { ConflictError } from '@backstage/errors';
import type {
  BifrostCustomer,
  InferenceLocationsService,
} from '@internal/backstage-plugin-inference-node';
import type {
  ClashCheckFailure,
  ClashField,
  OnboardingClash,
  OnboardingProvisioning,
  OnboardingRequest,
} from '@internal/backstage-plugin-inference-billing-common';
import type { OnboardingLink } from '../database/OnboardingStore';

/** A partner of a location's ERP as onboarding compares it. */
export type DirectoryPartner = {
  id: string;
  name: string;
  vat?: string;
  email?: string;
  ref?: string;
};

/** Finds and creates customers (partners) in a location's ERP (Odoo). */
export interface PartnerDirectory {
  /** True when the location has an ERP tenant configured. */
  configured(location: string): boolean;
  /**
   * Partners matching any of the criteria (name: a candidate list with the
   * same words, compared by the caller). Never more than a few dozen.
   */
  searchPartners(
    location: string,
    by: {
      ids?: string[];
      name?: string;
      vat?: string;
      email?: string;
      ref?: string;
    },
  ): Promise<DirectoryPartner[]>;
  createPartner(
    location: string,
    partner: {
      name: string;
      email: string;
      vat: string;
      countryCode: string;
      ref: string;
    },
  ): Promise<string>;
}

/** Names compare case-insensitively and whatever the whitespace (none, several, tabs). */
export const sameName = (a: string, b: string) =>
  a.normalize('NFKC').toLocaleLowerCase('en').replace(/\s+/g, '') ===
  b.normalize('NFKC').toLocaleLowerCase('en').replace(/\s+/g, '');
/** A VAT id without spaces, dots and dashes, upper-case: `ro 555` and `RO-555` are `RO555`. */
export const normalizeVat = (vat: string) =>
  vat.replace(/[\s.-]/g, '').toUpperCase();
export const sameVat = (a?: string, b?: string) =>
  Boolean(a && b) && normalizeVat(a!) === normalizeVat(b!);
const sameEmail = (a?: string, b?: string) =>
  Boolean(a && b) && a!.trim().toLowerCase() === b!.trim().toLowerCase();

/** A provisioning step refused because it would take over what exists (409). */
export class OnboardingClashError extends ConflictError {
  constructor(message: string, readonly clashes: OnboardingClash[]) {
    super(message);
  }
}

type RequestLike = Pick<
  OnboardingRequest,
  'companyName' | 'vatId' | 'contactEmail' | 'locations' | 'provisioning'
>;

/**
 * Looks for existing Bifrost customers and Odoo partners that a request
 * would collide with, leaving out what the request holds itself (created by
 * it or linked by an approver). One scan caches each location's customer
 * list, so listing many requests costs one Bifrost call per location.
 */
export class ClashScan {
  private readonly customers = new Map<string, Promise<BifrostCustomer[]>>();

  constructor(
    private readonly deps: {
      locations: InferenceLocationsService;
      partners?: PartnerDirectory;
    },
  ) {}

  private listCustomers(location: string) {
    let list = this.customers.get(location);
    if (!list) {
      list = this.deps.locations.bifrost(location).listCustomers();
      this.customers.set(location, list);
    }
    return list;
  }

  /** What the request holds in a location, with the links an approver is about to add. */
  private held(
    request: RequestLike,
    location: string,
    links: OnboardingLink[],
  ): OnboardingProvisioning {
    const stored = request.provisioning.find(p => p.location === location);
    const link = links.find(l => l.location === location);
    if (!link) return stored ?? { location };
    return {
      ...stored,
      location,
      ...(link.bifrostCustomerId && {
        bifrostCustomerId: link.bifrostCustomerId,
        bifrostCustomerOrigin: 'linked' as const,
      }),
      ...(link.odooPartnerId && {
        odooPartnerId: link.odooPartnerId,
        odooPartnerOrigin: 'linked' as const,
      }),
    };
  }

  /** Bifrost customers of the same name, other than the request's own. */
  async bifrost(
    request: RequestLike,
    location: string,
    links: OnboardingLink[] = [],
  ): Promise<OnboardingClash[]> {
    const held = this.held(request, location, links);
    return (await this.listCustomers(location))
      .filter(c => sameName(c.name, request.companyName))
      .filter(c => c.id !== held.bifrostCustomerId)
      .filter(
        // Sent by this request before a crash: found again by its exact name.
        c =>
          !(
            held.bifrostCustomerOrigin === 'creating' &&
            !held.bifrostCustomerId &&
            c.name === request.companyName
          ),
      )
      .map(c => ({
        location,
        system: 'bifrost' as const,
        id: c.id,
        name: c.name,
        matchedOn: ['name' as const],
      }));
  }

  /**
   * Odoo partners with the same name, VAT or e-mail, or (for a customer an
   * approver linked) the linked customer's ref, other than the request's own.
   * A partner whose ref is a Bifrost customer this request created is its own.
   */
  async odoo(
    request: RequestLike,
    location: string,
    links: OnboardingLink[] = [],
  ): Promise<OnboardingClash[]> {
    const partners = this.deps.partners;
    if (!partners?.configured(location)) return [];
    const held = this.held(request, location, links);
    const customerId = held.bifrostCustomerId;
    const linkedCustomer = held.bifrostCustomerOrigin === 'linked';
    const found = await partners.searchPartners(location, {
      name: request.companyName,
      vat: request.vatId,
      email: request.contactEmail,
      ...(customerId && { ref: customerId }),
    });
    const clashes: OnboardingClash[] = [];
    for (const p of found) {
      if (p.id === held.odooPartnerId) continue;
      const ownRef = Boolean(customerId) && p.ref === customerId;
      if (ownRef && !linkedCustomer) continue;
      const matchedOn: ClashField[] = [];
      if (sameName(p.name, request.companyName)) matchedOn.push('name');
      if (sameVat(p.vat, request.vatId)) matchedOn.push('vat');
      if (sameEmail(p.email, request.contactEmail)) matchedOn.push('email');
      if (ownRef) matchedOn.push('ref');
      if (matchedOn.length) {
        clashes.push({
          location,
          system: 'odoo',
          id: p.id,
          name: p.name,
          matchedOn,
        });
      }
    }
    return clashes;
  }

  /** Every clash of the request in its locations; throws when a system cannot be reached. */
  async all(
    request: RequestLike,
    links: OnboardingLink[] = [],
  ): Promise<OnboardingClash[]> {
    const found = await Promise.all(
      request.locations.map(async l => [
        ...(await this.bifrost(request, l, links)),
        ...(await this.odoo(request, l, links)),
      ]),
    );
    return found.flat();
  }

  /** Every clash it could check, and what it could not reach (for showing a request). */
  async report(request: RequestLike): Promise<{
    clashes: OnboardingClash[];
    clashCheckFailures: ClashCheckFailure[];
  }> {
    const clashes: OnboardingClash[] = [];
    const clashCheckFailures: ClashCheckFailure[] = [];
    await Promise.all(
      request.locations.flatMap(location =>
        (['bifrost', 'odoo'] as const).map(async system => {
          try {
            clashes.push(...(await this[system](request, location)));
          } catch (e) {
            clashCheckFailures.push({
              location,
              system,
              message: (e as Error).message,
            });
          }
        }),
      ),
    );
    const order = (c: { location: string; system: string }) =>
      `${c.location} ${c.system}`;
    clashes.sort((a, b) => order(a).localeCompare(order(b)));
    clashCheckFailures.sort((a, b) => order(a).localeCompare(order(b)));
    return { clashes, clashCheckFailures };
  }
}
