/**
 * Emulators of the external systems the portal talks to, and the seeded
 * sandbox locations on them, for tests and for `./portal start`
 * (`@internal/sandbox`). Plugin code never imports this package.
 *
 * @packageDocumentation
 */
export * from './kubernetes';
export * from './bifrost';
export * from './odoo';
export {
  SANDBOX_LOCATIONS,
  SANDBOX_NAMESPACE,
  startSandbox,
  type Sandbox,
  type SandboxLocation,
} from './sandbox/startSandbox';
export { sandboxPrices } from './sandbox/models';
export { FaultInjector, type FaultKind, type FaultSpec } from './shared/faults';
export {
  startEmulatorServer,
  type RunningEmulator,
  type ListenOptions,
} from './shared/server';
export { recordTestFigures, testFiguresDir } from './shared/testFigures';
export {
  SSHD,
  sshdAvailable,
  generateKey,
  fingerprint,
  startSshd,
  type TestSshd,
} from './sshd/sshd';
export { startSshLab, labLocationConfig, type SshLab } from './sshd/sshLab';
