/*
 * The SSH facts' tests against real OpenSSH servers: the lab of
 * @internal/test-emulators as the plugin's locations service.
 */
import { ConfigReader } from '@backstage/config';
import { ConfigInferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import { labLocationConfig } from '@internal/test-emulators';

export { startSshLab, type SshLab } from '@internal/test-emulators';

/** A location `lab` whose servers are the lab's sshd instances. */
export function labLocations(...args: Parameters<typeof labLocationConfig>) {
  return ConfigInferenceLocationsService.fromConfig(
    new ConfigReader(labLocationConfig(...args)),
  );
}
