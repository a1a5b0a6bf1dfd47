import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import type { Request } from 'express';

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
  const [decision] = await deps.permissions.authorize([{ permission }], {
    credentials,
  });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(`Permission ${permission.name} is required`);
  }
  return credentials;
}
