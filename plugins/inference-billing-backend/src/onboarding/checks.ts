import { InputError } from '@backstage/errors';
import {
  ExternalSystemError,
  type InferenceLocationsService,
} from '@internal/backstage-plugin-inference-node';
import type {
  OnboardingDetails,
  OnboardingRequest,
} from '@internal/backstage-plugin-inference-billing-common';
import type { PartnerDirectory } from './clashes';
import type { OnboardingLink } from '../database/OnboardingStore';

/**
 * Every allowed Model must be a KubeAI Model of its location, read live from
 * the location's cluster (what the models plugin serves and the pricing
 * sheet reads too). InputError naming `allowedModels` when one is not; an
 * ExternalSystemError (503, naming location and `kubernetes`) when the
 * cluster cannot be asked, so nothing unchecked is stored.
 */
export async function checkModelsExist(
  locations: InferenceLocationsService,
  details: Pick<OnboardingDetails, 'locations' | 'allowedModels'>,
): Promise<void> {
  await Promise.all(
    details.locations.map(async location => {
      const wanted = details.allowedModels[location] ?? [];
      if (!wanted.length) return;
      const existing = new Set(
        (await locations.kubeAi(location).listModels()).map(
          m => m.metadata?.name,
        ),
      );
      const missing = wanted.filter(name => !existing.has(name));
      if (missing.length) {
        throw new InputError(
          `allowedModels: no Model ${missing
            .map(n => `'${n}'`)
            .join(', ')} in location ${location}`,
        );
      }
    }),
  );
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$/;

/**
 * An approver's links to existing customers: each in one of the request's
 * locations (once), naming a Bifrost customer and, optionally, an Odoo
 * partner that exist. Where the request already holds a customer (a blocked
 * request that created it before the clash), the link names only the
 * partner: what the request holds is never swapped for something else.
 * InputError naming `linkToExisting[i].<field>`.
 */
export async function checkLinks(
  deps: { locations: InferenceLocationsService; partners?: PartnerDirectory },
  request: Pick<OnboardingRequest, 'id' | 'locations' | 'provisioning'>,
  links: unknown,
): Promise<OnboardingLink[]> {
  if (links === undefined) return [];
  if (!Array.isArray(links) || links.length > 20) {
    throw new InputError('linkToExisting: must be a list (at most 20)');
  }
  const checked: OnboardingLink[] = [];
  for (const [i, raw] of links.entries()) {
    const at = `linkToExisting[${i}]`;
    const link = (raw ?? {}) as Record<string, unknown>;
    const { location, bifrostCustomerId, odooPartnerId } = link;
    if (typeof location !== 'string' || !request.locations.includes(location)) {
      throw new InputError(
        `${at}.location: must be one of the request's locations (${request.locations.join(
          ', ',
        )})`,
      );
    }
    if (checked.some(l => l.location === location)) {
      throw new InputError(`${at}.location: ${location} is linked twice`);
    }
    const held = request.provisioning.find(p => p.location === location);
    if (held?.bifrostCustomerId) {
      if (
        bifrostCustomerId !== undefined &&
        bifrostCustomerId !== held.bifrostCustomerId
      ) {
        throw new InputError(
          `${at}.bifrostCustomerId: the request already has Bifrost customer ${held.bifrostCustomerId} in location ${location}; link only its partner`,
        );
      }
      if (odooPartnerId === undefined) {
        throw new InputError(
          `${at}.odooPartnerId: the request already has its Bifrost customer in location ${location}; name the partner to link`,
        );
      }
    } else if (
      typeof bifrostCustomerId !== 'string' ||
      !ID.test(bifrostCustomerId)
    ) {
      throw new InputError(`${at}.bifrostCustomerId: must be a customer id`);
    } else {
      try {
        await deps.locations.bifrost(location).getCustomer(bifrostCustomerId);
      } catch (e) {
        if (e instanceof ExternalSystemError && e.status === 404) {
          throw new InputError(
            `${at}.bifrostCustomerId: location ${location} has no Bifrost customer '${bifrostCustomerId}'`,
          );
        }
        throw e;
      }
    }
    if (held?.odooPartnerId && odooPartnerId !== held.odooPartnerId) {
      throw new InputError(
        `${at}.odooPartnerId: the request already has Odoo partner ${held.odooPartnerId} in location ${location}`,
      );
    }
    if (odooPartnerId !== undefined) {
      if (
        typeof odooPartnerId !== 'string' ||
        !/^\d{1,18}$/.test(odooPartnerId)
      ) {
        throw new InputError(`${at}.odooPartnerId: must be a partner id`);
      }
      if (!deps.partners?.configured(location)) {
        throw new InputError(
          `${at}.odooPartnerId: location ${location} has no Odoo tenant`,
        );
      }
      const [found] = await deps.partners.searchPartners(location, {
        ids: [odooPartnerId],
      });
      if (!found) {
        throw new InputError(
          `${at}.odooPartnerId: location ${location} has no Odoo partner ${odooPartnerId}`,
        );
      }
    }
    checked.push({
      location,
      // What the request holds already stays as it is (created, not linked).
      ...(!held?.bifrostCustomerId && {
        bifrostCustomerId: bifrostCustomerId as string,
      }),
      ...(odooPartnerId !== undefined &&
        !held?.odooPartnerId && {
          odooPartnerId: odooPartnerId as string,
        }),
    });
  }
  return checked;
}
