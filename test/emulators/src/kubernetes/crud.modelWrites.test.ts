/*
 * Writes to existing KubeAI Models through @kubernetes/client-node: merge,
 * JSON and strategic merge patches, replace with optimistic concurrency, the
 * status and scale subresources, deletion with finalizers, server-side apply.
 */
import * as k8s from '@kubernetes/client-node';
import { KubernetesEmulator, startKubernetesEmulator } from './index';
import {
  MODELS,
  clients,
  failure,
  jsonPatch,
  mergePatch,
  model,
  strategicPatch,
} from './testUtils';

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

  const createModel = (body: object, namespace = ns) =>
    c.custom.createNamespacedCustomObject({
      ...MODELS,
      namespace,
      body,
    }) as Promise<Obj>;
  const getModel = (name: string) =>
    c.custom.getNamespacedCustomObject({
      ...MODELS,
      namespace: ns,
      name,
    }) as Promise<Obj>;

  describe('Models', () => {
    it('merge-patches spec (bumping generation) and metadata (not bumping it)', async () => {
      await createModel(model('patchme'));
      const p1 = (await c.custom.patchNamespacedCustomObject(
        {
          ...MODELS,
          namespace: ns,
          name: 'patchme',
          body: { spec: { minReplicas: 1, maxReplicas: 3 } },
        },
        mergePatch(),
      )) as Obj;
      expect(p1.spec).toMatchObject({
        minReplicas: 1,
        maxReplicas: 3,
        targetRequests: 100,
      });
      expect(p1.metadata.generation).toBe(2);
      const p2 = (await c.custom.patchNamespacedCustomObject(
        {
          ...MODELS,
          namespace: ns,
          name: 'patchme',
          body: { metadata: { labels: { team: 'a' } } },
        },
        mergePatch(),
      )) as Obj;
      expect(p2.metadata.labels).toEqual({ team: 'a' });
      expect(p2.metadata.generation).toBe(2);
      expect(Number(p2.metadata.resourceVersion)).toBeGreaterThan(
        Number(p1.metadata.resourceVersion),
      );
      // a no-op patch writes nothing
      const p3 = (await c.custom.patchNamespacedCustomObject(
        {
          ...MODELS,
          namespace: ns,
          name: 'patchme',
          body: { metadata: { labels: { team: 'a' } } },
        },
        mergePatch(),
      )) as Obj;
      expect(p3.metadata.resourceVersion).toBe(p2.metadata.resourceVersion);
      // null deletes
      const p4 = (await c.custom.patchNamespacedCustomObject(
        {
          ...MODELS,
          namespace: ns,
          name: 'patchme',
          body: { spec: { maxReplicas: null } },
        },
        mergePatch(),
      )) as Obj;
      expect(p4.spec.maxReplicas).toBeUndefined();
    });

    it('applies RFC 6902 JSON patches (the client default) and reports failed tests as 422', async () => {
      await createModel(model('jp'));
      const patched = (await c.custom.patchNamespacedCustomObject(
        {
          ...MODELS,
          namespace: ns,
          name: 'jp',
          body: [
            { op: 'add', path: '/spec/replicas', value: 2 },
            { op: 'replace', path: '/spec/targetRequests', value: 7 },
            { op: 'add', path: '/spec/features/-', value: 'TextEmbedding' },
            { op: 'test', path: '/spec/engine', value: 'VLLM' },
          ],
        },
        jsonPatch(),
      )) as Obj;
      expect(patched.spec).toMatchObject({
        replicas: 2,
        targetRequests: 7,
        features: ['TextGeneration', 'TextEmbedding'],
      });
      const failed = await failure(
        c.custom.patchNamespacedCustomObject({
          ...MODELS,
          namespace: ns,
          name: 'jp',
          body: [{ op: 'test', path: '/spec/engine', value: 'OLlama' }],
        }),
      );
      expect(failed.code).toBe(422);
      expect(failed.body.message).toContain('test failed');
      const missing = await failure(
        c.custom.patchNamespacedCustomObject({
          ...MODELS,
          namespace: ns,
          name: 'jp',
          body: [{ op: 'replace', path: '/spec/nothere', value: 1 }],
        }),
      );
      expect(missing.code).toBe(422);
    });

    it('answers 415 for strategic merge patches on custom resources', async () => {
      await createModel(model('smp'));
      const err = await failure(
        c.custom.patchNamespacedCustomObject(
          {
            ...MODELS,
            namespace: ns,
            name: 'smp',
            body: { spec: { replicas: 1 } },
          },
          strategicPatch(),
        ),
      );
      expect(err.code).toBe(415);
      expect(err.body).toMatchObject({
        reason: 'UnsupportedMediaType',
        message:
          'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      });
    });

    it('replaces with optimistic concurrency: 409 on a stale resourceVersion, 422 without one', async () => {
      const created = await createModel(model('replace-me'));
      const updated = (await c.custom.replaceNamespacedCustomObject({
        ...MODELS,
        namespace: ns,
        name: 'replace-me',
        body: { ...created, spec: { ...created.spec, replicas: 1 } },
      })) as Obj;
      expect(updated.spec.replicas).toBe(1);
      expect(updated.metadata.generation).toBe(2);
      const stale = await failure(
        c.custom.replaceNamespacedCustomObject({
          ...MODELS,
          namespace: ns,
          name: 'replace-me',
          body: { ...created, spec: { ...created.spec, replicas: 3 } },
        }),
      );
      expect(stale.code).toBe(409);
      expect(stale.body).toMatchObject({
        reason: 'Conflict',
        message:
          'Operation cannot be fulfilled on models.kubeai.org "replace-me": the object has been modified; please apply your changes to the latest version and try again',
        details: { name: 'replace-me', group: 'kubeai.org', kind: 'models' },
      });
      const { resourceVersion: _rv, ...metaWithoutRv } = updated.metadata;
      const unconditional = await failure(
        c.custom.replaceNamespacedCustomObject({
          ...MODELS,
          namespace: ns,
          name: 'replace-me',
          body: { ...updated, metadata: metaWithoutRv },
        }),
      );
      expect(unconditional.code).toBe(422);
      expect(unconditional.body.message).toBe(
        'models.kubeai.org "replace-me" is invalid: metadata.resourceVersion: Invalid value: 0: must be specified for an update',
      );
    });

    it('keeps spec and status apart (status subresource)', async () => {
      const created = await createModel(model('status-demo'));
      const withStatus = (await c.custom.replaceNamespacedCustomObjectStatus({
        ...MODELS,
        namespace: ns,
        name: 'status-demo',
        body: {
          ...created,
          spec: { ...created.spec, replicas: 9 },
          status: { replicas: { all: 1, ready: 0 } },
        },
      })) as Obj;
      expect(withStatus.status).toEqual({ replicas: { all: 1, ready: 0 } });
      expect(withStatus.spec.replicas).toBeUndefined();
      expect(withStatus.metadata.generation).toBe(1);
      const mainPut = (await c.custom.replaceNamespacedCustomObject({
        ...MODELS,
        namespace: ns,
        name: 'status-demo',
        body: { ...withStatus, status: { replicas: { all: 7, ready: 7 } } },
      })) as Obj;
      expect(mainPut.status).toEqual({ replicas: { all: 1, ready: 0 } });
      const patchedStatus = (await c.custom.patchNamespacedCustomObjectStatus(
        {
          ...MODELS,
          namespace: ns,
          name: 'status-demo',
          body: { status: { replicas: { ready: 1 } } },
        },
        mergePatch(),
      )) as Obj;
      expect(patchedStatus.status.replicas).toEqual({ all: 1, ready: 1 });
      const badStatus = await failure(
        c.custom.patchNamespacedCustomObjectStatus(
          {
            ...MODELS,
            namespace: ns,
            name: 'status-demo',
            body: { status: { replicas: { all: 'x' } } },
          },
          mergePatch(),
        ),
      );
      expect(badStatus.code).toBe(422);
      expect(badStatus.body.details?.causes?.[0]).toMatchObject({
        reason: 'FieldValueTypeInvalid',
        field: 'status.replicas.all',
      });
    });

    it('serves the scale subresource as autoscaling/v1 Scale', async () => {
      await createModel(model('scaled', { replicas: 2 }));
      await c.custom.patchNamespacedCustomObjectStatus(
        {
          ...MODELS,
          namespace: ns,
          name: 'scaled',
          body: { status: { replicas: { all: 2, ready: 1 } } },
        },
        mergePatch(),
      );
      const scale = (await c.custom.getNamespacedCustomObjectScale({
        ...MODELS,
        namespace: ns,
        name: 'scaled',
      })) as Obj;
      expect(scale).toMatchObject({
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        metadata: { name: 'scaled', namespace: ns },
        spec: { replicas: 2 },
        status: { replicas: 2 },
      });
      const patched = (await c.custom.patchNamespacedCustomObjectScale(
        {
          ...MODELS,
          namespace: ns,
          name: 'scaled',
          body: { spec: { replicas: 4 } },
        },
        mergePatch(),
      )) as Obj;
      expect(patched.spec.replicas).toBe(4);
      const m = await getModel('scaled');
      expect(m.spec.replicas).toBe(4);
      expect(m.metadata.generation).toBe(2);
      const negative = await failure(
        c.custom.replaceNamespacedCustomObjectScale({
          ...MODELS,
          namespace: ns,
          name: 'scaled',
          body: { ...patched, spec: { replicas: -1 } },
        }),
      );
      expect(negative.code).toBe(422);
      expect(negative.body.message).toBe(
        'Scale.autoscaling "scaled" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      );
    });

    it('deletes with a Success Status, then 404s', async () => {
      const created = await createModel(model('doomed'));
      const res = (await c.custom.deleteNamespacedCustomObject({
        ...MODELS,
        namespace: ns,
        name: 'doomed',
      })) as Obj;
      expect(res).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: {
          name: 'doomed',
          group: 'kubeai.org',
          kind: 'models',
          uid: created.metadata.uid,
        },
      });
      expect((await failure(getModel('doomed'))).code).toBe(404);
      expect(
        (
          await failure(
            c.custom.deleteNamespacedCustomObject({
              ...MODELS,
              namespace: ns,
              name: 'doomed',
            }),
          )
        ).code,
      ).toBe(404);
    });

    it('keeps objects with finalizers until the finalizers are removed', async () => {
      await createModel({
        ...model('finalized'),
        metadata: { name: 'finalized', finalizers: ['example.com/hold'] },
      });
      const deleting = (await c.custom.deleteNamespacedCustomObject({
        ...MODELS,
        namespace: ns,
        name: 'finalized',
      })) as Obj;
      expect(deleting.metadata.deletionTimestamp).toBeTruthy();
      expect(
        (await getModel('finalized')).metadata.deletionTimestamp,
      ).toBeTruthy();
      await c.custom.patchNamespacedCustomObject(
        {
          ...MODELS,
          namespace: ns,
          name: 'finalized',
          body: { metadata: { finalizers: null } },
        },
        mergePatch(),
      );
      expect((await failure(getModel('finalized'))).code).toBe(404);
    });

    it('supports server-side apply (create and update)', async () => {
      const applyOpts = k8s.setHeaderOptions(
        'Content-Type',
        k8s.PatchStrategy.ServerSideApply,
      );
      const created = (await c.custom.patchNamespacedCustomObject(
        {
          ...MODELS,
          namespace: ns,
          name: 'applied',
          body: model('applied'),
          fieldManager: 'test',
        },
        applyOpts,
      )) as Obj;
      expect(created.spec.targetRequests).toBe(100);
      const updated = (await c.custom.patchNamespacedCustomObject(
        {
          ...MODELS,
          namespace: ns,
          name: 'applied',
          body: {
            ...model('applied'),
            spec: { ...model('applied').spec, replicas: 2 },
          },
          fieldManager: 'test',
        },
        applyOpts,
      )) as Obj;
      expect(updated.spec.replicas).toBe(2);
      const noManager = await failure(
        c.custom.patchNamespacedCustomObject(
          { ...MODELS, namespace: ns, name: 'applied', body: model('applied') },
          applyOpts,
        ),
      );
      expect(noManager.code).toBe(422);
      expect(noManager.body.message).toContain(
        'fieldManager: Required value: is required for apply patch',
      );
    });
  });
});
