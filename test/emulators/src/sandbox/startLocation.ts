/*
 * One sandbox location: its own Kubernetes API, Bifrost and Odoo emulators
 * on free loopback ports, seeded from its spec (locations.ts), with its own
 * credentials. Returns its `inference.locations[]` entry and its cluster of
 * the `kubernetes:` block.
 */
import crypto from 'node:crypto';
import {
  startBifrostEmulator,
  BifrostEmulator,
  kubeaiDatasheet,
} from '../bifrost';
import { startKubernetesEmulator, KubernetesEmulator } from '../kubernetes';
import { startOdooEmulator, OdooEmulator } from '../odoo';
import { generateUsageLogs, spentSince } from './customers';
import { SandboxLocationSpec } from './locations';
import { sandboxPrices } from './models';

export const SANDBOX_NAMESPACE = 'kubeai';

export interface SandboxLocation {
  name: string;
  kubernetes: KubernetesEmulator;
  bifrost: BifrostEmulator;
  odoo: OdooEmulator;
  /** Its entry of `inference.locations`. */
  location: Record<string, unknown>;
  /** Its cluster in `kubernetes.clusterLocatorMethods[0].clusters`. */
  cluster: Record<string, unknown>;
  secrets: string[];
  close(): Promise<void>;
}

/** A stable UUID-shaped id from a name, so entity ids survive restarts. */
export function stableId(name: string): string {
  const h = crypto.createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(
    17,
    20,
  )}-${h.slice(20, 32)}`;
}

export async function startSandboxLocation(options: {
  spec: SandboxLocationSpec;
  now: Date;
  days: number;
  modelReadyDelayMs: number;
}): Promise<SandboxLocation> {
  const { spec } = options;
  const secret = () => crypto.randomBytes(18).toString('base64url');
  const kubeToken = secret();
  const bifrostPassword = secret();
  // A throwaway SSH key, as a real location's config carries one: the
  // sandbox's servers pin no host key, so it is never offered to a server,
  // but the e2e secret scan checks that it leaks nowhere.
  const { privateKey: sshPrivateKey } = crypto.generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const odooApiKey = secret();
  const odooLogin = 'api@inferencebros.local';

  const started: Array<{ close(): Promise<void> }> = [];
  try {
    const kubernetes = await startKubernetesEmulator({
      token: kubeToken,
      // HTTPS too, so that kubectl (which sends tokens only over TLS) works.
      tls: 'if-available',
      controller: { modelReadyDelayMs: options.modelReadyDelayMs },
    });
    started.push(kubernetes);
    const bifrost = await startBifrostEmulator({
      adminUsername: 'admin',
      adminPassword: bifrostPassword,
    });
    started.push(bifrost);
    const odoo = await startOdooEmulator({
      database: spec.odooDatabase,
      login: odooLogin,
      apiKey: odooApiKey,
    });
    started.push(odoo);

    const models = spec.models(SANDBOX_NAMESPACE);
    kubernetes.seed([
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: SANDBOX_NAMESPACE },
      },
      ...spec.nodes(),
      // The Kubernetes tab lists the Model custom resource with the entity's
      // selector `model=<name>`, which KubeAI puts on a Model's Pods only.
      ...models.map(m => ({
        ...m,
        metadata: {
          ...m.metadata,
          labels: { ...m.metadata.labels, model: m.metadata.name },
        },
      })),
    ]);

    const customerIds = spec.customers.map(c =>
      stableId(spec.idName('customer', c.name)),
    );
    const keyIds = spec.customers.map(c =>
      c.keys.map(k => stableId(spec.idName('virtual-key', k.name))),
    );
    const logs = generateUsageLogs({
      now: options.now,
      days: options.days,
      models: models.map(m => m.metadata.name),
      prices: sandboxPrices(models),
      customers: spec.customers,
      seed: spec.usageSeed,
      idPrefix: spec.requestIdPrefix,
    });
    // A real gateway charged each of those requests to the customer's
    // budget as it answered it (the governance post-hook), so the budget
    // holds what was spent since it was last reset: here, the first of the
    // month, so that it reads as this month's spend.
    const budgetSince = new Date(
      Date.UTC(options.now.getUTCFullYear(), options.now.getUTCMonth(), 1),
    );
    bifrost.seed({
      // What the portal's pricing_url serves: a real gateway syncs it at its
      // start, the sandbox's starts before the portal, so budgets would hold
      // only from the portal's first pricing sync.
      modelPrices: kubeaiDatasheet(models),
      customers: spec.customers.map((c, i) => ({
        id: customerIds[i],
        name: c.name,
        budgets: [
          {
            max_limit: c.budgetUsd,
            reset_duration: '1M',
            last_reset: budgetSince.toISOString(),
            current_usage: spentSince(logs, i, budgetSince),
          },
        ],
        rate_limit: {
          request_max_limit: c.rateLimit.requestsPerMinute,
          request_reset_duration: '1m',
          token_max_limit: c.rateLimit.tokensPerMinute,
          token_reset_duration: '1m',
        },
      })),
      virtualKeys: spec.customers.flatMap((c, i) =>
        c.keys.map((k, j) => ({
          id: keyIds[i][j],
          name: k.name,
          is_active: k.active,
          customer_id: customerIds[i],
          provider_configs: [
            { provider: 'kubeai', weight: 1, allowed_models: k.models },
          ],
        })),
      ),
    });
    bifrost.addLogs(
      logs.map(l => ({
        id: l.id,
        timestamp: l.timestamp,
        object: 'chat.completion',
        provider: l.provider,
        model: l.model,
        status: l.status,
        latency: l.latency,
        token_usage: {
          prompt_tokens: l.promptTokens,
          completion_tokens: l.completionTokens,
          total_tokens: l.promptTokens + l.completionTokens,
        },
        cost: l.cost,
        virtual_key_id: keyIds[l.customer][l.key],
        customer_id: customerIds[l.customer],
      })),
    );

    seedOdooPartners({ odoo, spec, customerIds });

    const location = {
      name: spec.name,
      title: spec.title,
      domain: spec.domain,
      countryCode: spec.countryCode,
      cluster: spec.name,
      kubeaiNamespace: SANDBOX_NAMESPACE,
      bifrost: {
        baseUrl: bifrost.url,
        adminUsername: 'admin',
        adminPassword: bifrostPassword,
      },
      odoo: {
        url: odoo.url,
        database: spec.odooDatabase,
        username: odooLogin,
        apiKey: odooApiKey,
        protocol: 'jsonrpc',
      },
      billing: { currency: spec.currency, invoiceDay: 2 },
      servers: spec.servers,
      ssh: { user: 'root', privateKey: sshPrivateKey },
      network: spec.network,
    };
    const cluster = {
      name: spec.name,
      url: kubernetes.url,
      authProvider: 'serviceAccount',
      serviceAccountToken: kubeToken,
      skipTLSVerify: true,
      skipMetricsLookup: true,
    };
    return {
      name: spec.name,
      kubernetes,
      bifrost,
      odoo,
      location,
      cluster,
      secrets: [kubeToken, bifrostPassword, odooApiKey],
      close: async () => {
        await Promise.all(started.map(s => s.close()));
      },
    };
  } catch (error) {
    await Promise.allSettled(started.map(s => s.close()));
    throw error;
  }
}

/**
 * Odoo partners (ref = Bifrost customer id, as the invoice run looks them up)
 * for the customers that have an e-mail address, so their invoices are sent;
 * the location's country too where the base data lacks it (Odoo ships every
 * country, the emulator a few).
 */
function seedOdooPartners(options: {
  odoo: OdooEmulator;
  spec: SandboxLocationSpec;
  customerIds: string[];
}) {
  const { odoo, spec, customerIds } = options;
  const countryOf = () =>
    odoo.records('res.country').find(r => r.code === spec.countryCode)?.id;
  if (countryOf() === undefined) {
    const usd = odoo.records('res.currency').find(r => r.name === 'USD')?.id;
    odoo.seed({
      'res.country': [
        {
          name: spec.countryCode === 'PR' ? 'Puerto Rico' : spec.countryCode,
          code: spec.countryCode,
          ...(usd !== undefined ? { currency_id: usd } : {}),
        },
      ],
    });
  }
  const countryId = countryOf();
  const partners = spec.customers.flatMap((c, i) =>
    c.email
      ? [
          {
            name: c.name,
            ref: customerIds[i],
            email: c.email,
            is_company: true,
            ...(typeof countryId === 'number' ? { country_id: countryId } : {}),
          },
        ]
      : [],
  );
  if (partners.length > 0) odoo.seed({ 'res.partner': partners });
}
