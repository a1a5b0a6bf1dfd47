/**
 * The portal's role-based permission policy, as a module of the permission
 * plugin (the default export): inference admins, billing admins and SRE by
 * `inference.roles`, reads for everyone signed in. Both backends of a split
 * deployment install it with the permission plugin.
 *
 * @packageDocumentation
 */
export { permissionModuleInferencePolicy as default } from './module';
export {
  InferencePermissionPolicy,
  readRoleMembers,
  rolesFor,
  DEFAULT_ROLE_MEMBERS,
  type InferenceRole,
  type RoleMembers,
} from './InferencePermissionPolicy';
export {
  BACKSTAGE_PERMISSIONS,
  type BackstageRule,
} from './backstagePermissions';
