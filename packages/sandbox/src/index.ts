/**
 * The `./portal start` launcher (`src/cli.ts`) and what it writes next to
 * the sandbox's app-config. The sandbox locations themselves (emulators and
 * their seed) come from `@internal/test-emulators`.
 *
 * @packageDocumentation
 */
export { baseConfigFiles, configuresLocations } from './configFiles';
export {
  mergeKubeconfigs,
  sandboxState,
  type SandboxEmulatorUrls,
  type SandboxState,
} from './state';
