/*
 * The portal's RBAC grants exactly what the plugins' code calls: the
 * (namespace, apiGroup, resource, verb) of every @kubernetes/client-node call
 * in plugins/*\/src, derived from the source (kubernetesCalls.ts), equals the
 * rules of the Roles and ClusterRoles bound to the portal's ServiceAccount,
 * apart from the Kubernetes tab's read-only ClusterRole, which equals what
 * app-config.cluster.yaml asks plugin-kubernetes-backend to list. Any grant
 * more (a verb, a resource, a namespace, a binding to another role) fails
 * (rbacCheck.ts), as the altered overlays below show.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import {
  accessKeys,
  deriveKubernetesCalls,
  KubernetesAccess,
  type KubernetesCall,
  pluginSources,
  UnresolvedError,
} from './kubernetesCalls';
import {
  BILLING_SERVICE_ACCOUNT,
  callsMadeBy,
  rbacProblems,
} from './rbacCheck';
import {
  K8sObject,
  kubernetesDir,
  kustomize,
  overlayNames,
  overlaysDir,
  repoRoot,
} from './render';

jest.setTimeout(60_000);

/** API group of the Kubernetes plugin's object types. */
const OBJECT_TYPE_GROUPS: Record<string, string> = {
  pods: '',
  services: '',
  configmaps: '',
  limitranges: '',
  resourcequotas: '',
  deployments: 'apps',
  replicasets: 'apps',
  statefulsets: 'apps',
  daemonsets: 'apps',
  horizontalpodautoscalers: 'autoscaling',
  jobs: 'batch',
  cronjobs: 'batch',
  ingresses: 'networking.k8s.io',
};

describe('deriveKubernetesCalls', () => {
  const source = (body: string) => [
    {
      fileName: 'plugins/x/src/Client.ts',
      text: `
        const GROUP = 'example.org';
        export const NS = 'tools';
        class Client {
          constructor(kc) {
            this.core = kc.makeApiClient(CoreV1Api);
            this.objects = kc.makeApiClient(CustomObjectsApi);
            this.batch = kc.makeApiClient(BatchV1Api);
          }
          ${body}
        }`,
    },
  ];

  it('maps typed methods to verbs, resources and subresources', () => {
    const calls = deriveKubernetesCalls(
      source(`
        a() { return this.core.readNode({ name: 'n' }); }
        b() { const namespace = this.location.kubeaiNamespace; return this.core.listNamespacedPod({ namespace }); }
        c() { return this.core.readNamespacedPodLog({ namespace: NS, name: 'p' }); }
        d() { return this.batch.deleteNamespacedJob({ namespace: 'jobs', name: 'j' }); }
        e() { return this.core.listServiceForAllNamespaces({}); }
      `),
      { locationConfig: { kubeaiNamespace: 'ai' } },
    );
    expect(accessKeys(calls)).toEqual([
      '(cluster)||nodes|get',
      '(cluster)||services|list',
      'ai||pods|list',
      'jobs|batch|jobs|delete',
      'tools||pods/log|get',
    ]);
  });

  it('reads custom resources from the group and plural arguments, spreads and callers included', () => {
    const calls = deriveKubernetesCalls(
      [
        ...source(`
          params() { return { group: GROUP, version: 'v1', plural: 'widgets', namespace: 'w' }; }
          a(name) { return this.objects.replaceNamespacedCustomObject({ ...this.params(), name, body: {} }); }
          b(namespace) { return this.objects.deleteNamespacedCustomObject({ group: 'example.org', version: 'v1', namespace, plural: 'gadgets', name: 'x' }); }
          c() { return this.objects.listClusterCustomObject({ group: GROUP, version: 'v1', plural: 'things' }); }
        `),
        {
          fileName: 'plugins/y/src/use.ts',
          text: `client.b(NS); client.b('other');`,
        },
      ],
      { locationConfig: {} },
    );
    expect(accessKeys(calls)).toEqual([
      '(cluster)|example.org|things|list',
      'other|example.org|gadgets|delete',
      'tools|example.org|gadgets|delete',
      'w|example.org|widgets|update',
    ]);
  });

  it('refuses to guess what it cannot resolve', () => {
    expect(() =>
      deriveKubernetesCalls(
        source(
          `a() { return this.core.listNamespacedPod({ namespace: pick() }); }`,
        ),
        { locationConfig: {} },
      ),
    ).toThrow(UnresolvedError);
  });
});

/** What the portal needs in a location, from its code and config. */
function needsOf(location: string): {
  calls: KubernetesCall[];
  tab: KubernetesAccess[];
} {
  const locationConfig: any = yaml.load(
    fs.readFileSync(
      path.join(overlaysDir, location, 'app-config.location.yaml'),
      'utf8',
    ),
  );
  const clusterConfig: any = yaml.load(
    fs.readFileSync(
      path.join(kubernetesDir, 'base/app-config.cluster.yaml'),
      'utf8',
    ),
  );
  const [loc] = locationConfig.inference.locations;
  const calls = deriveKubernetesCalls(pluginSources(repoRoot), {
    locationConfig: { kubeaiNamespace: loc.kubeaiNamespace ?? 'kubeai' },
  });
  const k8s = clusterConfig.kubernetes;
  const tab: KubernetesAccess[] = [
    ...k8s.objectTypes.map((t: string) => ({
      apiGroup: OBJECT_TYPE_GROUPS[t],
      resource: t,
      verb: 'list',
    })),
    ...k8s.customResources.map((r: any) => ({
      apiGroup: r.group,
      resource: r.plural,
      verb: 'list',
    })),
    // A pod's events, which the tab lists.
    { apiGroup: '', resource: 'events', verb: 'list' },
  ];
  return { calls, tab };
}

describe.each(overlayNames())('RBAC of overlay %s', location => {
  it('grants exactly the calls of the plugins in the namespaces they call, and the Kubernetes tab exactly its lists', () => {
    const needs = needsOf(location);
    // The derivation sees the KubeAI, Node, HelmChart, Job and pod-log calls.
    expect(needs.calls.length).toBeGreaterThanOrEqual(10);
    expect(
      rbacProblems(kustomize(path.join(overlaysDir, location)), needs),
    ).toEqual([]);
  });

  it("grants the billing Deployment's ServiceAccount exactly the calls of the billing plugin", () => {
    const { calls } = needsOf(location);
    const billingSources = pluginSources(repoRoot).filter(f =>
      f.fileName.startsWith('plugins/inference-billing-backend/'),
    );
    const billing = callsMadeBy(calls, billingSources);
    // Listing Models: prices, usage attribution, onboarding checks.
    expect(accessKeys(billing)).toEqual(['kubeai|kubeai.org|models|list']);
    expect(
      rbacProblems(
        kustomize(path.join(overlaysDir, location)),
        { calls: billing, tab: [] },
        BILLING_SERVICE_ACCOUNT,
      ),
    ).toEqual([]);
  });
});

describe('the RBAC check', () => {
  const location = overlayNames()[0];
  let objects: K8sObject[];
  let needs: ReturnType<typeof needsOf>;
  beforeAll(() => {
    objects = kustomize(path.join(overlaysDir, location));
    needs = needsOf(location);
  });

  const role = (all: K8sObject[], kind: string, name: string) =>
    all.find(o => o.kind === kind && o.metadata.name === name)!;
  const binding = (name: string, roleRef: object, namespace?: string) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: namespace ? 'RoleBinding' : 'ClusterRoleBinding',
    metadata: { name, ...(namespace && { namespace }) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
    subjects: [
      {
        kind: 'ServiceAccount',
        name: 'inference-portal',
        namespace: 'inference-portal',
      },
    ],
  });

  const alterations: Array<[string, (all: K8sObject[]) => void, RegExp]> = [
    [
      'an extra verb on Models',
      all =>
        role(all, 'Role', 'inference-portal-kubeai').rules[0].verbs.push(
          'watch',
        ),
      /granted but not needed: kubeai\|kubeai.org\|models\|watch/,
    ],
    [
      'pods created in kube-system',
      all =>
        role(all, 'Role', 'inference-portal-helm').rules.push({
          apiGroups: [''],
          resources: ['pods'],
          verbs: ['create'],
        }),
      /granted but not needed: kube-system\|\|pods\|create/,
    ],
    [
      'a write in the Kubernetes tab',
      all =>
        role(
          all,
          'ClusterRole',
          'inference-portal-kubernetes-tab',
        ).rules[0].verbs.push('delete'),
      /Kubernetes tab: granted but not needed: .*pods\|delete/,
    ],
    [
      'a binding to cluster-admin',
      all =>
        all.push(
          binding('portal-admin', {
            kind: 'ClusterRole',
            name: 'cluster-admin',
          }) as any,
        ),
      /binds ClusterRole cluster-admin, which the overlay does not define/,
    ],
    [
      'a cluster role bound again in a namespace',
      all =>
        all.push(
          binding(
            'helm-elsewhere',
            { kind: 'ClusterRole', name: 'inference-portal-nodes' },
            'default',
          ) as any,
        ),
      /granted but not needed: default\|\|nodes\|patch/,
    ],
    [
      'a missing verb',
      all => {
        const rules = role(all, 'ClusterRole', 'inference-portal-nodes').rules;
        rules[0].verbs = rules[0].verbs.filter((v: string) => v !== 'patch');
      },
      /needed but not granted: \(cluster\)\|\|nodes\|patch/,
    ],
    [
      'impersonation',
      all =>
        role(all, 'ClusterRole', 'inference-portal-nodes').rules.push({
          apiGroups: [''],
          resources: ['users'],
          verbs: ['impersonate'],
        }),
      /grants impersonate/,
    ],
  ];

  it.each(alterations)('fails on %s', (_what, alter, problem) => {
    const altered = JSON.parse(JSON.stringify(objects)) as K8sObject[];
    alter(altered);
    const problems = rbacProblems(altered, needs);
    expect(problems.some(p => problem.test(p))).toBe(true);
    expect(rbacProblems(objects, needs)).toEqual([]);
  });

  it("fails when the billing ServiceAccount gets the portal's Model changes", () => {
    const billingNeeds = {
      calls: needs.calls.filter(c => c.caller === 'listModels'),
      tab: [],
    };
    const altered = JSON.parse(JSON.stringify(objects)) as K8sObject[];
    const portalBinding = altered.find(
      o =>
        o.kind === 'RoleBinding' &&
        o.metadata.name === 'inference-portal-kubeai',
    )!;
    portalBinding.subjects.push({
      kind: 'ServiceAccount',
      name: 'inference-portal-billing',
      namespace: 'inference-portal',
    });
    expect(
      rbacProblems(altered, billingNeeds, BILLING_SERVICE_ACCOUNT),
    ).toContain(
      'plugins: granted but not needed: kubeai|kubeai.org|models|delete',
    );
    expect(
      rbacProblems(objects, billingNeeds, BILLING_SERVICE_ACCOUNT),
    ).toEqual([]);
  });
});
