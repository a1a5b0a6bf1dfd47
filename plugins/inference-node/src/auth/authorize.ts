import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';

/** One permission to check: basic, or a resource permission on one resource. */
export type PermissionCheck =
  | { permission: BasicPermission; resourceRef?: never }
  | { permission: ResourcePermission; resourceRef: string };

/**
 * The one authorization check of the inference plugins: routes, scaffolder
 * actions and MCP actions all call it with the caller's credentials. Every
 * check must be allowed (conditional decisions of resource permissions are
 * resolved by the permission framework against `resourceRef`); the first
 * denial throws NotAllowedError naming the permission (403), so nothing
 * after the call runs for a user without it.
 */
export async function authorize(options: {
  permissions: PermissionsService;
  credentials: BackstageCredentials;
  checks: PermissionCheck[];
}): Promise<void> {
  const { permissions, credentials, checks } = options;
  if (checks.length === 0) return;
  const decisions = await permissions.authorize(
    checks.map(c =>
      c.resourceRef === undefined
        ? { permission: c.permission }
        : { permission: c.permission, resourceRef: c.resourceRef },
    ),
    { credentials },
  );
  decisions.forEach((decision, i) => {
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Permission ${checks[i].permission.name} is required`,
      );
    }
  });
}
