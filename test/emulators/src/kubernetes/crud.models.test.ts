/*
 * CRUD of KubeAI Models through @kubernetes/client-node: create (server-set
 * metadata, defaults, pruning), AlreadyExists and NotFound, lists, selectors,
 * pagination, malformed bodies and dry run. Writes to existing Models are in
 * crud.modelWrites.test.ts.
 */
import { KubernetesEmulator, startKubernetesEmulator } from './index';
import { MODELS, clients, failure, mergePatch, model, raw } from './testUtils';

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
  });
});
