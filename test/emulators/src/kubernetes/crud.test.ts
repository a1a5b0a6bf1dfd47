import * as k8s from '@kubernetes/client-node';
import { KubernetesEmulator, startKubernetesEmulator } from './index';
import {
  HELMCHARTS,
  MODELS,
  clients,
  failure,
  jsonPatch,
  mergePatch,
  model,
  node,
  raw,
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

  describe('auth and discovery', () => {
    it('answers 401 Unauthorized without or with a wrong token, everywhere', async () => {
      for (const path of [
        '/version',
        '/api/v1/namespaces',
        '/apis/kubeai.org/v1/models',
        '/nope',
      ]) {
        const res = await raw(emu, path, { token: null });
        expect(res.status).toBe(401);
        expect(res.json()).toEqual({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: 'Unauthorized',
          reason: 'Unauthorized',
          code: 401,
        });
      }
      const wrong = clients(emu, 'not-the-token');
      const err = await failure(wrong.core.listNamespace());
      expect(err.code).toBe(401);
    });

    it('serves /version, /api, /apis and APIResourceLists', async () => {
      const version = (await raw(emu, '/version')).json() as Obj;
      expect(version.gitVersion).toMatch(/^v1\.\d+\.\d+\+k3s1$/);
      expect((await raw(emu, '/api')).json()).toMatchObject({
        kind: 'APIVersions',
        versions: ['v1'],
      });
      const groups = (await raw(emu, '/apis')).json() as Obj;
      expect(groups.groups.map((g: Obj) => g.name)).toEqual(
        expect.arrayContaining([
          'batch',
          'kubeai.org',
          'helm.cattle.io',
          'apiextensions.k8s.io',
        ]),
      );
      const list = (await raw(emu, '/apis/kubeai.org/v1')).json() as Obj;
      const names = list.resources.map((r: Obj) => r.name);
      expect(names).toEqual(['models', 'models/scale', 'models/status']);
      expect(list.resources[1]).toMatchObject({
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
      });
      const core = (await raw(emu, '/api/v1')).json() as Obj;
      expect(
        core.resources.find((r: Obj) => r.name === 'pods/log'),
      ).toBeTruthy();
      const crd = (await c.kc
        .makeApiClient(k8s.ApiextensionsV1Api)
        .readCustomResourceDefinition({ name: 'models.kubeai.org' })) as Obj;
      expect(
        crd.status.conditions.find((x: Obj) => x.type === 'Established').status,
      ).toBe('True');
    });

    it('works with the discovery-driven KubernetesObjectApi', async () => {
      const objects = k8s.KubernetesObjectApi.makeApiClient(c.kc);
      const created = (await objects.create(
        model('via-object-api'),
        undefined,
        undefined,
        undefined,
        undefined,
      )) as Obj;
      expect(created.metadata.namespace).toBe('default');
      const read = (await objects.read({
        apiVersion: 'kubeai.org/v1',
        kind: 'Model',
        metadata: { name: 'via-object-api', namespace: 'default' },
      })) as Obj;
      expect(read.spec.targetRequests).toBe(100);
    });

    it('answers unknown paths with a 404 Status and unsupported verbs with 405', async () => {
      const res = await raw(emu, '/apis/nope.example.com/v1/things');
      expect(res.status).toBe(404);
      expect(res.json()).toMatchObject({
        kind: 'Status',
        reason: 'NotFound',
        message: 'the server could not find the requested resource',
      });
      expect(
        (await raw(emu, '/api/v1/namespaces/default/widgets')).status,
      ).toBe(404);
      const post = await raw(
        emu,
        `/apis/kubeai.org/v1/namespaces/${ns}/models/x`,
        { method: 'POST', body: '{}' },
      );
      expect(post.status).toBe(405);
      expect(post.json()).toMatchObject({
        reason: 'MethodNotAllowed',
        code: 405,
      });
    });
  });

  describe('Models', () => {
    it('creates with server-set metadata, defaults, and without status', async () => {
      const created = await createModel({
        ...model('qwen'),
        status: { replicas: { all: 5, ready: 5 } },
      });
      expect(created.metadata).toMatchObject({
        name: 'qwen',
        namespace: ns,
        generation: 1,
      });
      expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(Number(created.metadata.resourceVersion)).toBeGreaterThan(0);
      expect(created.metadata.creationTimestamp).toMatch(/Z$/);
      // custom resources come back with sorted keys, like Go's map marshalling
      expect(Object.keys(created.spec)).toEqual(
        [...Object.keys(created.spec)].sort(),
      );
      expect(created.status).toBeUndefined();
      expect(created.spec).toMatchObject({
        targetRequests: 100,
        scaleDownDelaySeconds: 30,
        loadBalancing: {
          strategy: 'LeastLoad',
          prefixHash: {
            meanLoadFactor: 125,
            replication: 256,
            prefixCharLength: 100,
          },
        },
      });
      expect(created.spec.minReplicas).toBeUndefined(); // no default in the CRD
      const got = await getModel('qwen');
      expect(got).toEqual(created);
    });

    it('prunes unknown fields and warns, or rejects them with fieldValidation=Strict', async () => {
      const body = JSON.stringify(
        model(
          'pruned',
          { bogus: 1, loadBalancing: { strategy: 'PrefixHash', extra: true } },
          { metadata: { unknownMeta: 1 } },
        ),
      );
      const res = await raw(
        emu,
        `/apis/kubeai.org/v1/namespaces/${ns}/models`,
        {
          method: 'POST',
          body: JSON.stringify({ ...JSON.parse(body), topLevel: 'x' }),
          headers: { 'Content-Type': 'application/json' },
        },
      );
      expect(res.status).toBe(201);
      const created = res.json() as Obj;
      expect(created.spec.bogus).toBeUndefined();
      expect(created.spec.loadBalancing.extra).toBeUndefined();
      expect(created.spec.loadBalancing.strategy).toBe('PrefixHash');
      expect(created.topLevel).toBeUndefined();
      expect(created.metadata.unknownMeta).toBeUndefined();
      expect(res.headers.get('warning')).toContain(
        'unknown field \\"spec.bogus\\"',
      );

      const strict = await failure(
        c.custom.createNamespacedCustomObject({
          ...MODELS,
          namespace: ns,
          body: model('strict', { bogus: 1 }),
          fieldValidation: 'Strict',
        }),
      );
      expect(strict.code).toBe(400);
      expect(strict.body.reason).toBe('BadRequest');
      expect(strict.body.message).toBe(
        'Model in version "v1" cannot be handled as a Model: strict decoding error: unknown field "spec.bogus"',
      );
    });

    it('rejects a duplicate with 409 AlreadyExists and supports generateName', async () => {
      await createModel(model('dup'));
      const err = await failure(createModel(model('dup')));
      expect(err.code).toBe(409);
      expect(err.body).toMatchObject({
        status: 'Failure',
        reason: 'AlreadyExists',
        message: 'models.kubeai.org "dup" already exists',
        details: { name: 'dup', group: 'kubeai.org', kind: 'models' },
        code: 409,
      });
      const generated = await createModel({
        ...model(''),
        metadata: { generateName: 'gen-' },
      });
      expect(generated.metadata.name).toMatch(
        /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/,
      );
    });

    it('answers 404 with a NotFound Status', async () => {
      const err = await failure(getModel('missing'));
      expect(err.code).toBe(404);
      expect(err.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'models.kubeai.org "missing" not found',
        reason: 'NotFound',
        details: { name: 'missing', group: 'kubeai.org', kind: 'models' },
        code: 404,
      });
    });

    it('answers 404 for a namespace that does not exist', async () => {
      const err = await failure(createModel(model('x'), 'no-such-ns'));
      expect(err.code).toBe(404);
      expect(err.body.message).toBe('namespaces "no-such-ns" not found');
    });

    it('lists namespaced and across namespaces, with ModelList metadata', async () => {
      await c.custom.createNamespacedCustomObject({
        ...MODELS,
        namespace: 'default',
        body: model('other-ns'),
      });
      const nsList = (await c.custom.listNamespacedCustomObject({
        ...MODELS,
        namespace: ns,
      })) as Obj;
      expect(nsList.kind).toBe('ModelList');
      expect(nsList.apiVersion).toBe('kubeai.org/v1');
      expect(Number(nsList.metadata.resourceVersion)).toBeGreaterThan(0);
      expect(nsList.items.every((m: Obj) => m.metadata.namespace === ns)).toBe(
        true,
      );
      expect(nsList.items[0]).toMatchObject({
        apiVersion: 'kubeai.org/v1',
        kind: 'Model',
      });
      const all = (await c.custom.listClusterCustomObject({
        ...MODELS,
      })) as Obj;
      const namespaces = new Set(
        all.items.map((m: Obj) => m.metadata.namespace),
      );
      expect(namespaces).toEqual(new Set([ns, 'default']));
    });

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

    it('rejects malformed bodies with 400 and keeps serving', async () => {
      const bad = await raw(
        emu,
        `/apis/kubeai.org/v1/namespaces/${ns}/models`,
        {
          method: 'POST',
          body: '{"apiVersion": "kubeai.org/v1", "kind": ',
          headers: { 'Content-Type': 'application/json' },
        },
      );
      expect(bad.status).toBe(400);
      expect(bad.json()).toMatchObject({
        kind: 'Status',
        reason: 'BadRequest',
      });
      const badPatch = await raw(
        emu,
        `/apis/kubeai.org/v1/namespaces/${ns}/models/qwen`,
        {
          method: 'PATCH',
          body: 'not json',
          headers: { 'Content-Type': 'application/merge-patch+json' },
        },
      );
      expect(badPatch.status).toBe(400);
      const arr = await raw(
        emu,
        `/apis/kubeai.org/v1/namespaces/${ns}/models`,
        {
          method: 'POST',
          body: '[1,2]',
          headers: { 'Content-Type': 'application/json' },
        },
      );
      expect(arr.status).toBe(400);
      expect((await getModel('qwen')).metadata.name).toBe('qwen');
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

    it('supports dryRun=All without persisting', async () => {
      const dry = (await c.custom.createNamespacedCustomObject({
        ...MODELS,
        namespace: ns,
        body: model('dry'),
        dryRun: 'All',
      })) as Obj;
      expect(dry.spec.targetRequests).toBe(100);
      expect(dry.metadata.resourceVersion).toBeUndefined();
      expect((await failure(getModel('dry'))).code).toBe(404);
      const before = await getModel('qwen');
      const dryPatch = (await c.custom.patchNamespacedCustomObject(
        {
          ...MODELS,
          namespace: ns,
          name: 'qwen',
          body: { spec: { replicas: 3 } },
          dryRun: 'All',
        },
        mergePatch(),
      )) as Obj;
      expect(dryPatch.spec.replicas).toBe(3);
      expect(await getModel('qwen')).toEqual(before);
      const invalidDry = await failure(
        c.custom.createNamespacedCustomObject({
          ...MODELS,
          namespace: ns,
          body: model('dry2', { url: 'ftp://x' }),
          dryRun: 'All',
        }),
      );
      expect(invalidDry.code).toBe(422);
    });

    it('filters by label selector operators', async () => {
      const mk = (name: string, labels: Record<string, string>) =>
        createModel({ ...model(name), metadata: { name, labels } });
      await mk('sel-a', { tier: 'gold', gpu: 'l4' });
      await mk('sel-b', { tier: 'silver', gpu: 'h100' });
      await mk('sel-c', { tier: 'bronze' });
      const names = async (labelSelector: string) =>
        (
          (await c.custom.listNamespacedCustomObject({
            ...MODELS,
            namespace: ns,
            labelSelector,
          })) as Obj
        ).items
          .map((m: Obj) => m.metadata.name)
          .filter((n: string) => n.startsWith('sel-'));
      expect(await names('tier=gold')).toEqual(['sel-a']);
      expect(await names('tier==silver')).toEqual(['sel-b']);
      expect(await names('tier!=gold')).toEqual(['sel-b', 'sel-c']);
      expect(await names('tier in (gold, bronze)')).toEqual(['sel-a', 'sel-c']);
      expect(await names('tier notin (gold)')).toEqual(['sel-b', 'sel-c']);
      expect(await names('gpu')).toEqual(['sel-a', 'sel-b']);
      expect(await names('!gpu')).toEqual(['sel-c']);
      expect(await names('gpu,tier=silver')).toEqual(['sel-b']);
      const bad = await failure(
        c.custom.listNamespacedCustomObject({
          ...MODELS,
          namespace: ns,
          labelSelector: 'a in (',
        }),
      );
      expect(bad.code).toBe(400);
    });

    it('filters by field selector and rejects unsupported fields like the real server', async () => {
      const list = (await c.custom.listNamespacedCustomObject({
        ...MODELS,
        namespace: ns,
        fieldSelector: 'metadata.name=qwen',
      })) as Obj;
      expect(list.items.map((m: Obj) => m.metadata.name)).toEqual(['qwen']);
      const err = await failure(
        c.custom.listNamespacedCustomObject({
          ...MODELS,
          namespace: ns,
          fieldSelector: 'spec.engine=VLLM',
        }),
      );
      expect(err.code).toBe(400);
      expect(err.body.message).toBe(
        '"spec.engine" is not a known field selector: only "metadata.name", "metadata.namespace"',
      );
    });

    it('paginates with limit and continue', async () => {
      for (const i of [1, 2, 3, 4, 5]) {
        await c.custom.createNamespacedCustomObject({
          ...MODELS,
          namespace: 'kube-public',
          body: model(`page-${i}`),
        });
      }
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      const remainingCounts: unknown[] = [];
      do {
        const page = (await c.custom.listNamespacedCustomObject({
          ...MODELS,
          namespace: 'kube-public',
          limit: 2,
          _continue: token,
        })) as Obj;
        pages++;
        seen.push(...page.items.map((m: Obj) => m.metadata.name));
        remainingCounts.push(page.metadata.remainingItemCount);
        token = page.metadata.continue;
      } while (token);
      expect(pages).toBe(3);
      expect(remainingCounts[0]).toBe(3);
      expect(seen).toEqual(['page-1', 'page-2', 'page-3', 'page-4', 'page-5']);
      const badToken = await failure(
        c.custom.listNamespacedCustomObject({
          ...MODELS,
          namespace: 'kube-public',
          _continue: 'garbage',
        }),
      );
      expect(badToken.code).toBe(400);
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

  describe('HelmCharts', () => {
    it('does CRUD with defaults and enum validation', async () => {
      const body = {
        apiVersion: 'helm.cattle.io/v1',
        kind: 'HelmChart',
        metadata: { name: 'kubeai' },
        spec: {
          chart: 'kubeai',
          repo: 'https://www.kubeai.org',
          targetNamespace: 'kubeai',
          set: { replicas: 2, 'image.tag': 'v1' },
        },
      };
      const created = (await c.custom.createNamespacedCustomObject({
        ...HELMCHARTS,
        namespace: 'kube-system',
        body,
      })) as Obj;
      expect(created.spec.failurePolicy).toBe('reinstall');
      expect(created.spec.set).toEqual({ replicas: 2, 'image.tag': 'v1' });
      const list = (await c.custom.listNamespacedCustomObject({
        ...HELMCHARTS,
        namespace: 'kube-system',
      })) as Obj;
      expect(list.kind).toBe('HelmChartList');
      const patched = (await c.custom.patchNamespacedCustomObject(
        {
          ...HELMCHARTS,
          namespace: 'kube-system',
          name: 'kubeai',
          body: { spec: { version: '0.22.1' } },
        },
        mergePatch(),
      )) as Obj;
      expect(patched.spec.version).toBe('0.22.1');
      const replaced = (await c.custom.replaceNamespacedCustomObject({
        ...HELMCHARTS,
        namespace: 'kube-system',
        name: 'kubeai',
        body: { ...patched, spec: { ...patched.spec, valuesContent: 'a: 1' } },
      })) as Obj;
      expect(replaced.spec.valuesContent).toBe('a: 1');
      const bad = await failure(
        c.custom.patchNamespacedCustomObject(
          {
            ...HELMCHARTS,
            namespace: 'kube-system',
            name: 'kubeai',
            body: { spec: { failurePolicy: 'retry', set: { x: true } } },
          },
          mergePatch(),
        ),
      );
      expect(bad.code).toBe(422);
      const fields = bad.body.details?.causes?.map(x => x.field).sort();
      expect(fields).toEqual(['spec.failurePolicy', 'spec.set.x']);
      await c.custom.deleteNamespacedCustomObject({
        ...HELMCHARTS,
        namespace: 'kube-system',
        name: 'kubeai',
      });
      expect(
        (
          await failure(
            c.custom.getNamespacedCustomObject({
              ...HELMCHARTS,
              namespace: 'kube-system',
              name: 'kubeai',
            }),
          )
        ).code,
      ).toBe(404);
    });
  });

  describe('core objects', () => {
    beforeAll(() => {
      emu.seed([
        node('gpu-1', { gpu: true }),
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
