/*
 * The Kubernetes tab of a Model entity: the real plugin-kubernetes-backend
 * under the portal's policy (in a process of its own, see policyBackend.ts),
 * configured as `./portal start` configures it (app-config.yaml's
 * `kubernetes` section and the sandbox's clusters), for a member (no sre or
 * admin role), lists every sandbox
 * Model's objects from the sandbox's Kubernetes API without an error: its
 * Pods, the Model custom resource, and no other kind (KubeAI creates no
 * Deployment or Service per Model; the emulator answers those lists empty,
 * as a real API server does).
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  SANDBOX_NAMESPACE,
  startSandbox,
  type Sandbox,
} from '@internal/test-emulators';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import request from 'supertest';
import { policyUsers } from './__testUtils__/policyBackend';
import { spawnBackend } from './__testUtils__/spawnBackend';

jest.setTimeout(120_000);

// eslint-disable-next-line no-restricted-syntax -- the repo's app-config.yaml
const root = path.resolve(__dirname, '../../..');
const CLUSTER = 'local';

/** A Model's catalog entity with the annotations the models' provider writes. */
function modelEntity(name: string) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: CLUSTER,
      annotations: {
        'backstage.io/kubernetes-label-selector': `model=${name}`,
        'backstage.io/kubernetes-namespace': SANDBOX_NAMESPACE,
        'backstage.io/kubernetes-cluster': CLUSTER,
      },
    },
    spec: { type: 'ai-model', owner: 'group:default/inference-admins' },
  };
}

type Listed = Array<{ type: string; resources: Array<Record<string, any>> }>;

describe('the Kubernetes tab of a sandbox Model', () => {
  let sandbox: Sandbox;
  let child: ChildProcess | undefined;
  let server: string;
  let models: string[];

  beforeAll(async () => {
    sandbox = await startSandbox({ modelReadyDelayMs: 0 });
    models = sandbox.kubernetes
      .list('kubeai.org/v1', 'Model', { namespace: SANDBOX_NAMESPACE })
      .map(m => m.metadata.name!);
    const appConfig = yaml.load(
      fs.readFileSync(path.join(root, 'app-config.yaml'), 'utf8'),
    ) as { kubernetes: Record<string, unknown> };
    const config = {
      ...sandbox.config,
      kubernetes: {
        ...appConfig.kubernetes,
        ...(sandbox.config.kubernetes as object),
      },
    };
    ({ child, url: server } = await spawnBackend({
      script: 'policyBackend.ts',
      env: {
        POLICY_BACKEND_CONFIG: JSON.stringify(config),
        POLICY_BACKEND_ENTITIES: JSON.stringify(models.map(modelEntity)),
      },
    }));
    // Every Model that wants a replica has its Pod.
    await sandbox.kubernetes.waitFor(() =>
      models.every(
        m =>
          sandbox.kubernetes.list('v1', 'Pod', {
            namespace: SANDBOX_NAMESPACE,
            labelSelector: `model=${m}`,
          }).length >=
          Number(
            sandbox.kubernetes.get<any>(
              'kubeai.org/v1',
              'Model',
              SANDBOX_NAMESPACE,
              m,
            )?.spec?.replicas ?? 0,
          ),
      )
        ? true
        : undefined,
    );
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await sandbox?.close();
  });

  const objects = (name: string) =>
    request(server)
      .post(`/api/kubernetes/services/${name}`)
      .set('authorization', mockCredentials.user.header(policyUsers.member))
      .send({ entity: modelEntity(name), auth: {} });

  it('lists every Model with its Pods and its custom resource, without errors', async () => {
    expect(models.length).toBeGreaterThan(3);
    for (const name of models) {
      const res = await objects(name);
      expect([name, res.status]).toEqual([name, 200]);
      const [cluster, ...others] = res.body.items;
      expect(others).toEqual([]);
      expect([name, cluster.cluster.name, cluster.errors]).toEqual([
        name,
        CLUSTER,
        [],
      ]);
      const byType = Object.fromEntries(
        (cluster.resources as Listed).map(r => [
          r.type,
          r.resources.map(o => `${o.kind ?? ''}/${o.metadata.name}`),
        ]),
      );
      const pods = sandbox.kubernetes
        .list('v1', 'Pod', {
          namespace: SANDBOX_NAMESPACE,
          labelSelector: `model=${name}`,
        })
        .map(p => `/${p.metadata.name}`);
      expect({ name, ...byType }).toEqual({
        name,
        pods,
        // The plugin's other kinds, all answered, none holding anything.
        services: [],
        configmaps: [],
        limitranges: [],
        resourcequotas: [],
        deployments: [],
        replicasets: [],
        horizontalpodautoscalers: [],
        jobs: [],
        cronjobs: [],
        ingresses: [],
        statefulsets: [],
        daemonsets: [],
        customresources: [`Model/${name}`],
      });
    }
  });

  it('shows the running Pods of a Model that has replicas', async () => {
    const withPods = models.filter(
      m =>
        sandbox.kubernetes.list('v1', 'Pod', {
          namespace: SANDBOX_NAMESPACE,
          labelSelector: `model=${m}`,
        }).length > 0,
    );
    expect(withPods.length).toBeGreaterThan(0);
    const res = await objects(withPods[0]);
    const pods = (res.body.items[0].resources as Listed).find(
      r => r.type === 'pods',
    )!.resources;
    expect(pods.length).toBeGreaterThan(0);
    expect(
      pods.map(p => [p.metadata.labels.model, p.metadata.ownerReferences[0]]),
    ).toEqual(
      pods.map(() => [
        withPods[0],
        expect.objectContaining({ kind: 'Model', name: withPods[0] }),
      ]),
    );
  });
});
