import { ConflictError } from '@backstage/errors';
import {
  describeClash,
  type OnboardingProvisioning,
  type OnboardingRequest,
} from '@internal/backstage-plugin-inference-billing-common';
import type { InferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import crypto from 'node:crypto';
import {
  ClashScan,
  OnboardingClashError,
  type PartnerDirectory,
} from './clashes';
import { KeySealer, keyHash } from './KeySealer';
import type { OnboardingStore } from '../database/OnboardingStore';

export type ProvisionContext = {
  store: OnboardingStore;
  locations: InferenceLocationsService;
  partners?: PartnerDirectory;
  sealer: KeySealer;
  now: () => Date;
  revealTtlMs?: number;
};

type Step = (
  ctx: ProvisionContext,
  request: OnboardingRequest,
  location: string,
  done: OnboardingProvisioning,
) => Promise<boolean>;

function slug(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'customer'
  );
}

/** The virtual key's name: unique per request and location, so a retry finds it. */
export function virtualKeyName(request: { id: string; companyName: string }) {
  return `${slug(request.companyName)}-${request.id.slice(0, 8)}`;
}

function refuseClashes(
  request: OnboardingRequest,
  clashes: Parameters<typeof describeClash>[0][],
) {
  if (clashes.length) {
    throw new OnboardingClashError(
      `Onboarding request ${request.id} would take over what exists: ${clashes
        .map(describeClash)
        .join('; ')}. Nothing was changed`,
      clashes,
    );
  }
}

/**
 * The Bifrost customer: the one recorded (created by this request or linked
 * by its approver), else the one this request sent before a crash (origin
 * `creating`, same exact name, held by no other request), else a new one,
 * unless a customer of the same name exists: then nothing is created.
 */
export const provisionCustomer: Step = async (ctx, request, location, done) => {
  const { store } = ctx;
  const bifrost = ctx.locations.bifrost(location);
  if (done.bifrostCustomerId) {
    if (done.bifrostCustomerOrigin === 'linked') {
      // Fails (404 from Bifrost) when the linked customer was deleted meanwhile.
      await bifrost.getCustomer(done.bifrostCustomerId);
    }
    return true;
  }
  if (done.bifrostCustomerOrigin === 'creating') {
    const sent = await bifrost.findCustomerByName(request.companyName);
    if (
      sent &&
      !(await store.customerHeldByOtherRequest({
        requestId: request.id,
        location,
        bifrostCustomerId: sent.id,
      }))
    ) {
      await store.saveProvisioning(request.id, location, {
        bifrostCustomerId: sent.id,
        bifrostCustomerOrigin: 'created',
      });
      return true;
    }
  }
  refuseClashes(
    request,
    await new ClashScan(ctx).bifrost(
      { ...request, provisioning: [] },
      location,
    ),
  );
  // Recorded before the call: a retry after a crash may then look the name up.
  await store.saveProvisioning(request.id, location, {
    bifrostCustomerOrigin: 'creating',
  });
  const customer = await bifrost.createCustomer({
    name: request.companyName,
    budget: { max_limit: request.budgetUsd, reset_duration: '1M' },
    rate_limit: {
      request_max_limit: request.requestsPerMinute,
      request_reset_duration: '1m',
      token_max_limit: request.tokensPerMinute,
      token_reset_duration: '1m',
    },
  });
  await store.saveProvisioning(request.id, location, {
    bifrostCustomerId: customer.id,
    bifrostCustomerOrigin: 'created',
  });
  return false;
};

/** The virtual key of the request's customer, sealed for a one-time reveal. */
export const provisionKey: Step = async (ctx, request, location, done) => {
  const { store } = ctx;
  const id = request.id;
  if (!done.bifrostCustomerId) {
    throw new ConflictError(
      `location ${location}: provision the Bifrost customer of request ${id} first`,
    );
  }
  const bifrost = ctx.locations.bifrost(location);
  const name = virtualKeyName(request);
  // The name carries the request id: a key of this name was sent by this request.
  const found = await bifrost.findVirtualKeyByName(name);
  if (found && done.virtualKeyId === found.id && done.virtualKeyLast4) {
    // Created and handed over by an earlier attempt.
    return true;
  }
  let keyId: string;
  let value: string;
  if (found) {
    // Created by an attempt that stopped before recording it.
    keyId = found.id;
    value = await bifrost.getVirtualKeyValue(found.id);
  } else {
    const created = await bifrost.createVirtualKey({
      name,
      description: `Onboarding request ${id}`,
      customer_id: done.bifrostCustomerId,
      provider_configs: [
        {
          provider: 'kubeai',
          weight: 1,
          allowed_models: request.allowedModels[location] ?? [],
        },
      ],
    });
    keyId = created.key.id;
    value = created.value;
  }
  const revealId = crypto.randomUUID();
  await store.saveReveal({
    id: revealId,
    requestId: id,
    location,
    owner: request.requestedBy,
    sealed: ctx.sealer.seal(value, revealId),
    expiresAt: new Date(
      ctx.now().getTime() + (ctx.revealTtlMs ?? 24 * 3600_000),
    ).toISOString(),
  });
  await store.saveProvisioning(id, location, {
    virtualKeyId: keyId,
    virtualKeyName: name,
    virtualKeySha256: keyHash(value),
    virtualKeyLast4: value.slice(-4),
    revealId,
  });
  return Boolean(found);
};

/**
 * The Odoo partner (its ref is the Bifrost customer id, as invoicing
 * expects): the one recorded, else the one this request created before a
 * crash (ref = a customer this request created, or origin `creating`), else
 * a new one, unless a partner with the same name, VAT or e-mail exists.
 */
export const provisionPartner: Step = async (ctx, request, location, done) => {
  const { store, partners } = ctx;
  const id = request.id;
  if (!partners?.configured(location)) {
    throw new ConflictError(
      `location ${location}: no Odoo tenant is configured, cannot create the partner`,
    );
  }
  if (!done.bifrostCustomerId) {
    throw new ConflictError(
      `location ${location}: provision the Bifrost customer of request ${id} first`,
    );
  }
  if (done.odooPartnerId) {
    if (done.odooPartnerOrigin === 'linked') {
      const [linked] = await partners.searchPartners(location, {
        ids: [done.odooPartnerId],
      });
      if (!linked) {
        throw new ConflictError(
          `location ${location}: the linked odoo partner ${done.odooPartnerId} no longer exists`,
        );
      }
    }
    return true;
  }
  const ownsRef =
    done.bifrostCustomerOrigin !== 'linked' ||
    done.odooPartnerOrigin === 'creating';
  if (ownsRef) {
    const [sent] = await partners.searchPartners(location, {
      ref: done.bifrostCustomerId,
    });
    if (sent) {
      await store.saveProvisioning(id, location, {
        odooPartnerId: sent.id,
        odooPartnerOrigin: 'created',
      });
      return true;
    }
  }
  refuseClashes(request, await new ClashScan(ctx).odoo(request, location));
  await store.saveProvisioning(id, location, { odooPartnerOrigin: 'creating' });
  const partnerId = await partners.createPartner(location, {
    name: request.companyName,
    email: request.contactEmail,
    vat: request.vatId,
    countryCode: request.country,
    ref: done.bifrostCustomerId,
  });
  await store.saveProvisioning(id, location, {
    odooPartnerId: partnerId,
    odooPartnerOrigin: 'created',
  });
  return false;
};
