import type { Config } from '@backstage/config';
import {
  AuthorizeResult,
  isResourcePermission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createInferenceModelConditionalDecision,
  inferenceModelConditions,
} from '@internal/backstage-plugin-inference-models-backend';
import { INFERENCE_MODEL_RESOURCE_TYPE } from '@internal/backstage-plugin-inference-models-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { BACKSTAGE_PERMISSIONS } from './backstagePermissions';

/** The portal's roles; everyone else who is signed in may read. */
export type InferenceRole = 'admin' | 'billing' | 'sre';

export type RoleMembers = Record<InferenceRole, string[]> & {
  /** Roles held in some locations only (`inference.roles.scoped`). */
  scoped?: Array<{
    role: InferenceRole;
    members: string[];
    locations: string[];
  }>;
};

export const DEFAULT_ROLE_MEMBERS: RoleMembers = {
  admin: ['group:default/inference-admins'],
  billing: ['group:default/billing-admins'],
  sre: ['group:default/sre'],
};

/** `inference.roles` from config: entity refs (groups or users) per role. */
export function readRoleMembers(config: Config): RoleMembers {
  const read = (role: InferenceRole) =>
    (
      config.getOptionalStringArray(`inference.roles.${role}`) ??
      DEFAULT_ROLE_MEMBERS[role]
    ).map(ref => ref.toLocaleLowerCase('en-US'));
  const scoped = (
    config.getOptionalConfigArray('inference.roles.scoped') ?? []
  ).map((entry, i) => {
    const role = entry.getString('role');
    if (!['admin', 'billing', 'sre'].includes(role)) {
      throw new Error(
        `inference.roles.scoped[${i}].role: '${role}' is not one of admin, billing, sre`,
      );
    }
    return {
      role: role as InferenceRole,
      members: entry
        .getStringArray('members')
        .map(ref => ref.toLocaleLowerCase('en-US')),
      locations: entry.getStringArray('locations'),
    };
  });
  return {
    admin: read('admin'),
    billing: read('billing'),
    sre: read('sre'),
    scoped,
  };
}

/**
 * Which roles may use a permission of the inference plugins, by name; admins
 * may use every one. Undefined: not an inference permission.
 */
export function rolesFor(permissionName: string): InferenceRole[] | undefined {
  if (permissionName.startsWith('inference.model.')) return ['admin'];
  if (
    permissionName.startsWith('inference.customer.') ||
    permissionName.startsWith('inference.invoice.') ||
    permissionName.startsWith('inference.usage.')
  ) {
    return ['admin', 'billing'];
  }
  if (permissionName.startsWith('baremetal.')) return ['admin', 'sre'];
  return undefined;
}

const allow: PolicyDecision = { result: AuthorizeResult.ALLOW };
const deny: PolicyDecision = { result: AuthorizeResult.DENY };

/**
 * Role-based policy of the inference portal, replacing allow-all. It decides
 * every permission, Backstage's own included:
 * - reading (permission action `read`) is open to every signed-in user;
 * - changing Models needs `admin`; customers, keys, usage and invoices need
 *   `billing` (or `admin`); servers, K3s and Helm need `sre` (or `admin`);
 * - Backstage's own permissions as BACKSTAGE_PERMISSIONS lists them: the
 *   Kubernetes proxy (which acts with the portal's service account) needs
 *   `sre` (or `admin`), catalog maintenance and the template editor
 *   `admin`; the Kubernetes tab, catalog and search reads and running
 *   templates are open (the templates' actions check their own permissions);
 * - any other permission that is not a read is denied;
 * - a query without a user comes from an unauthenticated caller (the
 *   permission plugin answers those, `none` principals, with the policy):
 *   reads only. Service principals (other backend plugins, static external
 *   API keys) never reach the policy: the permissions service allows them
 *   within their access restrictions (ServerPermissionClient of
 *   @backstage/plugin-permission-node).
 * Roles come from the user's ownership refs (the user and its groups).
 * A role held in some locations only (`inference.roles.scoped`) gives a
 * conditional decision for Model changes: allowed for Models of those
 * locations (rule IS_IN_LOCATION, evaluated by the inference-models plugin).
 */
export class InferencePermissionPolicy implements PermissionPolicy {
  constructor(
    private readonly members: RoleMembers,
    private readonly ownershipOf: (
      user: PolicyQueryUser,
    ) => Promise<string[]> = async user => user.info.ownershipEntityRefs,
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) {
      return request.permission.attributes.action === 'read' ? allow : deny;
    }
    const roles = rolesFor(request.permission.name);
    if (roles) {
      return this.handleInference(request, user, roles);
    }
    const rule = Object.hasOwn(BACKSTAGE_PERMISSIONS, request.permission.name)
      ? BACKSTAGE_PERMISSIONS[request.permission.name]
      : undefined;
    if (rule === undefined) {
      // Not a permission this policy knows: reads stay open, anything else
      // waits until it is named here.
      return request.permission.attributes.action === 'read' ? allow : deny;
    }
    if (rule === 'everyone') {
      return allow;
    }
    if (rule === 'owner') {
      if ((await this.eligible(user, ['admin'])).granted) {
        return allow;
      }
      return {
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'scaffolder',
        resourceType: 'scaffolder-task',
        conditions: {
          rule: 'IS_TASK_OWNER',
          resourceType: 'scaffolder-task',
          params: { createdBy: [user.info.userEntityRef] },
        },
      };
    }
    return (await this.eligible(user, rule)).granted ? allow : deny;
  }

  /** Whether the user holds `admin` or one of `roles` in every location. */
  private async eligible(user: PolicyQueryUser, roles: InferenceRole[]) {
    const owned = new Set(
      (await this.ownershipOf(user)).map(ref => ref.toLocaleLowerCase('en-US')),
    );
    const eligible = ['admin', ...roles] as InferenceRole[];
    const granted = eligible.some(role =>
      this.members[role].some(ref => owned.has(ref)),
    );
    return { owned, eligible, granted };
  }

  private async handleInference(
    request: PolicyQuery,
    user: PolicyQueryUser,
    roles: InferenceRole[],
  ): Promise<PolicyDecision> {
    if (request.permission.attributes.action === 'read') {
      return allow;
    }
    const { owned, eligible, granted } = await this.eligible(user, roles);
    if (granted) {
      return allow;
    }
    // A role held in some locations: Model changes are allowed there only.
    if (
      isResourcePermission(request.permission, INFERENCE_MODEL_RESOURCE_TYPE)
    ) {
      const locations = (this.members.scoped ?? [])
        .filter(
          grant =>
            eligible.includes(grant.role) &&
            grant.members.some(ref => owned.has(ref)),
        )
        .flatMap(grant => grant.locations);
      if (locations.length > 0) {
        return createInferenceModelConditionalDecision(
          request.permission,
          inferenceModelConditions.isInLocation({
            locations: [...new Set(locations)],
          }),
        );
      }
    }
    return deny;
  }
}
