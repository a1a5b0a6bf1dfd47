/**
 * Emulators of the external systems the portal talks to, for tests and for
 * the `local` sandbox location. Plugin code never imports this package.
 *
 * @packageDocumentation
 */
export * from './kubernetes';
export * from './bifrost';
export * from './odoo';
export {
  SANDBOX_NAMESPACE,
  startSandbox,
  type Sandbox,
} from './sandbox/startSandbox';
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
