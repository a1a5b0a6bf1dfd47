import type { Config } from '@backstage/config';
import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';

/** The portal's roles; everyone else who is signed in may read. */
export type InferenceRole = 'admin' | 'billing' | 'sre';

export type RoleMembers = Record<InferenceRole, string[]>;

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
  return { admin: read('admin'), billing: read('billing'), sre: read('sre') };
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
 * Role-based policy of the inference portal, replacing allow-all:
 * - reading (permission action `read`) is open to every signed-in user;
 * - changing Models needs `admin`; customers, keys, usage and invoices need
 *   `billing` (or `admin`); servers, K3s and Helm need `sre` (or `admin`);
 * - Backstage's own permissions (catalog, scaffolder, ...) stay allowed;
 * - service principals (other backend plugins, static external API keys) are
 *   allowed: they are authenticated by configuration, not by a person.
 * Roles come from the user's ownership refs (the user and its groups).
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
    const roles = rolesFor(request.permission.name);
    if (!roles) {
      return allow;
    }
    if (!user || request.permission.attributes.action === 'read') {
      return allow;
    }
    const owned = new Set(
      (await this.ownershipOf(user)).map(ref => ref.toLocaleLowerCase('en-US')),
    );
    const granted = (['admin', ...roles] as InferenceRole[]).some(role =>
      this.members[role].some(ref => owned.has(ref)),
    );
    return granted ? allow : deny;
  }
}
