/*
 * The `local` sandbox location: a Kubernetes API, a Bifrost and an Odoo
 * emulator on free loopback ports, seeded with the platform's models, three
 * customers with virtual keys, 30 days of usage and three servers. Returns
 * the app-config that points the portal at them.
 */
import crypto from 'node:crypto';
import { startBifrostEmulator, BifrostEmulator } from '../bifrost';
import { startKubernetesEmulator, KubernetesEmulator } from '../kubernetes';
import { startOdooEmulator, OdooEmulator } from '../odoo';
import { generateUsageLogs, sandboxCustomers } from './customers';
import { sandboxModels, sandboxPrices } from './models';
import { sandboxNodes, sandboxServers } from './servers';

export const SANDBOX_LOCATION = 'local';
export const SANDBOX_NAMESPACE = 'kubeai';

export interface Sandbox {
  kubernetes: KubernetesEmulator;
  bifrost: BifrostEmulator;
  odoo: OdooEmulator;
  /** App-config (as an object) that makes `local` a location of the portal. */
  config: Record<string, unknown>;
  /** Every secret the sandbox handed out, for leak scans. */
  secrets: string[];
  close(): Promise<void>;
}

/** A stable UUID-shaped id from a name, so entity ids survive restarts. */
function stableId(name: string): string {
  const h = crypto.createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(
    17,
    20,
  )}-${h.slice(20, 32)}`;
}

export async function startSandbox(
  options: {
    now?: Date;
    days?: number;
    /** Controller delays; 0 makes Models ready at once (tests). */
    modelReadyDelayMs?: number;
  } = {},
): Promise<Sandbox> {
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
  const odooDatabase = 'inferencebros';

  const kubernetes = await startKubernetesEmulator({
    token: kubeToken,
    // HTTPS too, so that kubectl (which sends tokens only over TLS) works.
    tls: 'if-available',
    controller: {
      modelReadyDelayMs: options.modelReadyDelayMs ?? 3000,
    },
  });
  const bifrost = await startBifrostEmulator({
    adminUsername: 'admin',
    adminPassword: bifrostPassword,
  });
  const odoo = await startOdooEmulator({
    database: odooDatabase,
    login: odooLogin,
    apiKey: odooApiKey,
  });

  const models = sandboxModels(SANDBOX_NAMESPACE);
  kubernetes.seed([
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: SANDBOX_NAMESPACE },
    },
    ...sandboxNodes(),
    ...models,
  ]);

  const customerIds = sandboxCustomers.map(c => stableId(`customer:${c.name}`));
  const keyIds = sandboxCustomers.map(c =>
    c.keys.map(k => stableId(`virtual-key:${k.name}`)),
  );
  bifrost.seed({
    customers: sandboxCustomers.map((c, i) => ({
      id: customerIds[i],
      name: c.name,
      budgets: [{ max_limit: c.budgetUsd, reset_duration: '1M' }],
      rate_limit: {
        request_max_limit: c.rateLimit.requestsPerMinute,
        request_reset_duration: '1m',
        token_max_limit: c.rateLimit.tokensPerMinute,
        token_reset_duration: '1m',
      },
    })),
    virtualKeys: sandboxCustomers.flatMap((c, i) =>
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
  const logs = generateUsageLogs({
    now: options.now ?? new Date(),
    days: options.days ?? 30,
    models: models.map(m => m.metadata.name),
    prices: sandboxPrices(models),
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

  const config = {
    inference: {
      locations: [
        {
          name: SANDBOX_LOCATION,
          title: 'Local sandbox',
          domain: 'local.inferencebros.com',
          countryCode: 'RO',
          cluster: SANDBOX_LOCATION,
          kubeaiNamespace: SANDBOX_NAMESPACE,
          bifrost: {
            baseUrl: bifrost.url,
            adminUsername: 'admin',
            adminPassword: bifrostPassword,
          },
          odoo: {
            url: odoo.url,
            database: odooDatabase,
            username: odooLogin,
            apiKey: odooApiKey,
            protocol: 'jsonrpc',
          },
          billing: { currency: 'EUR', invoiceDay: 2 },
          servers: sandboxServers,
          ssh: { user: 'root', privateKey: sshPrivateKey },
          network: { kubeVip: '192.168.1.252', ingressIp: '192.168.1.240' },
        },
      ],
    },
    kubernetes: {
      serviceLocatorMethod: { type: 'singleTenant' },
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              name: SANDBOX_LOCATION,
              url: kubernetes.url,
              authProvider: 'serviceAccount',
              serviceAccountToken: kubeToken,
              skipTLSVerify: true,
              skipMetricsLookup: true,
            },
          ],
        },
      ],
    },
  };

  return {
    kubernetes,
    bifrost,
    odoo,
    config,
    secrets: [kubeToken, bifrostPassword, odooApiKey],
    close: async () => {
      await Promise.all([kubernetes.close(), bifrost.close(), odoo.close()]);
    },
  };
}
