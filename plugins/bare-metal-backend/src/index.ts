/**
 * The bare-metal backend plugin (`GET /nodes`, the MCP action `list-nodes`).
 * Its catalog, scaffolder and search modules are the packages
 * catalog-backend-module-bare-metal, scaffolder-backend-module-bare-metal
 * and search-backend-module-bare-metal.
 *
 * @packageDocumentation
 */
export { bareMetalPlugin as default } from './plugin';

// SSH to a location's configured servers, host keys pinned: the plugin reads
// hardware facts with it, the scaffolder module installs K3s with it. One
// implementation of the host key check for both (a node library is its
// proper home; see README).
export {
  Ssh2Connector,
  sshError,
  type ExecOptions,
  type ExecResult,
  type SshConnector,
  type SshSession,
  type SshTarget,
} from './ssh/SshConnector';
export { sshTargetFor } from './ssh/targets';
