import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { BasicPermission } from '@backstage/plugin-permission-common';
import type { Request } from 'express';
import { authorize } from './authorize';

/**
 * Authenticates a request (user or service) and checks a basic permission.
 * Throws AuthenticationError (401) without credentials and NotAllowedError
 * (403) naming the permission when the policy denies it.
 */
export async function requirePermission(
  deps: { httpAuth: HttpAuthService; permissions: PermissionsService },
  // Any route's request: the OpenAPI routers type params, body and query
  // from the spec; credentials only need the headers.
  req: Request<any, any, any, any>,
  permission: BasicPermission,
): Promise<BackstageCredentials> {
  const credentials = await deps.httpAuth.credentials(req, {
    allow: ['user', 'service'],
  });
  await authorize({
    permissions: deps.permissions,
    credentials,
    checks: [{ permission }],
  });
  return credentials;
}
