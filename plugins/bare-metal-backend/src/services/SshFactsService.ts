import type {
  ServerSummary,
  SshFacts,
} from '@internal/backstage-plugin-bare-metal-common';
import type { InferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import type { SshFactsSettings } from './sshFactsSettings';
import type { SshConnector } from '@internal/backstage-plugin-inference-node';
import { sshTargetFor } from '@internal/backstage-plugin-inference-node';

/** Read-only commands; each section starts with a marker line. */
export const FACTS_COMMAND = [
  'echo @@cpu',
  "grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2-",
  'echo @@ncpu',
  'nproc 2>/dev/null || true',
  'echo @@mem',
  "grep '^MemTotal:' /proc/meminfo",
  'echo @@disks',
  'lsblk -b -d -n -P -o NAME,SIZE,TYPE,MODEL 2>/dev/null || true',
  'echo @@gpus',
  'if command -v nvidia-smi >/dev/null 2>&1; then nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits; fi',
  'echo @@end',
].join('\n');

function sections(output: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  let current: string | undefined;
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    const marker = /^@@([a-z]+)$/.exec(line);
    if (marker) current = marker[1];
    else if (current && line) (result[current] ??= []).push(line);
  }
  return result;
}

const toInt = (value: string | undefined) => {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isFinite(n) ? n : undefined;
};

/** Parses the output of FACTS_COMMAND. Pure. */
export function parseFacts(output: string, collectedAt: Date): SshFacts {
  const s = sections(output);
  const mem = /MemTotal:\s+(\d+)\s*kB/.exec(s.mem?.[0] ?? '');
  const disks = (s.disks ?? []).flatMap(line => {
    const fields = Object.fromEntries(
      [...line.matchAll(/([A-Z]+)="([^"]*)"/g)].map(m => [m[1], m[2]]),
    );
    const sizeBytes = toInt(fields.SIZE);
    if (!fields.NAME || sizeBytes === undefined) return [];
    return [
      {
        name: fields.NAME,
        sizeBytes,
        ...(fields.TYPE ? { type: fields.TYPE } : {}),
        ...(fields.MODEL?.trim() ? { model: fields.MODEL.trim() } : {}),
      },
    ];
  });
  const gpus = (s.gpus ?? []).flatMap(line => {
    const [name, memory, driver] = line.split(',').map(f => f.trim());
    if (!name) return [];
    const memoryMiB = toInt(memory);
    return [
      {
        name,
        ...(memoryMiB !== undefined ? { memoryMiB } : {}),
        ...(driver ? { driverVersion: driver } : {}),
      },
    ];
  });
  const cpuModel = s.cpu?.[0]?.trim();
  const cpuCount = toInt(s.ncpu?.[0]);
  return {
    ...(cpuModel ? { cpuModel } : {}),
    ...(cpuCount !== undefined ? { cpuCount } : {}),
    ...(mem ? { memoryBytes: Number(mem[1]) * 1024 } : {}),
    disks,
    gpus,
    collectedAt: collectedAt.toISOString(),
  };
}

type Result = { facts?: SshFacts; error?: string };

/**
 * Hardware facts of the configured servers over SSH (pinned host keys, the
 * location's configured key), cached per server. A failure is that server's
 * error, never the listing's.
 */
export class SshFactsService {
  private readonly cache = new Map<
    string,
    { at: number; result: Promise<Result> }
  >();

  private readonly locations: InferenceLocationsService;
  private readonly settings: SshFactsSettings;
  private readonly connector: SshConnector;
  private readonly now: () => number;

  constructor(options: {
    locations: InferenceLocationsService;
    settings: SshFactsSettings;
    connector: SshConnector;
    now?: () => number;
  }) {
    this.locations = options.locations;
    this.settings = options.settings;
    this.connector = options.connector;
    this.now = options.now ?? Date.now;
  }

  get enabled() {
    return this.settings.enabled;
  }

  /** The facts of one configured server, or why they are missing. */
  read(location: string, server: string): Promise<Result> {
    const key = `${location}/${server}`;
    const cached = this.cache.get(key);
    if (cached && this.now() - cached.at < this.settings.cacheSeconds * 1000) {
      return cached.result;
    }
    const result = this.fetch(location, server);
    this.cache.set(key, { at: this.now(), result });
    return result;
  }

  private async fetch(location: string, name: string): Promise<Result> {
    try {
      const loc = this.locations.get(location);
      const server = loc.servers.find(s => s.name === name);
      if (!server) return { error: `server ${name} is not configured` };
      const target = sshTargetFor(loc, server);
      const timeout = this.settings.timeoutMs;
      const session = await this.connector.connect({
        ...target,
        connectTimeoutMs: Math.min(target.connectTimeoutMs, timeout),
      });
      try {
        const result = await session.exec(FACTS_COMMAND, {
          timeoutMs: timeout,
          operation: 'read hardware facts',
        });
        if (!result.stdout.includes('@@end')) {
          return {
            error: `location ${location}: ssh: ${name}: reading facts failed (exit ${result.code})`,
          };
        }
        return { facts: parseFacts(result.stdout, new Date(this.now())) };
      } finally {
        session.close();
      }
    } catch (e) {
      return { error: (e as Error).message };
    }
  }

  /** Adds the facts (or their error) to each configured server. */
  async join(items: ServerSummary[]): Promise<ServerSummary[]> {
    if (!this.enabled) return items;
    return Promise.all(
      items.map(async item => {
        if (item.membership === 'unmanaged') return item;
        const { facts, error } = await this.read(item.location, item.name);
        return {
          ...item,
          ...(facts ? { sshFacts: facts } : {}),
          ...(error ? { sshFactsError: error } : {}),
        };
      }),
    );
  }
}
