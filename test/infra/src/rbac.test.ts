/*
 * The portal's RBAC grants exactly what the plugins' code calls: the
 * (namespace, apiGroup, resource, verb) of every @kubernetes/client-node call
 * in plugins/*\/src, derived from the source (kubernetesCalls.ts), equals the
 * rules of the Roles and ClusterRoles bound to the portal's ServiceAccount,
 * apart from the Kubernetes tab's read-only ClusterRole, which equals what
 * app-config.cluster.yaml asks plugin-kubernetes-backend to list.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import {
  accessKeys,
  deriveKubernetesCalls,
  KubernetesAccess,
  pluginSources,
  UnresolvedError,
} from './kubernetesCalls';
import {
  findObject,
  K8sObject,
  kubernetesDir,
  kustomize,
  overlayNames,
  overlaysDir,
  repoRoot,
} from './render';

jest.setTimeout(60_000);

const TAB_ROLE = 'inference-portal-kubernetes-tab';

/** What RBAC rules grant, one access per (namespace, group, resource, verb). */
function granted(objects: K8sObject[], roleFilter: (name: string) => boolean) {
  const out: KubernetesAccess[] = [];
  for (const binding of objects.filter(o =>
    ['RoleBinding', 'ClusterRoleBinding'].includes(o.kind),
  )) {
    if (!roleFilter(binding.roleRef.name)) continue;
    const role = findObject(
      objects,
      binding.roleRef.kind,
      binding.roleRef.name,
      binding.roleRef.kind === 'Role' ? binding.metadata.namespace : undefined,
    );
    const namespace =
      binding.kind === 'RoleBinding' ? binding.metadata.namespace : undefined;
    for (const rule of role.rules ?? []) {
      for (const apiGroup of rule.apiGroups)
        for (const resource of rule.resources)
          for (const verb of rule.verbs)
            out.push({ namespace, apiGroup, resource, verb });
    }
  }
  return out;
}

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

describe.each(overlayNames())('RBAC of overlay %s', location => {
  let objects: K8sObject[];
  let locationConfig: any;
  let clusterConfig: any;

  beforeAll(() => {
    objects = kustomize(path.join(overlaysDir, location));
    locationConfig = yaml.load(
      fs.readFileSync(
        path.join(overlaysDir, location, 'app-config.location.yaml'),
        'utf8',
      ),
    );
    clusterConfig = yaml.load(
      fs.readFileSync(
        path.join(kubernetesDir, 'base/app-config.cluster.yaml'),
        'utf8',
      ),
    );
  });

  it('grants exactly the calls of the plugins, in the namespaces they call', () => {
    const [loc] = locationConfig.inference.locations;
    const calls = deriveKubernetesCalls(pluginSources(repoRoot), {
      locationConfig: { kubeaiNamespace: loc.kubeaiNamespace ?? 'kubeai' },
    });
    // The derivation sees the KubeAI, Node, HelmChart, Job and pod-log calls.
    expect(calls.length).toBeGreaterThanOrEqual(10);
    expect(accessKeys(granted(objects, name => name !== TAB_ROLE))).toEqual(
      accessKeys(calls),
    );
  });

  it("grants the Kubernetes tab list on exactly its object types, custom resources and pods' events", () => {
    const k8s = clusterConfig.kubernetes;
    const expected: KubernetesAccess[] = [
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
      { apiGroup: '', resource: 'events', verb: 'list' },
    ];
    expect(accessKeys(granted(objects, name => name === TAB_ROLE))).toEqual(
      accessKeys(expected),
    );
  });

  it('grants no wildcard and no Secret access', () => {
    for (const role of objects.filter(o =>
      ['Role', 'ClusterRole'].includes(o.kind),
    )) {
      for (const rule of role.rules) {
        expect([
          ...rule.verbs,
          ...rule.resources,
          ...rule.apiGroups,
        ]).not.toContain('*');
        expect(rule.resources).not.toContain('secrets');
      }
    }
  });
});
