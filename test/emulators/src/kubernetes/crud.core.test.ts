/*
 * Core objects through @kubernetes/client-node: nodes, pods, events,
 * configmaps and secrets, pod logs, namespace termination and Jobs.
 */
import * as k8s from '@kubernetes/client-node';
import { KubernetesEmulator, startKubernetesEmulator } from './index';
import { clients, failure, node, raw, strategicPatch } from './testUtils';

type Obj = Record<string, any>;

describe('kubernetes emulator: CRUD with @kubernetes/client-node', () => {
  let emu: KubernetesEmulator;
  let c: ReturnType<typeof clients>;
  const ns = 'kubeai';

  beforeAll(async () => {
    emu = await startKubernetesEmulator({ controller: false });
    emu.seed([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }]);
    c = clients(emu);
  });
  afterAll(() => emu.close());

  describe('core objects', () => {
    beforeAll(() => {
      emu.seed([
        node('gpu-1', { gpu: 1 }),
        node('cpu-1'),
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: 'web-1',
            namespace: 'apps',
            labels: { app: 'web' },
          },
          spec: {
            nodeName: 'cpu-1',
            containers: [{ name: 'web', image: 'nginx:1.27' }],
          },
          status: { phase: 'Running' },
        },
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: 'trainer',
            namespace: 'apps',
            labels: { app: 'train' },
          },
          spec: {
            nodeName: 'gpu-1',
            containers: [{ name: 'main', image: 'pytorch/pytorch:2.4.0' }],
          },
          status: { phase: 'Running' },
        },
        {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: 'web-1.abc', namespace: 'apps' },
          involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'apps' },
          reason: 'Started',
          message: 'Started container web',
          type: 'Normal',
        },
        {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: 'trainer.abc', namespace: 'apps' },
          involvedObject: { kind: 'Pod', name: 'trainer', namespace: 'apps' },
          reason: 'BackOff',
          message: 'Back-off restarting failed container',
          type: 'Warning',
        },
      ]);
    });

    it('lists nodes, pods (by node, label, namespace) and events (by involved object)', async () => {
      const nodes = await c.core.listNode();
      expect(nodes.items.map(n => n.metadata?.name)).toEqual([
        'cpu-1',
        'gpu-1',
      ]);
      expect(nodes.items[1].status?.capacity?.['nvidia.com/gpu']).toBe('1');
      const onGpu = await c.core.listPodForAllNamespaces({
        fieldSelector: 'spec.nodeName=gpu-1',
      });
      expect(onGpu.items.map(p => p.metadata?.name)).toEqual(['trainer']);
      const web = await c.core.listNamespacedPod({
        namespace: 'apps',
        labelSelector: 'app=web',
      });
      expect(web.items.map(p => p.metadata?.name)).toEqual(['web-1']);
      const evs = await c.core.listNamespacedEvent({
        namespace: 'apps',
        fieldSelector: 'involvedObject.name=trainer,involvedObject.kind=Pod',
      });
      expect(evs.items.map(e => e.reason)).toEqual(['BackOff']);
      const warnings = await c.core.listEventForAllNamespaces({
        fieldSelector: 'type=Warning',
      });
      expect(warnings.items.map(e => e.metadata?.name)).toEqual([
        'trainer.abc',
      ]);
      // built-in list items carry no kind/apiVersion, like the real server
      const rawList = (
        await raw(emu, '/api/v1/namespaces/apps/pods')
      ).json() as Obj;
      expect(rawList.kind).toBe('PodList');
      expect(rawList.items[0].kind).toBeUndefined();
      const badField = await failure(
        c.core.listNamespacedPod({
          namespace: 'apps',
          fieldSelector: 'spec.image=x',
        }),
      );
      expect(badField.body.message).toBe(
        'field label not supported: spec.image',
      );
    });

    it('creates pods with defaults and validation, patches them strategically, and deletes them returning the Pod', async () => {
      const pod = await c.core.createNamespacedPod({
        namespace: 'apps',
        body: {
          metadata: { name: 'p1' },
          spec: { containers: [{ name: 'a', image: 'busybox' }] },
        },
      });
      expect(pod.status?.phase).toBe('Pending');
      expect(pod.spec?.restartPolicy).toBe('Always');
      expect(pod.spec?.containers[0].imagePullPolicy).toBe('Always');
      const patched = await c.core.patchNamespacedPod(
        {
          namespace: 'apps',
          name: 'p1',
          body: {
            metadata: { labels: { x: 'y' } },
            spec: { containers: [{ name: 'a', image: 'busybox:1.36' }] },
          },
        },
        strategicPatch(),
      );
      expect(patched.spec?.containers).toHaveLength(1);
      expect(patched.spec?.containers[0]).toMatchObject({
        name: 'a',
        image: 'busybox:1.36',
        terminationMessagePath: '/dev/termination-log',
      });
      expect(patched.metadata?.labels).toEqual({ x: 'y' });
      const forbidden = await failure(
        c.core.patchNamespacedPod(
          {
            namespace: 'apps',
            name: 'p1',
            body: { spec: { restartPolicy: 'Never' } },
          },
          strategicPatch(),
        ),
      );
      expect(forbidden.code).toBe(422);
      expect(forbidden.body.details?.causes?.[0]).toMatchObject({
        reason: 'FieldValueForbidden',
        field: 'spec',
      });
      const invalid = await failure(
        c.core.createNamespacedPod({
          namespace: 'apps',
          body: { metadata: { name: 'Bad_Name' }, spec: { containers: [] } },
        }),
      );
      expect(invalid.code).toBe(422);
      expect(invalid.body.message).toBe(
        "Pod \"Bad_Name\" is invalid: [metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), spec.containers: Required value]",
      );
      const deleted = await c.core.deleteNamespacedPod({
        namespace: 'apps',
        name: 'p1',
      });
      expect(deleted.kind).toBe('Pod');
      expect(deleted.metadata?.name).toBe('p1');
    });

    it('handles configmaps and secrets (stringData, base64 checks) with Status deletes', async () => {
      await c.core.createNamespacedConfigMap({
        namespace: 'apps',
        body: { metadata: { name: 'cfg' }, data: { 'a.yaml': 'x: 1' } },
      });
      const secret = await c.core.createNamespacedSecret({
        namespace: 'apps',
        body: { metadata: { name: 's' }, stringData: { token: 'hunter2' } },
      });
      expect(secret.type).toBe('Opaque');
      expect(secret.data).toEqual({
        token: Buffer.from('hunter2').toString('base64'),
      });
      const bad = await failure(
        c.core.createNamespacedSecret({
          namespace: 'apps',
          body: { metadata: { name: 's2' }, data: { k: 'not base64!' } },
        }),
      );
      expect(bad.code).toBe(400);
      const res = await c.core.deleteNamespacedConfigMap({
        namespace: 'apps',
        name: 'cfg',
      });
      expect(res).toMatchObject({
        kind: 'Status',
        status: 'Success',
        details: { name: 'cfg', kind: 'configmaps' },
      });
    });

    it('serves pod logs', async () => {
      emu.setPodLog('apps', 'web-1', 'line 1\nline 2\nline 3\n');
      const log = await c.core.readNamespacedPodLog({
        namespace: 'apps',
        name: 'web-1',
      });
      expect(log).toBe('line 1\nline 2\nline 3\n');
      expect(
        await c.core.readNamespacedPodLog({
          namespace: 'apps',
          name: 'web-1',
          tailLines: 1,
        }),
      ).toBe('line 3\n');
      const missing = await failure(
        c.core.readNamespacedPodLog({ namespace: 'apps', name: 'ghost' }),
      );
      expect(missing.code).toBe(404);
      expect(missing.body.message).toBe('pods "ghost" not found');
    });

    it('terminates namespaces with their contents', async () => {
      await c.core.createNamespace({ body: { metadata: { name: 'tmp' } } });
      await c.core.createNamespacedConfigMap({
        namespace: 'tmp',
        body: { metadata: { name: 'c' } },
      });
      const ns1 = await c.core.readNamespace({ name: 'tmp' });
      expect(ns1.status?.phase).toBe('Active');
      expect(ns1.metadata?.labels).toEqual({
        'kubernetes.io/metadata.name': 'tmp',
      });
      // client-node types this as V1Status, but the server answers with the Namespace
      const deleting = (await c.core.deleteNamespace({
        name: 'tmp',
      })) as unknown as k8s.V1Namespace;
      expect(deleting.status?.phase).toBe('Terminating');
      await emu.waitFor(() => !emu.get('v1', 'Namespace', undefined, 'tmp'));
      expect(emu.get('v1', 'ConfigMap', 'tmp', 'c')).toBeUndefined();
      expect(
        (await failure(c.core.deleteNamespace({ name: 'default' }))).code,
      ).toBe(403);
    });

    it('creates Jobs with the server-side defaults and validation', async () => {
      const bad = await failure(
        c.batch.createNamespacedJob({
          namespace: 'apps',
          body: {
            metadata: { name: 'j' },
            spec: {
              template: {
                spec: { containers: [{ name: 'c', image: 'busybox' }] },
              },
            },
          },
        }),
      );
      expect(bad.code).toBe(422);
      expect(bad.body.message).toBe(
        'Job.batch "j" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
      );
      const job = await c.batch.createNamespacedJob({
        namespace: 'apps',
        body: {
          metadata: { name: 'j' },
          spec: {
            template: {
              spec: {
                restartPolicy: 'Never',
                containers: [{ name: 'c', image: 'busybox' }],
              },
            },
          },
        },
      });
      expect(job.spec?.backoffLimit).toBe(6);
      expect(
        job.spec?.selector?.matchLabels?.['batch.kubernetes.io/controller-uid'],
      ).toBe(job.metadata?.uid);
      expect(job.spec?.template.metadata?.labels?.['job-name']).toBe('j');
    });
  });
});
