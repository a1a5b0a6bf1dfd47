import * as k8s from '@kubernetes/client-node';
import { KubernetesEmulator, startKubernetesEmulator } from './index';
import { MODELS, clients, mergePatch, model, raw } from './testUtils';

type Obj = Record<string, any>;

interface Seen {
  type: string;
  name?: string;
  rv?: string;
  obj: Obj;
}

/** Starts a client-node Watch and collects its events. */
async function startWatch(
  kc: k8s.KubeConfig,
  path: string,
  params: Record<string, string | number | boolean | undefined> = {},
) {
  const events: Seen[] = [];
  let doneErr: unknown;
  let done = false;
  const controller = await new k8s.Watch(kc).watch(
    path,
    params,
    (type, obj: Obj) =>
      events.push({
        type,
        name: obj?.metadata?.name,
        rv: obj?.metadata?.resourceVersion,
        obj,
      }),
    err => {
      done = true;
      doneErr = err;
    },
  );
  return {
    events,
    controller,
    isDone: () => done,
    doneErr: () => doneErr,
  };
}

describe('kubernetes emulator: watch', () => {
  let emu: KubernetesEmulator;
  let c: ReturnType<typeof clients>;
  const path = '/apis/kubeai.org/v1/namespaces/default/models';

  beforeAll(async () => {
    emu = await startKubernetesEmulator({
      controller: false,
      bookmarkIntervalMs: 50,
    });
    c = clients(emu);
  });
  afterAll(() => emu.close());

  const create = (name: string, labels?: Record<string, string>) =>
    c.custom.createNamespacedCustomObject({
      ...MODELS,
      namespace: 'default',
      body: { ...model(name), metadata: { name, labels } },
    }) as Promise<Obj>;

  it('streams ADDED, MODIFIED and DELETED to client-node Watch', async () => {
    const existing = await create('w-existing');
    const w = await startWatch(c.kc, path);
    await emu.waitFor(() => w.events.length >= 1);
    expect(w.events[0]).toMatchObject({
      type: 'ADDED',
      name: 'w-existing',
      rv: existing.metadata.resourceVersion,
    });
    await create('w-new');
    const patched = (await c.custom.patchNamespacedCustomObject(
      {
        ...MODELS,
        namespace: 'default',
        name: 'w-new',
        body: { spec: { replicas: 2 } },
      },
      mergePatch(),
    )) as Obj;
    await c.custom.deleteNamespacedCustomObject({
      ...MODELS,
      namespace: 'default',
      name: 'w-new',
    });
    await emu.waitFor(() => w.events.length >= 4);
    expect(w.events.slice(1).map(e => `${e.type} ${e.name}`)).toEqual([
      'ADDED w-new',
      'MODIFIED w-new',
      'DELETED w-new',
    ]);
    expect(w.events[2].rv).toBe(patched.metadata.resourceVersion);
    expect(w.events[2].obj.spec.replicas).toBe(2);
    expect(Number(w.events[3].rv)).toBeGreaterThan(
      Number(patched.metadata.resourceVersion),
    );
    expect(w.events[1].obj).toMatchObject({
      apiVersion: 'kubeai.org/v1',
      kind: 'Model',
    });
    w.controller.abort();
  });

  it('resumes from a resourceVersion and applies label-selector transitions', async () => {
    const a = await create('sel-1', { watched: 'yes' });
    const w = await startWatch(c.kc, path, {
      resourceVersion: a.metadata.resourceVersion,
      labelSelector: 'watched=yes',
    });
    await create('sel-2', { watched: 'no' });
    await create('sel-3', { watched: 'yes' });
    await c.custom.patchNamespacedCustomObject(
      {
        ...MODELS,
        namespace: 'default',
        name: 'sel-2',
        body: { metadata: { labels: { watched: 'yes' } } },
      },
      mergePatch(),
    );
    await c.custom.patchNamespacedCustomObject(
      {
        ...MODELS,
        namespace: 'default',
        name: 'sel-3',
        body: { metadata: { labels: { watched: 'no' } } },
      },
      mergePatch(),
    );
    await emu.waitFor(() => w.events.length >= 3);
    await new Promise(r => setTimeout(r, 30));
    // sel-1 predates the resourceVersion; sel-2 enters the selection, sel-3 leaves it
    expect(w.events.map(e => `${e.type} ${e.name}`)).toEqual([
      'ADDED sel-3',
      'ADDED sel-2',
      'DELETED sel-3',
    ]);
    expect(w.events[2].obj.metadata.labels).toEqual({ watched: 'yes' }); // last state that matched
    w.controller.abort();
  });

  it('answers a too-old resourceVersion with an ERROR event carrying a 410 Expired Status', async () => {
    const old = await create('before-compaction');
    await create('after-it'); // history moves on, then gets compacted
    emu.store.compact();
    const w = await startWatch(c.kc, path, {
      resourceVersion: old.metadata.resourceVersion,
    });
    await emu.waitFor(() => w.isDone());
    expect(w.events).toHaveLength(1);
    expect(w.events[0].type).toBe('ERROR');
    expect(w.events[0].obj).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
    });
    expect(w.events[0].obj.message).toMatch(
      /^too old resource version: \d+ \(\d+\)$/,
    );
  });

  it('honours timeoutSeconds and sends bookmarks when allowed', async () => {
    const started = Date.now();
    const w = await startWatch(c.kc, path, {
      timeoutSeconds: 1,
      allowWatchBookmarks: true,
      labelSelector: 'nothing=here',
    });
    await emu.waitFor(() => w.isDone(), 3000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(2500);
    const bookmarks = w.events.filter(e => e.type === 'BOOKMARK');
    expect(bookmarks.length).toBeGreaterThan(1);
    expect(bookmarks[0].obj).toEqual({
      kind: 'Model',
      apiVersion: 'kubeai.org/v1',
      metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
    });
    expect(w.events.some(e => e.type === 'ADDED')).toBe(false);
  });

  it('supports single-object watches via fieldSelector and the legacy /watch path', async () => {
    await create('solo');
    const res = await raw(
      emu,
      '/apis/kubeai.org/v1/watch/namespaces/default/models/solo?timeoutSeconds=0',
    );
    expect(res.status).toBe(200);
    const lines = res.text
      .trim()
      .split('\n')
      .map(l => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      type: 'ADDED',
      object: { metadata: { name: 'solo' } },
    });
    const bad = await raw(
      emu,
      `${path}?watch=true&labelSelector=${encodeURIComponent('a in (')}`,
    );
    expect(bad.status).toBe(400);
    const list = await raw(
      emu,
      `${path}?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&fieldSelector=metadata.name%3Dsolo&timeoutSeconds=0`,
    );
    const events = list.text
      .trim()
      .split('\n')
      .map(l => JSON.parse(l));
    expect(events.map(e => e.type).slice(0, 2)).toEqual(['ADDED', 'BOOKMARK']);
    expect(events[1].object.metadata.annotations).toEqual({
      'k8s.io/initial-events-end': 'true',
    });
  });

  it('drives a client-node informer (list + watch)', async () => {
    const podsPath = '/api/v1/namespaces/default/pods';
    const added: string[] = [];
    const updated: string[] = [];
    const deleted: string[] = [];
    const informer = k8s.makeInformer(c.kc, podsPath, () =>
      c.core.listNamespacedPod({ namespace: 'default' }),
    );
    informer.on('add', p => added.push(p.metadata!.name!));
    informer.on('update', p => updated.push(p.metadata!.name!));
    informer.on('delete', p => deleted.push(p.metadata!.name!));
    const errors: unknown[] = [];
    informer.on('error', e => errors.push(e));
    emu.seed([
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'pre', namespace: 'default' },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      },
    ]);
    await informer.start();
    await emu.waitFor(() => added.includes('pre'));
    await c.core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'live' },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      },
    });
    await emu.waitFor(() => added.includes('live'));
    await c.core.patchNamespacedPod(
      {
        namespace: 'default',
        name: 'live',
        body: { metadata: { labels: { a: 'b' } } },
      },
      mergePatch(),
    );
    await emu.waitFor(() => updated.includes('live'));
    expect(informer.get('live', 'default')?.metadata?.labels).toEqual({
      a: 'b',
    });
    await c.core.deleteNamespacedPod({ namespace: 'default', name: 'pre' });
    await emu.waitFor(() => deleted.includes('pre'));
    expect(informer.list('default').map(p => p.metadata?.name)).toEqual([
      'live',
    ]);
    expect(errors).toEqual([]);
    await informer.stop(); // (client-node reports its own abort as an error)
  });

  it('makes an informer relist when its resourceVersion was compacted away (410)', async () => {
    const short = await startKubernetesEmulator({
      controller: false,
      defaultWatchTimeoutSeconds: 1,
    });
    try {
      const sc = clients(short);
      let lists = 0;
      const informer = k8s.makeInformer(
        sc.kc,
        '/api/v1/namespaces/default/configmaps',
        () => {
          lists++;
          return sc.core.listNamespacedConfigMap({ namespace: 'default' });
        },
      );
      const added: string[] = [];
      informer.on('add', o => added.push(o.metadata!.name!));
      await sc.core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: 'one' } },
      });
      await informer.start();
      await short.waitFor(() => added.includes('one'));
      expect(lists).toBe(1);
      // Unrelated writes move the resourceVersion on, then history is compacted:
      // the informer's next watch (after the 1 s server timeout) resumes from a
      // version that is gone, gets 410 Expired and relists.
      await sc.core.createNamespacedSecret({
        namespace: 'default',
        body: { metadata: { name: 'unrelated' } },
      });
      short.store.compact();
      await short.waitFor(() => lists >= 2, 4000);
      await sc.core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: 'two' } },
      });
      await short.waitFor(() => added.includes('two'));
      await informer.stop();
    } finally {
      await short.close();
    }
  });
});
