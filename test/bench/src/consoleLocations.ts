/*
 * The console benchmark's locations: per location a Kubernetes emulator with
 * `models` Models (the benchmarks' plain vLLM Model, no controller) and the
 * sandbox's GPU nodes, a Bifrost emulator with `customers` customers (each
 * with a budget, a rate limit and one virtual key, as onboarding leaves
 * them) and an Odoo emulator, so that every figure of a home card has a
 * system behind it. Returns the `inference.locations` and `kubernetes`
 * config that points a backend at them.
 */
import {
  startBifrostEmulator,
  startOdooEmulator,
  type BifrostEmulator,
  type KubernetesEmulator,
  type OdooEmulator,
} from '@internal/test-emulators';
import {
  prNodes,
  sandboxNodes,
  stalpeniNodes,
} from '@internal/test-emulators/src/sandbox/servers';
import crypto from 'node:crypto';
import { startModelClusters } from './emulatedLocations';

export interface ConsoleLocations {
  names: string[];
  config: Record<string, unknown>;
  close(): Promise<void>;
}

/** A stable UUID-shaped id, so a customer's id is the same in every run. */
function uuidOf(name: string): string {
  const h = crypto.createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(
    17,
    20,
  )}-${h.slice(20, 32)}`;
}

function seedCustomers(options: {
  bifrost: BifrostEmulator;
  location: string;
  customers: number;
}) {
  const { bifrost, location } = options;
  const ids = Array.from({ length: options.customers }, (_, i) =>
    uuidOf(`${location}:customer-${i}`),
  );
  bifrost.seed({
    customers: ids.map((id, i) => ({
      id,
      name: `Customer ${i} ${location}`,
      budgets: [{ max_limit: 100 + (i % 900), reset_duration: '1M' }],
      rate_limit: {
        request_max_limit: 120,
        request_reset_duration: '1m',
        token_max_limit: 60_000,
        token_reset_duration: '1m',
      },
    })),
    virtualKeys: ids.map((id, i) => ({
      id: uuidOf(`${location}:key-${i}`),
      name: `key-${i}-${location}`,
      is_active: true,
      customer_id: id,
      provider_configs: [
        { provider: 'kubeai', weight: 1, allowed_models: ['*'] },
      ],
    })),
  });
}

export async function startConsoleLocations(options: {
  locations: number;
  models: number;
  customers: number;
}): Promise<ConsoleLocations> {
  const started: Array<{ close(): Promise<void> }> = [];
  try {
    const kubes: KubernetesEmulator[] = await startModelClusters(
      options.locations,
      options.models,
    );
    started.push(...kubes);
    const nodeSets = [sandboxNodes, stalpeniNodes, prNodes];
    const locations = [];
    const clusters = [];
    for (const [l, kube] of kubes.entries()) {
      const name = `loc${l}`;
      kube.seed(nodeSets[l % nodeSets.length]());
      const adminPassword = crypto.randomBytes(12).toString('base64url');
      const bifrost = await startBifrostEmulator({
        adminUsername: 'admin',
        adminPassword,
      });
      started.push(bifrost);
      seedCustomers({ bifrost, location: name, customers: options.customers });
      const odooApiKey = crypto.randomBytes(12).toString('base64url');
      const odoo: OdooEmulator = await startOdooEmulator({
        database: `bench_${name}`,
        login: 'api@bench.local',
        apiKey: odooApiKey,
      });
      started.push(odoo);
      locations.push({
        name,
        title: `Location ${l}`,
        domain: `${name}.example.com`,
        countryCode: 'RO',
        cluster: name,
        kubeaiNamespace: 'kubeai',
        bifrost: {
          baseUrl: bifrost.url,
          adminUsername: 'admin',
          adminPassword,
        },
        odoo: {
          url: odoo.url,
          database: `bench_${name}`,
          username: 'api@bench.local',
          apiKey: odooApiKey,
          protocol: 'jsonrpc',
        },
        billing: { currency: 'EUR', invoiceDay: 2 },
      });
      clusters.push({
        name,
        url: kube.url,
        authProvider: 'serviceAccount',
        serviceAccountToken: kube.token,
        skipTLSVerify: true,
        skipMetricsLookup: true,
      });
    }
    return {
      names: locations.map(l => l.name),
      config: {
        inference: { locations },
        kubernetes: {
          serviceLocatorMethod: { type: 'singleTenant' },
          clusterLocatorMethods: [{ type: 'config', clusters }],
        },
      },
      close: async () => {
        await Promise.allSettled(started.map(s => s.close()));
      },
    };
  } catch (error) {
    await Promise.allSettled(started.map(s => s.close()));
    throw error;
  }
}
