/*
 * KubeAI v0.22.1 behaviours the portal relies on (CONTRACT.kubeai.md): each
 * test is named in the contract next to the line it checks.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { KubernetesEmulator, startKubernetesEmulator } from './index';
import { defaultKubeAiConfig, mulQuantity } from './kubeai';
import {
  BACKSTAGE_PLUGIN_KINDS,
  MODELS,
  clients,
  mergePatch,
  model,
  node,
  pluginListPath,
  raw,
} from './testUtils';

type Obj = Record<string, any>;

const ns = 'kubeai';

describe('KubeAI v0.22.1 model controller and autoscaler', () => {
  let emu: KubernetesEmulator;
  let c: ReturnType<typeof clients>;
  const config = defaultKubeAiConfig();
  config.resourceProfiles['gpu-pair'] = {
    imageName: 'nvidia-gpu',
    limits: { 'nvidia.com/gpu': '2' },
    requests: { 'nvidia.com/gpu': '2', cpu: '500m', memory: '8Gi' },
    nodeSelector: { 'gpu.example/model': 'rtx4090' },
  };

  beforeAll(async () => {
    emu = await startKubernetesEmulator({
      controller: {
        modelReadyDelayMs: 20,
        kubeai: { config },
        autoscaler: { intervalMs: 3_600_000 },
      },
    });
    const big = node('gpu-big', { gpu: 16, cpu: '128', memory: '1Ti' });
    (big.metadata.labels as Obj)['gpu.example/model'] = 'rtx4090';
    emu.seed([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } },
      node('cpu-a'),
      big,
    ]);
    c = clients(emu);
  });
  afterAll(() => emu.close());

  const create = (body: Obj, namespace = ns) =>
    c.custom.createNamespacedCustomObject({
      ...MODELS,
      namespace,
      body,
    }) as Promise<Obj>;
  const get = (name: string, namespace = ns) =>
    emu.get('kubeai.org/v1', 'Model', namespace, name) as Obj | undefined;
  const pods = (name: string) =>
    emu.list('v1', 'Pod', { namespace: ns, labelSelector: `model=${name}` });
  const patch = (name: string, body: Obj) =>
    c.custom.patchNamespacedCustomObject(
      { ...MODELS, namespace: ns, name, body },
      mergePatch(),
    ) as Promise<Obj>;
  const settle = () => new Promise(r => setTimeout(r, 150));

  it('serves the v0.22.1 CRD: every ModelSpec field, with its defaults filled on create', async () => {
    const crd = yaml.load(
      fs.readFileSync(
        path.join(__dirname, 'crds/kubeai.org_models.yaml'),
        'utf8',
      ),
    ) as Obj;
    const version = crd.spec.versions[0];
    expect(
      Object.keys(
        version.schema.openAPIV3Schema.properties.spec.properties,
      ).sort(),
    ).toEqual([
      'adapters',
      'args',
      'autoscalingDisabled',
      'cacheProfile',
      'engine',
      'env',
      'envFrom',
      'features',
      'files',
      'image',
      'loadBalancing',
      'maxReplicas',
      'minReplicas',
      'owner',
      'priorityClassName',
      'replicas',
      'resourceProfile',
      'scaleDownDelaySeconds',
      'targetRequests',
      'url',
    ]);
    expect(version.subresources.scale).toEqual({
      specReplicasPath: '.spec.replicas',
      statusReplicasPath: '.status.replicas.all',
    });
    const created = await create(model('defaults', { minReplicas: 0 }));
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
  });

  it('publishes its system config as ConfigMap kubeai-config (system.yaml)', async () => {
    const cm = await c.core.readNamespacedConfigMap({
      namespace: ns,
      name: 'kubeai-config',
    });
    const system = yaml.load(cm.data!['system.yaml']) as Obj;
    expect(system.resourceProfiles['gpu-pair'].limits).toEqual({
      'nvidia.com/gpu': '2',
    });
    expect(system.cacheProfiles.storage.sharedFilesystem).toBeDefined();
  });

  it("creates a Model's Pods, no Deployment or Service; only the Pods carry model=<name>", async () => {
    // With a file, so its ConfigMap stays (without files KubeAI creates it
    // and deletes it again on the next reconcile, files.go).
    await create(
      model('tab', {
        minReplicas: 1,
        files: [{ path: '/config/chat.jinja', content: '{{ messages }}' }],
      }),
    );
    await emu.waitFor(() => (pods('tab').length === 1 ? true : undefined));
    const listed: Record<string, string[]> = {};
    for (const kind of BACKSTAGE_PLUGIN_KINDS) {
      const res = await raw(emu, pluginListPath(kind, 'model=tab', ns));
      expect({ kind: kind[1], status: res.status }).toEqual({
        kind: kind[1],
        status: 200,
      });
      const items = (res.json() as Obj).items as Obj[];
      if (items.length > 0) listed[kind[1]] = items.map(i => i.metadata.name);
    }
    expect(listed).toEqual({ pods: [pods('tab')[0].metadata.name] });
    // What the namespace holds besides: the Model's files ConfigMap (no
    // labels, owned by the Model) and the chart's one Service, which selects
    // KubeAI's own Pod.
    const owned = emu
      .list('v1', 'ConfigMap', { namespace: ns })
      .filter(cm => cm.metadata.ownerReferences?.[0]?.name === 'tab');
    expect(owned.map(cm => [cm.metadata.name, cm.metadata.labels])).toEqual([
      ['model-tab-files', undefined],
    ]);
    const services = emu.list('v1', 'Service', { namespace: ns }) as Obj[];
    expect(services.map(x => [x.metadata.name, x.spec.selector])).toEqual([
      [
        'kubeai',
        {
          'app.kubernetes.io/name': 'kubeai',
          'app.kubernetes.io/instance': 'kubeai',
        },
      ],
    ]);
    for (const kind of ['Deployment', 'ReplicaSet', 'StatefulSet']) {
      expect(emu.list('apps/v1', kind, { namespace: ns })).toEqual([]);
    }
  });

  it('labels a Model with its features, and drops labels of removed features', async () => {
    await create(
      model('labelled', {
        features: ['TextGeneration', 'TextEmbedding'],
        minReplicas: 0,
      }),
    );
    await emu.waitFor(
      () =>
        get('labelled')?.metadata.labels?.[
          'features.kubeai.org/TextEmbedding'
        ] === 'true',
    );
    await patch('labelled', { spec: { features: ['TextGeneration'] } });
    const m = await emu.waitFor(() => {
      const x = get('labelled');
      return x?.metadata.labels?.['features.kubeai.org/TextEmbedding'] ===
        undefined
        ? x
        : undefined;
    });
    expect(m.metadata.labels).toEqual({
      'features.kubeai.org/TextGeneration': 'true',
    });
  });

  it('owns spec.replicas: sets it to minReplicas, clamps it into [min, max]', async () => {
    await create(model('bounded', { minReplicas: 1, maxReplicas: 2 }));
    await emu.waitFor(() => get('bounded')?.spec.replicas === 1);
    await patch('bounded', { spec: { replicas: 5 } });
    await emu.waitFor(() => get('bounded')?.spec.replicas === 2);
    await patch('bounded', { spec: { replicas: null } });
    await emu.waitFor(() => get('bounded')?.spec.replicas === 1);
    await emu.waitFor(() => pods('bounded').length === 1);
    expect(get('bounded')?.spec).toMatchObject({
      minReplicas: 1,
      maxReplicas: 2,
      replicas: 1,
    });
  });

  it('leaves spec.replicas alone with autoscalingDisabled: unset means no Pod', async () => {
    await create(
      model('pinned', { autoscalingDisabled: true, minReplicas: 1 }),
    );
    await settle();
    expect(get('pinned')?.spec.replicas).toBeUndefined();
    expect(pods('pinned')).toHaveLength(0);
    await patch('pinned', { spec: { replicas: 2, maxReplicas: 1 } }).catch(
      () => undefined,
    );
    await patch('pinned', { spec: { replicas: 2, maxReplicas: 3 } });
    await emu.waitFor(() => pods('pinned').length === 2);
    expect(get('pinned')?.spec.replicas).toBe(2);
  });

  it('multiplies the profile the config defines (not its name) by the count, with its nodeSelector', async () => {
    await create(model('pair', { resourceProfile: 'gpu-pair:2', replicas: 1 }));
    const [p] = await emu.waitFor(() => {
      const list = pods('pair');
      return list.length === 1 && (list[0].spec as Obj).nodeName
        ? list
        : undefined;
    });
    const container = (p.spec as Obj).containers[0];
    expect(container.resources).toEqual({
      limits: { 'nvidia.com/gpu': '4' },
      requests: { 'nvidia.com/gpu': '4', cpu: '1', memory: '16Gi' },
    });
    expect((p.spec as Obj).nodeSelector).toEqual({
      'gpu.example/model': 'rtx4090',
    });
    expect((p.spec as Obj).nodeName).toBe('gpu-big');
    expect(container.image).toBe('vllm/vllm-openai:v0.10.2');
    expect(mulQuantity('500m', 3)).toBe('1500m');
  });

  it.each([
    ['an unknown profile', 'no-such-profile:1', 'resource profile not found'],
    ['a profile without a count', 'cpu', 'invalid resource profile'],
    ['a non-numeric count', 'cpu:two', 'invalid multiple'],
  ])(
    'accepts a Model with %s but never creates its Pods',
    async (_what, resourceProfile, error) => {
      const name = `bad-${resourceProfile.replace(/[^a-z]/g, '')}`.slice(0, 40);
      await create(model(name, { resourceProfile, replicas: 1 }));
      await settle();
      expect(pods(name)).toHaveLength(0);
      expect(get(name)?.status?.replicas).toBeUndefined();
      expect(emu.controllers?.modelErrors.get(`${ns}/${name}`)).toContain(
        error,
      );
    },
  );

  it('ignores Models outside its own namespace', async () => {
    await create(
      {
        ...model('elsewhere', { minReplicas: 1 }),
        metadata: { name: 'elsewhere' },
      },
      'other',
    );
    await settle();
    expect(get('elsewhere', 'other')?.spec.replicas).toBeUndefined();
    expect(emu.list('v1', 'Pod', { namespace: 'other' })).toHaveLength(0);
  });

  it('builds the server Pod from engine, URL scheme, adapters, env, envFrom and files', async () => {
    await create(
      model('full', {
        url: 's3://bucket/llama',
        adapters: [{ name: 'sql', url: 'hf://org/sql-lora' }],
        env: { ZED: '1', ALPHA: '2' },
        envFrom: [{ secretRef: { name: 'extra' } }],
        files: [{ path: '/config/chat.jinja', content: '{{ x }}' }],
        args: ['--max-model-len=2048'],
        priorityClassName: 'high',
        replicas: 1,
      }),
    );
    const [p] = await emu.waitFor(() => {
      const list = pods('full');
      return list.length === 1 ? list : undefined;
    });
    const spec = p.spec as Obj;
    const container = spec.containers[0];
    expect(p.metadata.labels).toMatchObject({
      app: 'model',
      model: 'full',
      'app.kubernetes.io/name': 'vllm',
      'app.kubernetes.io/instance': 'vllm-full',
      'app.kubernetes.io/managed-by': 'kubeai',
    });
    expect(p.metadata.annotations).toEqual({ 'model-pod-port': '8000' });
    expect(p.metadata.name).toMatch(
      new RegExp(`^model-full-${p.metadata.labels!['pod-hash']}-`),
    );
    expect(container.args).toEqual([
      '--model=s3://bucket/llama',
      '--served-model-name=full',
      '--load-format=runai_streamer',
      '--max-model-len=2048',
      '--enable-lora',
    ]);
    expect(container.env.slice(0, 3)).toEqual([
      { name: 'VLLM_ALLOW_RUNTIME_LORA_UPDATING', value: 'True' },
      { name: 'ALPHA', value: '2' },
      { name: 'ZED', value: '1' },
    ]);
    expect(container.envFrom).toEqual([{ secretRef: { name: 'extra' } }]);
    expect(container.volumeMounts).toContainEqual({
      name: 'model-files',
      mountPath: '/config/chat.jinja',
      subPath: '_config_chat.jinja',
    });
    expect(spec.priorityClassName).toBe('high');
    const files = emu.get('v1', 'ConfigMap', ns, 'model-full-files') as Obj;
    expect(files.data).toEqual({ '_config_chat.jinja': '{{ x }}' });
    expect(files.metadata.ownerReferences[0].name).toBe('full');
  });

  const ollamaEnv = [
    { name: 'OLLAMA_HOST', value: '0.0.0.0:8000' },
    { name: 'OLLAMA_KEEP_ALIVE', value: '999999h' },
  ];
  it.each([
    [
      'hf://Qwen/Qwen2.5-0.5B-Instruct',
      'VLLM',
      '--model=Qwen/Qwen2.5-0.5B-Instruct',
      undefined,
    ],
    ['pvc://models/qwen', 'VLLM', '--model=/model', 'models'],
    ['ollama://qwen2:0.5b', 'OLlama', ollamaEnv, undefined],
  ])(
    'passes %s to %s the way KubeAI does',
    async (url, engine, expected, claim) => {
      const name = `src-${url.split(':')[0]}`;
      await create(
        model(name, { url, engine, resourceProfile: 'cpu:1', replicas: 1 }),
      );
      const [p] = await emu.waitFor(() => {
        const list = pods(name);
        return list.length === 1 ? list : undefined;
      });
      const spec = p.spec as Obj;
      const container = spec.containers[0];
      // vLLM gets the model as its first argument, Ollama through its env.
      expect(
        engine === 'OLlama' ? container.env.slice(0, 2) : container.args[0],
      ).toEqual(expected);
      expect(
        spec.volumes.find((v: Obj) => v.name === 'model')?.persistentVolumeClaim
          ?.claimName,
      ).toBe(claim);
    },
  );

  it('rolls Pods over to a changed spec (new pod-hash)', async () => {
    const before = (
      await emu.waitFor(() => {
        const list = pods('bounded');
        return list.length === 1 && (list[0].status as Obj)?.phase === 'Running'
          ? list
          : undefined;
      })
    )[0];
    await patch('bounded', { spec: { args: ['--enforce-eager'] } });
    const after = await emu.waitFor(() => {
      const list = pods('bounded');
      return list.length === 1 &&
        list[0].metadata.labels?.['pod-hash'] !==
          before.metadata.labels?.['pod-hash'] &&
        (list[0].status as Obj)?.phase === 'Running'
        ? list
        : undefined;
    }, 3000);
    expect((after[0].spec as Obj).containers[0].args).toContain(
      '--enforce-eager',
    );
  });

  it('loads a cacheProfile first: finalizer, no Pod until status.cache.loaded, eviction before deletion', async () => {
    await create(model('cached', { cacheProfile: 'storage', replicas: 1 }));
    const m = await emu.waitFor(() => {
      const x = get('cached');
      return x?.metadata.finalizers?.includes('kubeai.org/cache-eviction') &&
        x.status?.cache
        ? x
        : undefined;
    });
    // While the cache loads, no server Pod exists.
    const podsWhileLoading = m.status.cache.loaded ? 0 : pods('cached').length;
    expect(podsWhileLoading).toBe(0);
    await emu.waitFor(() => get('cached')?.status?.cache?.loaded === true);
    const [p] = await emu.waitFor(() => {
      const list = pods('cached');
      return list.length === 1 ? list : undefined;
    });
    expect((p.spec as Obj).containers[0].args[0]).toBe(
      `--model=/models/cached-${m.metadata.uid}`,
    );
    await c.custom.deleteNamespacedCustomObject({
      ...MODELS,
      namespace: ns,
      name: 'cached',
    });
    expect(get('cached')?.metadata.deletionTimestamp).toBeTruthy();
    await emu.waitFor(() => get('cached') === undefined);
    await create(model('nocache', { cacheProfile: 'nope', replicas: 1 }));
    await settle();
    expect(pods('nocache')).toHaveLength(0);
    expect(emu.controllers?.modelErrors.get(`${ns}/nocache`)).toBe(
      'cache profile not found: "nope"',
    );
  });

  it('autoscaler: ceil(average active requests / targetRequests) within bounds, through /scale, scale-down after the delay', async () => {
    const scaler = emu.controllers!.autoscaler!;
    await create(
      model('busy', {
        resourceProfile: 'cpu:1',
        minReplicas: 1,
        maxReplicas: 3,
        targetRequests: 10,
        scaleDownDelaySeconds: 20,
      }),
    );
    await emu.waitFor(() => get('busy')?.spec.replicas === 1);
    // The average covers 60 runs (10 min / 10 s): 600 active requests for
    // one run average 10, i.e. one replica's target.
    scaler.setActiveRequests('busy', 1200);
    scaler.run();
    await emu.waitFor(() => get('busy')?.spec.replicas === 2);
    scaler.setActiveRequests('busy', 100_000);
    scaler.run();
    await emu.waitFor(() => get('busy')?.spec.replicas === 3); // maxReplicas
    // Lower load: two consecutive runs (20 s / 10 s) are needed to scale down.
    scaler.setActiveRequests('busy', 0);
    for (let i = 0; i < 120; i++) scaler.run();
    await emu.waitFor(() => get('busy')?.spec.replicas === 1); // minReplicas
    // Models with autoscalingDisabled are never scaled.
    scaler.setActiveRequests('pinned', 100_000);
    scaler.run();
    expect(get('pinned')?.spec.replicas).toBe(2);
  });
});
