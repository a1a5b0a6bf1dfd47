import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { isIPv6 } from 'node:net';
import { z } from 'zod';
import { ExternalCallSettings, InferenceLocation } from './types';

const dnsLabel = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const hostname =
  /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const ipv4 =
  /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** A POSIX user name (no shell metacharacters). */
const sshUser = /^[a-z_][a-z0-9_-]{0,31}$/;
/** `ssh-keygen -lf` output: SHA256 of the host key, unpadded base64. */
const hostKeySha256 = /^SHA256:[A-Za-z0-9+/]{43}$/;

const httpUrl = z
  .string()
  .url()
  .refine(u => /^https?:\/\//.test(u), 'must be an http(s) URL');
const hostOrIp = z
  .string()
  .refine(
    v => ipv4.test(v) || hostname.test(v),
    'must be an IPv4 address or a host name',
  );

const serverSchema = z
  .object({
    name: z.string().regex(dnsLabel, 'must be a DNS label ([a-z0-9-])'),
    address: hostOrIp,
    sshPort: z.number().int().min(1).max(65535).default(22),
    roles: z.array(z.enum(['server', 'agent', 'gpu'])).default(['server']),
    sshUser: z.string().regex(sshUser, 'must be a POSIX user name').optional(),
    hostKeySha256: z
      .string()
      .regex(
        hostKeySha256,
        'must be an SSH host key fingerprint like SHA256:<43 base64 characters>',
      )
      .optional(),
  })
  .strict();

const sshSchema = z
  .object({
    user: z
      .string()
      .regex(sshUser, 'must be a POSIX user name')
      .default('root'),
    privateKey: z.string().min(1).optional(),
    passphrase: z.string().min(1).optional(),
    connectTimeoutMs: z.number().int().min(100).max(300_000).default(10_000),
  })
  .strict();

const locationSchema = z
  .object({
    name: z
      .string()
      .regex(dnsLabel, 'must be lower-case letters, digits and dashes'),
    title: z.string().min(1).optional(),
    domain: z.string().regex(hostname, 'must be a DNS domain'),
    countryCode: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as RO'),
    cluster: z.string().min(1),
    kubeaiNamespace: z.string().regex(dnsLabel).default('kubeai'),
    bifrost: z
      .object({
        baseUrl: httpUrl,
        adminUsername: z.string().min(1).optional(),
        adminPassword: z.string().min(1).optional(),
      })
      .strict()
      .refine(
        b => !!b.adminUsername === !!b.adminPassword,
        'adminUsername and adminPassword must be set together',
      ),
    odoo: z
      .object({
        url: httpUrl,
        database: z.string().min(1),
        username: z.string().min(1),
        apiKey: z.string().min(1),
        protocol: z.enum(['jsonrpc', 'json2']).default('jsonrpc'),
      })
      .strict()
      .optional(),
    billing: z
      .object({
        currency: z
          .string()
          .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')
          .default('EUR'),
        invoiceDay: z.number().int().min(1).max(28).default(2),
      })
      .strict()
      .default({}),
    servers: z.array(serverSchema).default([]),
    ssh: sshSchema.default({}),
    network: z
      .object({ kubeVip: hostOrIp.optional(), ingressIp: hostOrIp.optional() })
      .strict()
      .default({}),
    helm: z
      .object({
        allowedRepositoryHosts: z
          .array(
            z
              .string()
              .refine(
                v => ipv4.test(v) || hostname.test(v) || isIPv6(v),
                'must be a host name or an IP address',
              ),
          )
          .default([]),
      })
      .strict()
      .default({}),
  })
  .strict();

function keyOf(path: Array<string | number>): string {
  return path.reduce<string>(
    (acc, part) =>
      typeof part === 'number' ? `${acc}[${part}]` : `${acc}.${part}`,
    'inference.locations',
  );
}

/** Names of the clusters configured in the standard `kubernetes:` block. */
function configuredClusters(config: Config): Set<string> | undefined {
  const methods = config.getOptionalConfigArray(
    'kubernetes.clusterLocatorMethods',
  );
  if (!methods) {
    return undefined;
  }
  const names = new Set<string>();
  for (const method of methods) {
    if (method.getString('type') !== 'config') {
      // Clusters from the catalog or a cloud provider are only known at run time.
      return undefined;
    }
    for (const cluster of method.getOptionalConfigArray('clusters') ?? []) {
      names.add(cluster.getString('name'));
    }
  }
  return names;
}

/**
 * Reads and validates `inference.locations`. Throws an InputError whose message
 * names the offending key (e.g. `inference.locations[0].bifrost.baseUrl`).
 */
export function readInferenceLocations(config: Config): InferenceLocation[] {
  const raw = config.getOptional('inference.locations') ?? [];
  const parsed = z.array(locationSchema).safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      issue => `${keyOf(issue.path)}: ${issue.message}`,
    );
    throw new InputError(
      `Invalid inference location config: ${problems.join('; ')}`,
    );
  }
  const locations = parsed.data.map(l => ({ ...l, title: l.title ?? l.name }));

  const seen = new Map<string, number>();
  locations.forEach((location, index) => {
    const previous = seen.get(location.name);
    if (previous !== undefined) {
      throw new InputError(
        `Invalid inference location config: inference.locations[${index}].name: '${location.name}' is already used by inference.locations[${previous}]`,
      );
    }
    seen.set(location.name, index);
    const serverNames = new Set<string>();
    location.servers.forEach((server, serverIndex) => {
      if (serverNames.has(server.name)) {
        throw new InputError(
          `Invalid inference location config: inference.locations[${index}].servers[${serverIndex}].name: '${server.name}' appears twice`,
        );
      }
      serverNames.add(server.name);
    });
  });

  const clusters = configuredClusters(config);
  if (clusters) {
    locations.forEach((location, index) => {
      if (!clusters.has(location.cluster)) {
        throw new InputError(
          `Invalid inference location config: inference.locations[${index}].cluster: no cluster named '${
            location.cluster
          }' in kubernetes.clusterLocatorMethods (known: ${
            [...clusters].join(', ') || 'none'
          })`,
        );
      }
    });
  }
  return locations;
}

/** Reads `inference.http`, the timeout and retry policy for external calls. */
export function readExternalCallSettings(config: Config): ExternalCallSettings {
  const timeoutMs =
    config.getOptionalNumber('inference.http.timeoutMs') ?? 10_000;
  const retries = config.getOptionalNumber('inference.http.retries') ?? 2;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
    throw new InputError(
      'Invalid inference config: inference.http.timeoutMs must be a positive integer',
    );
  }
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
    throw new InputError(
      'Invalid inference config: inference.http.retries must be an integer from 0 to 10',
    );
  }
  return { timeoutMs, retries };
}
