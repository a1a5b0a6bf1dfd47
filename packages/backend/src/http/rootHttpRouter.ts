/*
 * This backend's root HTTP router: the portal's (Backstage's defaults and
 * the inference plugins' 413 for oversized bodies, as in
 * packages/backend-billing), plus the app's static files served compressed
 * once (./precompressedAssets.ts), with the security headers and request
 * log the defaults give every other response.
 */
import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import {
  resolvePackagePath,
  type RootConfigService,
} from '@backstage/backend-plugin-api';
import {
  rejectOversizedBodies,
  restoreTooLargeBodies,
} from '@internal/backstage-plugin-inference-node';
import fs from 'node:fs';
import { precompressedAssets } from './precompressedAssets';

/**
 * The directory the app backend serves `/static` from: the `dist/static` of
 * the package `app.packageName` names (default `app`), when it is built.
 */
export function appStaticDir(config: RootConfigService): string | undefined {
  const name = config.getOptionalString('app.packageName') ?? 'app';
  try {
    const dir = resolvePackagePath(name, 'dist', 'static');
    return fs.existsSync(dir) ? dir : undefined;
  } catch {
    // No such package here (a backend that does not serve the app).
    return undefined;
  }
}

/**
 * The root HTTP router service; `staticDir` overrides where the app's static
 * files are read from (default: `appStaticDir`).
 */
export function createPortalRootHttpRouterServiceFactory(options?: {
  staticDir?: string;
}) {
  return rootHttpRouterServiceFactory({
    configure({ app, applyDefaults, middleware, config, logger }) {
      app.use(rejectOversizedBodies());
      app.use(restoreTooLargeBodies());
      const dir = options?.staticDir ?? appStaticDir(config);
      if (dir) {
        app.use(
          '/static',
          middleware.helmet(),
          middleware.logging(),
          precompressedAssets({ dir, logger }),
        );
      }
      applyDefaults();
    },
  });
}

export const portalRootHttpRouterServiceFactory =
  createPortalRootHttpRouterServiceFactory();
