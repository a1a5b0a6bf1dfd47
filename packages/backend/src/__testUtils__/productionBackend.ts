/*
 * The portal's backend as a deployed replica starts it: `createBackend()`
 * of @backstage/backend-defaults (real root HTTP router, auth, error
 * handler), its config from the `--config` arguments (app-config.yaml,
 * app-config.production.yaml, ...), NODE_ENV from the environment. Only a
 * few plugins, enough to answer errors from Backstage's and the portal's
 * routers. Prints `PORT <port>` once it serves on PRODUCTION_BACKEND_PORT.
 */
import { createBackend } from '@backstage/backend-defaults';
import { portalRootHttpRouterServiceFactory } from '../http/rootHttpRouter';

async function main() {
  const backend = createBackend();
  // As ../index.ts wires the portal's backend.
  backend.add(portalRootHttpRouterServiceFactory);
  backend.add(import('@backstage/plugin-permission-backend'));
  backend.add(
    import(
      '@internal/backstage-plugin-permission-backend-module-inference-policy'
    ),
  );
  backend.add(import('@internal/backstage-plugin-inference-models-backend'));
  await backend.start();
  process.stdout.write(`PORT ${process.env.PRODUCTION_BACKEND_PORT}\n`);
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
