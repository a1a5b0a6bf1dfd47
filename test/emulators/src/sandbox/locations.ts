/*
 * What each sandbox location is: its country, invoice currency, network,
 * servers and their Nodes, Models and customers. `local` is the location the
 * sandbox had alone before (tests and the e2e rely on its data: names, ids
 * and request ids are unchanged); `stalpeni` and `pr` are independent sites
 * with their own currency, GPU mix, prices and customers.
 */
import {
  prCustomers,
  SandboxCustomer,
  sandboxCustomers,
  stalpeniCustomers,
} from './customers';
import { prModels, stalpeniModels } from './locationModels';
import { SandboxModelManifest, sandboxModels } from './models';
import {
  prNodes,
  prServers,
  SandboxServer,
  sandboxNodes,
  sandboxServers,
  stalpeniNodes,
  stalpeniServers,
} from './servers';

export type SandboxLocationName = 'local' | 'stalpeni' | 'pr';

/** The locations `./portal start` runs, in order. */
export const SANDBOX_LOCATIONS: SandboxLocationName[] = [
  'local',
  'stalpeni',
  'pr',
];

export interface SandboxLocationSpec {
  name: SandboxLocationName;
  title: string;
  domain: string;
  countryCode: string;
  currency: string;
  network: { kubeVip: string; ingressIp: string };
  odooDatabase: string;
  servers: SandboxServer[];
  nodes(): object[];
  models(namespace: string): SandboxModelManifest[];
  customers: SandboxCustomer[];
  /** Seed of the usage generator, so each location's traffic differs. */
  usageSeed: number;
  /** Prefix of the Bifrost request ids of its usage. */
  requestIdPrefix: string;
  /** Name hashed into the stable id of a customer or virtual key. */
  idName(kind: 'customer' | 'virtual-key', name: string): string;
}

export const sandboxLocationSpecs: Record<
  SandboxLocationName,
  SandboxLocationSpec
> = {
  local: {
    name: 'local',
    title: 'Local sandbox',
    domain: 'local.inferencebros.com',
    countryCode: 'RO',
    currency: 'EUR',
    network: { kubeVip: '192.168.1.252', ingressIp: '192.168.1.240' },
    odooDatabase: 'inferencebros',
    servers: sandboxServers,
    nodes: sandboxNodes,
    models: sandboxModels,
    customers: sandboxCustomers,
    usageSeed: 42,
    requestIdPrefix: 'sandbox-',
    idName: (kind, name) => `${kind}:${name}`,
  },
  stalpeni: {
    name: 'stalpeni',
    title: 'Stalpeni (RO)',
    domain: 'stalpeni.inferencebros.com',
    countryCode: 'RO',
    currency: 'EUR',
    network: { kubeVip: '10.10.0.252', ingressIp: '10.10.0.240' },
    odooDatabase: 'inferencebros_stalpeni',
    servers: stalpeniServers,
    nodes: stalpeniNodes,
    models: stalpeniModels,
    customers: stalpeniCustomers,
    usageSeed: 4242,
    requestIdPrefix: 'sandbox-stalpeni-',
    idName: (kind, name) => `${kind}:stalpeni:${name}`,
  },
  pr: {
    name: 'pr',
    title: 'Puerto Rico (PR)',
    domain: 'pr.inferencebros.com',
    countryCode: 'PR',
    currency: 'USD',
    network: { kubeVip: '10.20.0.252', ingressIp: '10.20.0.240' },
    odooDatabase: 'inferencebros_pr',
    servers: prServers,
    nodes: prNodes,
    models: prModels,
    customers: prCustomers,
    usageSeed: 787,
    requestIdPrefix: 'sandbox-pr-',
    idName: (kind, name) => `${kind}:pr:${name}`,
  },
};
