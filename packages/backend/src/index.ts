/*
 * The portal's backend: Backstage core plugins plus the inference plugins
 * (models, billing, bare metal), all in one backend or split by
 * PORTAL_BACKEND_ROLE (see ./backends.ts). Locations come from
 * `inference.locations` (see plugins/inference-node/config.d.ts);
 * `./portal start` adds the `local` sandbox location when none are
 * configured.
 */
import { backendRole, startBackend } from './backends';

Promise.resolve()
  .then(() => startBackend(backendRole(process.env.PORTAL_BACKEND_ROLE)))
  .catch(error => {
    // Backstage has logged the plugins' startup errors; this names the cause.
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  });
