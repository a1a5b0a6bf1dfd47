/*
 * Every overlay of infra/kubernetes rendered with the real Kustomize
 * (`kubectl kustomize`), each object validated against the Kubernetes
 * OpenAPI schemas (kubernetes-models), and the properties a production
 * deployment of the portal needs checked on the output.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import {
  ConfigMap,
  Namespace,
  Service,
  ServiceAccount,
} from 'kubernetes-models/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import {
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import {
  findGenerated,
  findObject,
  K8sObject,
  kubernetesDir,
  kustomize,
  overlayNames,
  overlaysDir,
  repoRoot,
} from './render';

jest.setTimeout(60_000);

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
};

/** Validates an object against its Kubernetes schema; throws with the reason. */
function validateObject(obj: K8sObject) {
  const Model = MODELS[`${obj.apiVersion}/${obj.kind}`];
  if (!Model) {
    throw new Error(`no schema known for ${obj.apiVersion} ${obj.kind}`);
  }
  new Model(obj).validate();
}

/** `${VAR}` references of an app-config text (not `$${escaped}`). */
function envReferences(text: string): string[] {
  return [...text.matchAll(/(?<!\$)\$\{([A-Z0-9_]+)\}/g)].map(m => m[1]);
}

function matches(
  selector: Record<string, string>,
  labels: Record<string, string>,
) {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** A LabelSelector (matchLabels and matchExpressions) applied to labels. */
function selects(
  selector: {
    matchLabels?: Record<string, string>;
    matchExpressions?: Array<{
      key: string;
      operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
      values?: string[];
    }>;
  },
  labels: Record<string, string>,
) {
  return (
    matches(selector.matchLabels ?? {}, labels) &&
    (selector.matchExpressions ?? []).every(({ key, operator, values }) => {
      switch (operator) {
        case 'In':
          return key in labels && values!.includes(labels[key]);
        case 'NotIn':
          return !(key in labels) || !values!.includes(labels[key]);
        case 'Exists':
          return key in labels;
        default:
          return !(key in labels);
      }
    })
  );
}

/** The two Deployments of the split backend: the portal and its billing plugin. */
const DEPLOYMENTS = ['inference-portal', 'inference-portal-billing'];

const expectedReplicas: Record<string, number> = { local: 1 };

describe('schema validation', () => {
  it('rejects an invalid object, so the validation below means something', () => {
    expect(() =>
      validateObject({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'x' },
        spec: { replicas: 'two', selector: {}, template: {} },
      } as any),
    ).toThrow();
  });
});

describe.each(overlayNames())('overlay %s', location => {
  let objects: K8sObject[];
  let deployment: K8sObject;
  let locationConfig: any;

  beforeAll(() => {
    objects = kustomize(path.join(overlaysDir, location));
    deployment = findObject(objects, 'Deployment', 'inference-portal');
    locationConfig = yaml.load(
      fs.readFileSync(
        path.join(overlaysDir, location, 'app-config.location.yaml'),
        'utf8',
      ),
    );
  });

  it('renders only objects valid against the Kubernetes schemas', () => {
    expect(objects.length).toBeGreaterThan(10);
    for (const obj of objects) {
      expect(() => validateObject(obj)).not.toThrow();
    }
  });

  it('contains no Secret: secrets are references only', () => {
    expect(objects.filter(o => o.kind === 'Secret')).toEqual([]);
  });

  it.each(DEPLOYMENTS)(
    'runs %s with health probes, resources and no root',
    name => {
      const spec = findObject(objects, 'Deployment', name).spec;
      expect(spec.replicas).toBe(expectedReplicas[location] ?? 2);
      const pod = spec.template.spec;
      // Each Deployment has a ServiceAccount of its own name (rbac.yaml).
      expect(pod.serviceAccountName).toBe(name);
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.containers).toHaveLength(1);
      const [c] = pod.containers;
      expect(c.image).toMatch(/^[^:]+\/inference-portal:[\w.-]+$/);
      expect(c.readinessProbe.httpGet.path).toBe(
        '/.backstage/health/v1/readiness',
      );
      expect(c.livenessProbe.httpGet.path).toBe(
        '/.backstage/health/v1/liveness',
      );
      const port = c.ports.find(
        (p: any) => p.name === c.readinessProbe.httpGet.port,
      );
      expect(port.containerPort).toBe(7007);
      expect(c.resources.requests.cpu).toBeDefined();
      expect(c.resources.requests.memory).toBeDefined();
      expect(c.resources.limits.memory).toBeDefined();
      expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
      expect(c.securityContext.capabilities.drop).toEqual(['ALL']);
      // The image's NODE_ENV=production stays: with `development` Backstage
      // would send stack traces in error bodies.
      const envNames = [
        ...(c.env ?? []).map((e: any) => e.name),
        ...Object.keys(
          findGenerated(objects, 'ConfigMap', 'inference-portal-env').data,
        ),
      ];
      expect(envNames).not.toContain('NODE_ENV');
      expect(
        (c.env ?? []).find((e: any) => e.name === 'NODE_OPTIONS')?.value ?? '',
      ).not.toMatch(/--enable-source-maps/);
      // The config files the args name are the image's or the mounted ConfigMap's.
      const configs = c.args
        .map((a: string, i: number) =>
          c.args[i - 1] === '--config' ? a : undefined,
        )
        .filter(Boolean);
      expect(configs.slice(0, 2)).toEqual([
        'app-config.yaml',
        'app-config.production.yaml',
      ]);
      const mount = c.volumeMounts.find((m: any) => m.name === 'app-config');
      const cm = findGenerated(
        objects,
        'ConfigMap',
        'inference-portal-app-config',
      );
      const volume = pod.volumes.find((v: any) => v.name === 'app-config');
      expect(volume.configMap.name).toBe(cm.metadata.name);
      for (const file of configs.slice(2)) {
        expect(path.dirname(file)).toBe(mount.mountPath);
        expect(Object.keys(cm.data)).toContain(path.basename(file));
      }
    },
  );

  it('mounts a ConfigMap with the location config of this location', () => {
    const cm = findGenerated(
      objects,
      'ConfigMap',
      'inference-portal-app-config',
    );
    const config: any = yaml.load(cm.data['app-config.location.yaml']);
    expect(config).toEqual(locationConfig);
    const [loc] = config.inference.locations;
    expect(config.inference.locations).toHaveLength(1);
    expect(loc.name).toBe(location);
    const clusters = config.kubernetes.clusterLocatorMethods[0].clusters;
    expect(clusters.map((c: any) => c.name)).toContain(loc.cluster);
    // In-cluster: no token in the config, the ServiceAccount's is used.
    for (const cluster of clusters) {
      expect(cluster.serviceAccountToken).toBeUndefined();
    }
  });

  it.each(DEPLOYMENTS)(
    'gives every ${VAR} of the app-config an environment variable in %s, secrets from Secrets',
    deploymentName => {
      const cm = findGenerated(
        objects,
        'ConfigMap',
        'inference-portal-app-config',
      );
      const texts = [
        fs.readFileSync(
          path.join(repoRoot, 'app-config.production.yaml'),
          'utf8',
        ),
        ...Object.values<string>(cm.data),
      ];
      const [c] = findObject(objects, 'Deployment', deploymentName).spec
        .template.spec.containers;
      const provided = new Map<string, 'secret' | 'plain'>();
      for (const e of c.env ?? []) {
        provided.set(e.name, e.valueFrom?.secretKeyRef ? 'secret' : 'plain');
      }
      for (const from of c.envFrom ?? []) {
        const envCm = findObject(objects, 'ConfigMap', from.configMapRef.name);
        for (const key of Object.keys(envCm.data)) provided.set(key, 'plain');
      }
      const referenced = [...new Set(texts.flatMap(envReferences))].sort();
      expect(referenced.length).toBeGreaterThan(5);
      const sensitive = (name: string) =>
        /PASSWORD|SECRET|TOKEN|KEY/.test(name);
      expect(referenced.filter(name => !provided.has(name))).toEqual([]);
      expect(
        referenced.filter(sensitive).map(name => [name, provided.get(name)]),
      ).toEqual(referenced.filter(sensitive).map(name => [name, 'secret']));
      // The sensitive ones are there to check.
      expect(referenced.filter(sensitive).length).toBeGreaterThanOrEqual(5);
    },
  );

  it('serves portal.<domain> over TLS from the cluster issuer, to the Service', () => {
    const ingress = findObject(objects, 'Ingress', 'inference-portal');
    const [loc] = locationConfig.inference.locations;
    const host = `portal.${loc.domain}`;
    expect(ingress.spec.rules.map((r: any) => r.host)).toEqual([host]);
    expect(ingress.spec.tls).toEqual([
      { hosts: [host], secretName: expect.any(String) },
    ]);
    expect(
      ingress.metadata.annotations!['cert-manager.io/cluster-issuer'],
    ).toMatch(/\S/);
    expect(ingress.spec.ingressClassName).toBe('nginx');
    // The billing plugin's API to its own Deployment, the rest to the portal.
    const paths = ingress.spec.rules[0].http.paths;
    expect(
      paths.map((p: any) => [p.path, p.pathType, p.backend.service.name]),
    ).toEqual([
      ['/api/inference-billing', 'Prefix', 'inference-portal-billing'],
      ['/', 'Prefix', 'inference-portal'],
    ]);
    for (const { backend: to } of paths) {
      const service = findObject(objects, 'Service', to.service.name);
      expect(service.spec.ports.map((p: any) => p.name)).toContain(
        to.service.port.name,
      );
      const target = findObject(objects, 'Deployment', to.service.name);
      expect(
        matches(service.spec.selector, target.spec.template.metadata.labels),
      ).toBe(true);
    }
    const env = findObject(
      objects,
      'ConfigMap',
      deployment.spec.template.spec.containers[0].envFrom[0].configMapRef.name,
    );
    expect(env.data.PORTAL_BASE_URL).toBe(`https://${host}`);
    expect(env.data.OIDC_METADATA_URL).toBe(
      `https://dex.${loc.domain}/.well-known/openid-configuration`,
    );
  });

  it.each(DEPLOYMENTS)(
    'selects the pods of %s from its Service, PodDisruptionBudget and NetworkPolicy',
    name => {
      const own = findObject(objects, 'Deployment', name);
      const labels = own.spec.template.metadata.labels;
      const others = objects.filter(o => o.kind === 'Deployment' && o !== own);
      const selectsOnlyOwn = (selector: any) =>
        selects(selector, labels) &&
        others.every(o => !selects(selector, o.spec.template.metadata.labels));
      expect(selectsOnlyOwn(own.spec.selector)).toBe(true);
      const service = findObject(objects, 'Service', name);
      expect(selectsOnlyOwn({ matchLabels: service.spec.selector })).toBe(true);
      const pdb = findObject(objects, 'PodDisruptionBudget', name);
      expect(selectsOnlyOwn(pdb.spec.selector)).toBe(true);
      // A drain must leave a replica whenever there are two.
      expect(pdb.spec.maxUnavailable).toBe(1);
      const policy = findObject(objects, 'NetworkPolicy', 'inference-portal');
      expect(selects(policy.spec.podSelector, labels)).toBe(true);
      expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
      // In from ingress-nginx, and from the other backend (discovery).
      expect(policy.spec.ingress.map((r: any) => r.ports)).toEqual([
        [{ protocol: 'TCP', port: 7007 }],
        [{ protocol: 'TCP', port: 7007 }],
      ]);
      for (const other of others.filter(o =>
        o.metadata.name.startsWith('inference-portal'),
      )) {
        const otherLabels = other.spec.template.metadata.labels;
        if (otherLabels['app.kubernetes.io/component'] === 'postgres') continue;
        expect(
          selects(policy.spec.ingress[1].from[0].podSelector, otherLabels),
        ).toBe(true);
        expect(
          policy.spec.egress.some(
            (r: any) =>
              r.to?.some((t: any) =>
                selects(t.podSelector ?? {}, otherLabels),
              ) && r.ports.some((p: any) => p.port === 7007),
          ),
        ).toBe(true);
      }
      // The database accepts the portal's backends only.
      const pg = findObject(
        objects,
        'NetworkPolicy',
        'inference-portal-postgres',
      );
      expect(selects(pg.spec.ingress[0].from[0].podSelector, labels)).toBe(
        true,
      );
      const postgres = findObject(
        objects,
        'StatefulSet',
        'inference-portal-postgres',
      );
      expect(
        selects(
          pg.spec.ingress[0].from[0].podSelector,
          postgres.spec.template.metadata.labels,
        ),
      ).toBe(false);
    },
  );

  it('runs the billing backend package in a Deployment of its own, with the same image and secrets', () => {
    const billing = findObject(
      objects,
      'Deployment',
      'inference-portal-billing',
    );
    const [p] = deployment.spec.template.spec.containers;
    const [b] = billing.spec.template.spec.containers;
    const envOf = (c: any, name: string) =>
      c.env.find((e: any) => e.name === name)?.value;
    // Each runs its own backend package of the image (packages/backend and
    // packages/backend-billing, both bundled by the Dockerfile: see
    // dockerfile.test.ts); which plugins run is theirs to say, no
    // environment variable picks them.
    expect(p.args.slice(0, 2)).toEqual(['node', 'packages/backend']);
    expect(b.args.slice(0, 2)).toEqual(['node', 'packages/backend-billing']);
    for (const c of [p, b]) {
      const backendPackage = JSON.parse(
        fs.readFileSync(path.join(repoRoot, c.args[1], 'package.json'), 'utf8'),
      );
      expect([c.args[1], backendPackage.backstage?.role]).toEqual([
        c.args[1],
        'backend',
      ]);
    }
    expect(b.image).toBe(p.image);
    // Not the portal's ServiceAccount: billing only lists Models.
    expect(billing.spec.template.spec.serviceAccountName).toBe(
      'inference-portal-billing',
    );
    expect(deployment.spec.template.spec.serviceAccountName).toBe(
      'inference-portal',
    );
    // The same environment (secrets included) but for Node's options.
    const rest = (c: any) =>
      c.env.filter((e: any) => e.name !== 'NODE_OPTIONS');
    expect(rest(b)).toEqual(rest(p));
    expect(b.envFrom).toEqual(p.envFrom);
    // Each reads the same config files, then its own discovery file.
    expect(p.args.slice(-2)).toEqual([
      '--config',
      '/app/config/app-config.portal.yaml',
    ]);
    expect(b.args.slice(2, -2)).toEqual(p.args.slice(2, -2));
    expect(b.args.slice(-2)).toEqual([
      '--config',
      '/app/config/app-config.billing.yaml',
    ]);
    // Its heap fits its memory limit.
    const heapMiB = Number(
      /--max-old-space-size=(\d+)/.exec(envOf(b, 'NODE_OPTIONS'))?.[1],
    );
    const limit = b.resources.limits.memory as string;
    expect(limit).toMatch(/^\d+Mi$/);
    expect(heapMiB).toBeLessThan(parseInt(limit, 10));
  });

  it("routes each backend's calls to the other one's Service", () => {
    const cm = findGenerated(
      objects,
      'ConfigMap',
      'inference-portal-app-config',
    );
    const serviceUrl = (name: string) =>
      `http://${name}.inference-portal.svc.cluster.local/api/{{pluginId}}`;
    const portalConfig: any = yaml.load(cm.data['app-config.portal.yaml']);
    expect(portalConfig.discovery.endpoints).toEqual([
      {
        target: {
          internal: serviceUrl('inference-portal-billing'),
          external: '${PORTAL_BASE_URL}/api/{{pluginId}}',
        },
        plugins: ['inference-billing'],
      },
    ]);
    const billingConfig: any = yaml.load(cm.data['app-config.billing.yaml']);
    const [toPortal] = billingConfig.discovery.endpoints;
    expect(billingConfig.discovery.endpoints).toHaveLength(1);
    expect(toPortal.target.internal).toBe(serviceUrl('inference-portal'));
    // The plugins the billing plugin calls are the portal's; its own and
    // the permission plugin (it runs one) are not routed away.
    expect(toPortal.plugins).toEqual(
      expect.arrayContaining(['auth', 'catalog', 'notifications']),
    );
    expect(toPortal.plugins).not.toContain('inference-billing');
    expect(toPortal.plugins).not.toContain('permission');
    for (const name of ['inference-portal', 'inference-portal-billing']) {
      expect(findObject(objects, 'Service', name).spec.ports[0].port).toBe(80);
    }
  });

  it("binds every Role and ClusterRole to one of the portal's ServiceAccounts only", () => {
    const saRef = (name: string) => {
      const sa = findObject(objects, 'ServiceAccount', name);
      return {
        kind: 'ServiceAccount',
        name: sa.metadata.name,
        namespace: sa.metadata.namespace,
      };
    };
    const bindings = objects.filter(o =>
      ['RoleBinding', 'ClusterRoleBinding'].includes(o.kind),
    );
    expect(bindings.length).toBeGreaterThanOrEqual(5);
    // The billing ServiceAccount is bound to its own Role only.
    expect(bindings.map(b => b.subjects)).toEqual(
      bindings.map(b => [
        saRef(
          b.roleRef.name === 'inference-portal-billing'
            ? 'inference-portal-billing'
            : 'inference-portal',
        ),
      ]),
    );
    const roles = new Set(
      objects
        .filter(o => ['Role', 'ClusterRole'].includes(o.kind))
        .map(o => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`),
    );
    for (const b of bindings) {
      const ns = b.roleRef.kind === 'Role' ? b.metadata.namespace : '';
      expect(roles).toContain(`${b.roleRef.kind}/${ns}/${b.roleRef.name}`);
    }
  });
});

describe('overlays', () => {
  it('exist for every location of the seeds', () => {
    expect(overlayNames()).toEqual(['local', 'pr', 'stalpeni']);
  });

  it('are documented in infra/README.md, one table row each', () => {
    const readme = fs.readFileSync(
      path.join(kubernetesDir, '..', 'README.md'),
      'utf8',
    );
    for (const location of overlayNames()) {
      expect(readme).toMatch(new RegExp(`^\\| \`${location}\`\\s*\\|`, 'm'));
    }
  });
});
