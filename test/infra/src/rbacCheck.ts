/*
 * What a rendered overlay grants one of the portal's ServiceAccounts, compared with
 * what the portal's code needs: every problem as a sentence, none when the
 * grants are exactly the needs. Everything bound to a ServiceAccount
 * counts (whatever the Role or binding is called), so a verb, resource,
 * namespace or binding more than needed is a problem, and so is a binding
 * to a role the overlay does not define (cluster-admin, edit, view...).
 */
import {
  accessKeys,
  type KubernetesAccess,
  type KubernetesCall,
  type SourceFileInput,
} from './kubernetesCalls';
import type { K8sObject } from './render';

export const PORTAL_SERVICE_ACCOUNT = {
  name: 'inference-portal',
  namespace: 'inference-portal',
};

/** The billing Deployment's own ServiceAccount (billing.yaml). */
export const BILLING_SERVICE_ACCOUNT = {
  name: 'inference-portal-billing',
  namespace: 'inference-portal',
};

/** The read-only ClusterRole of the Kubernetes plugin's tab. */
export const TAB_ROLE = 'inference-portal-kubernetes-tab';

/** Verbs that reach beyond the rules themselves. */
const ESCALATING_VERBS = ['escalate', 'bind', 'impersonate', '*'];

export interface RbacNeeds {
  /** What the inference plugins' Kubernetes calls need, per namespace. */
  calls: KubernetesAccess[];
  /** What the Kubernetes tab lists, in every namespace (TAB_ROLE). */
  tab: KubernetesAccess[];
}

const binds =
  (account: { name: string; namespace: string }) => (binding: K8sObject) =>
    (binding.subjects ?? []).some(
      (s: any) =>
        s.kind === 'ServiceAccount' &&
        s.name === account.name &&
        (s.namespace ?? binding.metadata.namespace) === account.namespace,
    );

/** Problems of `objects`' RBAC for a ServiceAccount (the portal's by default). */
export function rbacProblems(
  objects: K8sObject[],
  needs: RbacNeeds,
  account = PORTAL_SERVICE_ACCOUNT,
): string[] {
  const bindsAccount = binds(account);
  const problems: string[] = [];
  const grants: KubernetesAccess[] = [];
  const tabGrants: KubernetesAccess[] = [];

  for (const role of objects.filter(o =>
    ['Role', 'ClusterRole'].includes(o.kind),
  )) {
    const name = `${role.kind} ${role.metadata.name}`;
    if (role.aggregationRule) {
      problems.push(`${name} aggregates other roles`);
    }
    const labels = Object.keys(role.metadata.labels ?? {});
    if (
      labels.some(l => l.startsWith('rbac.authorization.k8s.io/aggregate-to'))
    ) {
      problems.push(`${name} is aggregated into a built-in role`);
    }
    for (const rule of role.rules ?? []) {
      if (rule.nonResourceURLs) {
        problems.push(`${name} grants non-resource URLs`);
      }
      for (const value of [...rule.verbs, ...rule.resources, ...rule.apiGroups])
        if (value === '*' || String(value).includes('*'))
          problems.push(`${name} grants the wildcard ${value}`);
      for (const verb of rule.verbs)
        if (ESCALATING_VERBS.includes(verb))
          problems.push(`${name} grants ${verb}`);
      if (rule.resources.includes('secrets')) {
        problems.push(`${name} grants access to Secrets`);
      }
    }
  }

  for (const binding of objects.filter(
    o =>
      ['RoleBinding', 'ClusterRoleBinding'].includes(o.kind) && bindsAccount(o),
  )) {
    const { kind, name } = binding.roleRef;
    const namespace =
      binding.kind === 'RoleBinding' ? binding.metadata.namespace : undefined;
    const role = objects.find(
      o =>
        o.kind === kind &&
        o.metadata.name === name &&
        (kind === 'ClusterRole' ||
          o.metadata.namespace === binding.metadata.namespace),
    );
    if (!role) {
      problems.push(
        `${binding.kind} ${binding.metadata.name} binds ${kind} ${name}, which the overlay does not define`,
      );
      continue;
    }
    const isTab = kind === 'ClusterRole' && name === TAB_ROLE;
    if (isTab && binding.kind !== 'ClusterRoleBinding') {
      problems.push(`${binding.kind} ${binding.metadata.name} binds ${name}`);
    }
    for (const rule of role.rules ?? []) {
      if (rule.resourceNames) {
        problems.push(`${kind} ${name} names resources (not derived)`);
      }
      for (const apiGroup of rule.apiGroups)
        for (const resource of rule.resources)
          for (const verb of rule.verbs)
            (isTab ? tabGrants : grants).push({
              namespace,
              apiGroup,
              resource,
              verb,
            });
    }
  }

  const compare = (what: string, granted: string[], needed: string[]) => {
    for (const key of granted.filter(k => !needed.includes(k)))
      problems.push(`${what}: granted but not needed: ${key}`);
    for (const key of needed.filter(k => !granted.includes(k)))
      problems.push(`${what}: needed but not granted: ${key}`);
  };
  compare('plugins', accessKeys(grants), accessKeys(needs.calls));
  compare('Kubernetes tab', accessKeys(tabGrants), accessKeys(needs.tab));
  return problems;
}

/**
 * The calls a package makes: those made in a class method that the
 * package's own sources call by name (`locations.kubeAi(l).listModels()`).
 * One level: a method that reaches the cluster through another method of
 * its class is not followed, so a need it hides shows up as a grant that
 * no derived call explains, never as a silent extra.
 */
export function callsMadeBy(
  calls: KubernetesCall[],
  packageFiles: SourceFileInput[],
): KubernetesCall[] {
  const called = new Set<string>();
  for (const file of packageFiles) {
    for (const match of file.text.matchAll(/\.([A-Za-z_$][\w$]*)\s*\(/g)) {
      called.add(match[1]);
    }
  }
  return calls.filter(c => c.caller !== undefined && called.has(c.caller));
}
