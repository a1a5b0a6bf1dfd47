/*
 * Who may use each permission of Backstage's own plugins in this portal.
 * Names as declared by @backstage/plugin-kubernetes-common,
 * @backstage/plugin-catalog-common (alpha) and
 * @backstage/plugin-scaffolder-common (alpha); the search, notifications,
 * signals, techdocs, user-settings, app, proxy and MCP actions plugins
 * declare none (search filters its results by each document type's read
 * permission, decided like any other read). Kept as plain names so that the
 * policy does not depend on those packages;
 * packages/backend/src/permissionCoverage.test.ts checks
 * this table against what a running backend's plugins register.
 */
import type { InferenceRole } from './InferencePermissionPolicy';

/**
 * `everyone`: every signed-in user. `owner`: every signed-in user for the
 * scaffolder tasks they created (conditional decision IS_TASK_OWNER),
 * admins for every task. A role list: those roles, and admins.
 */
export type BackstageRule = 'everyone' | 'owner' | InferenceRole[];

export const BACKSTAGE_PERMISSIONS: Record<string, BackstageRule> = {
  // The Kubernetes tab of entities and the clusters list: reads, through the
  // portal's own service account, of what app-config's objectTypes name.
  'kubernetes.clusters.read': 'everyone',
  'kubernetes.resources.read': 'everyone',
  // The proxy forwards any request (POST, PATCH, DELETE included) to a
  // cluster with the portal's service account, whose RBAC must allow the
  // portal's own Model, Node and HelmChart changes: only those who may make
  // such changes anyway get it. The permission carries no HTTP method; the
  // tab's pod logs and events in the Models' namespaces are answered before
  // the proxy under kubernetes.resources.read instead
  // (packages/backend/src/kubernetes/tabReadsModule.ts).
  'kubernetes.proxy': ['sre'],

  'catalog.entity.read': 'everyone',
  'catalog.location.read': 'everyone',
  'catalog.ingestion.read': 'everyone',
  // Checks an entity's YAML and changes nothing.
  'catalog.entity.validate': 'everyone',
  // The catalog is written by the portal's own providers and files (service
  // principals, allowed); registering, unregistering, refreshing and
  // analysing remote locations are catalog maintenance.
  'catalog.entity.create': ['admin'],
  'catalog.entity.delete': ['admin'],
  'catalog.entity.refresh': ['admin'],
  'catalog.location.create': ['admin'],
  'catalog.location.delete': ['admin'],
  'catalog.location.analyze': ['admin'],
  'catalog.ingestion.manage': ['admin'],

  'scaffolder.template.parameter.read': 'everyone',
  'scaffolder.template.step.read': 'everyone',
  'scaffolder.task.read': 'everyone',
  // Running a template: every inference action checks its own permission
  // with the initiator's credentials (inference.model.*, baremetal.*,
  // inference.customer.*), so who may change what is decided there.
  'scaffolder.task.create': 'everyone',
  'scaffolder.action.execute': 'everyone',
  'scaffolder.task.cancel': 'owner',
  // The template editor runs inline templates: admins only.
  'scaffolder.template.dry-run': ['admin'],
  'scaffolder.template.management': ['admin'],
};
