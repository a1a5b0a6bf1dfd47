/*
 * The sandbox: one or more locations (`local` by default; `./portal start`
 * runs `local`, `stalpeni` and `pr`), each with its own Kubernetes API,
 * Bifrost and Odoo emulators on free loopback ports, seeded with its Models,
 * customers with virtual keys, days of usage and servers (locations.ts).
 * Returns the app-config that points the portal at them.
 */
import { BifrostEmulator } from '../bifrost';
import { KubernetesEmulator } from '../kubernetes';
import { OdooEmulator } from '../odoo';
import {
  SANDBOX_LOCATIONS,
  SandboxLocationName,
  sandboxLocationSpecs,
} from './locations';
import { SandboxLocation, startSandboxLocation } from './startLocation';

export { SANDBOX_NAMESPACE, type SandboxLocation } from './startLocation';
export { SANDBOX_LOCATIONS, type SandboxLocationName } from './locations';

export const SANDBOX_LOCATION = 'local';

export interface Sandbox {
  /** The emulators of the first location (`local` unless told otherwise). */
  kubernetes: KubernetesEmulator;
  bifrost: BifrostEmulator;
  odoo: OdooEmulator;
  /** Every started location by name, in start order. */
  locations: Record<string, SandboxLocation>;
  /** App-config (as an object) that makes the started locations the portal's. */
  config: Record<string, unknown>;
  /** Every secret the sandbox handed out, for leak scans. */
  secrets: string[];
  close(): Promise<void>;
}

export async function startSandbox(
  options: {
    now?: Date;
    /** Days of usage before `now` in each location (default 30). */
    days?: number;
    /** Controller delays; 0 makes Models ready at once (tests). */
    modelReadyDelayMs?: number;
    /** Which locations (default `local` alone; SANDBOX_LOCATIONS for all). */
    locations?: SandboxLocationName[];
  } = {},
): Promise<Sandbox> {
  const names = options.locations ?? [SANDBOX_LOCATION];
  const unknown = names.filter(n => !SANDBOX_LOCATIONS.includes(n));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(
      `sandbox locations must be some of ${SANDBOX_LOCATIONS.join(', ')}, got ${
        names.join(', ') || 'none'
      }`,
    );
  }
  const now = options.now ?? new Date();
  // Started side by side: each is a few HTTP servers and an openssl call.
  const results = await Promise.allSettled(
    names.map(name =>
      startSandboxLocation({
        spec: sandboxLocationSpecs[name],
        now,
        days: options.days ?? 30,
        modelReadyDelayMs: options.modelReadyDelayMs ?? 3000,
      }),
    ),
  );
  const failed = results.find(r => r.status === 'rejected');
  if (failed) {
    await Promise.allSettled(
      results.map(r => (r.status === 'fulfilled' ? r.value.close() : null)),
    );
    throw (failed as PromiseRejectedResult).reason;
  }
  const started = results.map(
    r => (r as PromiseFulfilledResult<SandboxLocation>).value,
  );

  const config = {
    inference: { locations: started.map(l => l.location) },
    kubernetes: {
      serviceLocatorMethod: { type: 'singleTenant' },
      clusterLocatorMethods: [
        { type: 'config', clusters: started.map(l => l.cluster) },
      ],
    },
  };
  const [first] = started;
  return {
    kubernetes: first.kubernetes,
    bifrost: first.bifrost,
    odoo: first.odoo,
    locations: Object.fromEntries(started.map(l => [l.name, l])),
    config,
    secrets: started.flatMap(l => l.secrets),
    close: async () => {
      await Promise.all(started.map(l => l.close()));
    },
  };
}
