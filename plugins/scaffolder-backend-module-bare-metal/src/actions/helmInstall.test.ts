import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { ConfigInferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import { validate, type Schema } from 'jsonschema';
import { createHelmInstallAction } from './helmInstall';

jest.setTimeout(30_000);

describe('baremetal:helm:install', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
  });
  afterAll(() => sandbox.close());

  function action(
    result:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
  ) {
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockResolvedValue([{ result }]);
    return createHelmInstallAction({
      locations: ConfigInferenceLocationsService.fromConfig(
        new ConfigReader(sandbox.config as any),
      ),
      permissions,
      pollIntervalMs: 100,
    });
  }

  type Context = Parameters<
    ReturnType<typeof createHelmInstallAction>['handler']
  >[0];
  const context = (input: JsonObject, isDryRun = false) =>
    ({
      ...createMockActionContext({ input }),
      isDryRun,
      getInitiatorCredentials: async () => mockCredentials.user(),
    } as unknown as Context);

  const chartOf = (name: string) =>
    sandbox.kubernetes.get<any>(
      'helm.cattle.io/v1',
      'HelmChart',
      'kube-system',
      name,
    );
  const jobOf = (name: string) =>
    sandbox.kubernetes.get<any>(
      'batch/v1',
      'Job',
      'kube-system',
      `helm-install-${name}`,
    );

  const base = {
    location: 'local',
    name: 'ingress-nginx',
    repo: 'https://kubernetes.github.io/ingress-nginx',
    chart: 'ingress-nginx',
    version: '4.11.3',
    targetNamespace: 'ingress-nginx',
    valuesYaml: 'controller:\n  replicaCount: 2\n',
    timeoutSeconds: 20,
  };

  it('creates the HelmChart, waits for the job, and a re-run changes nothing', async () => {
    const ctx = context(base);
    await action().handler(ctx);
    const chart = chartOf('ingress-nginx');
    expect(chart.spec).toMatchObject({
      repo: 'https://kubernetes.github.io/ingress-nginx',
      chart: 'ingress-nginx',
      version: '4.11.3',
      targetNamespace: 'ingress-nginx',
      createNamespace: true,
      valuesContent: 'controller:\n  replicaCount: 2\n',
    });
    expect(jobOf('ingress-nginx').status.succeeded).toBe(1);
    expect(ctx.output).toHaveBeenCalledWith('status', 'installed');
    expect(ctx.output).toHaveBeenCalledWith('changed', true);
    expect(ctx.output).toHaveBeenCalledWith(
      'helmChart',
      'kube-system/ingress-nginx',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'jobName',
      'helm-install-ingress-nginx',
    );

    const version = chart.metadata.resourceVersion;
    const jobUid = jobOf('ingress-nginx').metadata.uid;
    const again = context(base);
    await action().handler(again);
    expect(again.output).toHaveBeenCalledWith('changed', false);
    expect(again.output).toHaveBeenCalledWith('status', 'installed');
    expect(chartOf('ingress-nginx').metadata.resourceVersion).toBe(version);
    expect(jobOf('ingress-nginx').metadata.uid).toBe(jobUid);
  });

  it('merge-patches an existing HelmChart and waits for the new job', async () => {
    const oldUid = jobOf('ingress-nginx').metadata.uid;
    const ctx = context({
      ...base,
      version: '4.12.0',
      valuesYaml: undefined,
    });
    await action().handler(ctx);
    const chart = chartOf('ingress-nginx');
    expect(chart.spec.version).toBe('4.12.0');
    expect(chart.spec.valuesContent).toBeUndefined();
    expect(ctx.output).toHaveBeenCalledWith('changed', true);
    expect(ctx.output).toHaveBeenCalledWith('status', 'installed');
    const job = jobOf('ingress-nginx');
    expect(job.metadata.uid).not.toBe(oldUid);
    expect(job.status.succeeded).toBe(1);
  });

  it('does not wait when wait is false', async () => {
    const ctx = context({
      ...base,
      name: 'cert-manager',
      repo: 'https://charts.jetstack.io',
      chart: 'cert-manager',
      version: undefined,
      targetNamespace: 'cert-manager',
      valuesYaml: 'crds:\n  enabled: true\n',
      wait: false,
    });
    await action().handler(ctx);
    expect(chartOf('cert-manager').spec.version).toBeUndefined();
    expect(ctx.output).toHaveBeenCalledWith('status', 'applied');
  });

  it('fails with the tail of the job log when the chart does not exist', async () => {
    await expect(
      action().handler(
        context({
          ...base,
          name: 'broken',
          chart: 'does-not-exist',
          valuesYaml: undefined,
        }),
      ),
    ).rejects.toThrow(
      /^location local: helm install of does-not-exist failed: [\s\S]*Error: INSTALLATION FAILED: chart "does-not-exist" version "4\.11\.3" not found/,
    );
  });

  it('times out when the job does not finish in time', async () => {
    // The schema's minimum timeout is 10 s: use a stub client whose Job
    // never finishes, and fake timers.
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockResolvedValue([
      { result: AuthorizeResult.ALLOW },
    ]);
    const kube = {
      getHelmChart: jest.fn().mockResolvedValue(undefined),
      createHelmChart: jest.fn().mockResolvedValue({}),
      getJob: jest.fn().mockResolvedValue({
        metadata: { uid: 'x' },
        status: { active: 1 },
      }),
    };
    const stub = createHelmInstallAction({
      locations: { kubeAi: () => kube, get: () => ({ name: 'local' }) } as any,
      permissions,
      pollIntervalMs: 10,
    });
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const run = stub.handler(context({ ...base, timeoutSeconds: 10 }));
      const settled = run.then(
        () => 'resolved',
        (e: Error) => e.message,
      );
      await jest.advanceTimersByTimeAsync(11_000);
      expect(await settled).toBe(
        'location local: helm install of ingress-nginx did not finish within 10s (Job kube-system/helm-install-ingress-nginx)',
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it('rejects invalid YAML naming valuesYaml, before any call', async () => {
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockResolvedValue([
      { result: AuthorizeResult.ALLOW },
    ]);
    const kubeAi = jest.fn();
    const spied = createHelmInstallAction({
      locations: { kubeAi, get: () => ({ name: 'local' }) } as any,
      permissions,
    });
    await expect(
      spied.handler(
        context({ ...base, name: 'bad-yaml', valuesYaml: 'a: [1,\n b: }' }),
      ),
    ).rejects.toThrow(/^valuesYaml: invalid YAML/);
    await expect(
      spied.handler(
        context({ ...base, name: 'bad-yaml', valuesYaml: '- 1\n- 2\n' }),
      ),
    ).rejects.toThrow('valuesYaml: must be a YAML mapping');
    expect(kubeAi).not.toHaveBeenCalled();
    await expect(
      action().handler(
        context({ ...base, name: 'bad-yaml', valuesYaml: 'a: [1,\n b: }' }),
      ),
    ).rejects.toThrow(/^valuesYaml: invalid YAML/);
    expect(chartOf('bad-yaml')).toBeUndefined();
  });

  it('rejects invalid input with the field named, by the schema', () => {
    const schema = action().schema?.input as Schema;
    const check = (input: object) => {
      const { errors } = validate({ ...base, ...input }, schema);
      return errors.length === 0
        ? 'ok'
        : errors.map(e => e.path.join('.')).join(',');
    };
    expect(check({})).toBe('ok');
    expect(check({ repo: 'oci://ghcr.io/org/charts' })).toBe('ok');
    expect(check({ chart: 'nvidia/gpu-operator', version: 'v24.9.0' })).toBe(
      'ok',
    );
    expect(check({ name: 'Bad_Name' })).toBe('name');
    expect(check({ name: 'x; rm -rf /' })).toBe('name');
    expect(check({ location: 'Local!' })).toBe('location');
    expect(check({ repo: 'file:///etc/passwd' })).toBe('repo');
    expect(check({ repo: 'https://x.io/$(id)' })).toBe('repo');
    expect(check({ chart: 'a b' })).toBe('chart');
    expect(check({ version: '1.0; reboot' })).toBe('version');
    expect(check({ targetNamespace: 'Kube_System' })).toBe('targetNamespace');
    expect(check({ timeoutSeconds: 1 })).toBe('timeoutSeconds');
    expect(check({ createNamespace: 'yes' })).toBe('createNamespace');
  });

  it('reports an unknown location as an input error', async () => {
    await expect(
      action().handler(context({ ...base, location: 'nowhere' })),
    ).rejects.toThrow("location: No location named 'nowhere'");
  });

  it('creates nothing in a dry run', async () => {
    const ctx = context({ ...base, name: 'dry' }, true);
    await action().handler(ctx);
    expect(chartOf('dry')).toBeUndefined();
    expect(jobOf('dry')).toBeUndefined();
    expect(ctx.output).toHaveBeenCalledWith('status', 'dry-run');
    expect(ctx.output).toHaveBeenCalledWith('changed', false);
  });

  it('requires baremetal.node.provision', async () => {
    await expect(
      action(AuthorizeResult.DENY).handler(
        context({ ...base, name: 'denied' }),
      ),
    ).rejects.toThrow('Permission baremetal.node.provision is required');
    expect(chartOf('denied')).toBeUndefined();
  });
});

describe('baremetal:helm:install untrusted input', () => {
  type Context = Parameters<
    ReturnType<typeof createHelmInstallAction>['handler']
  >[0];
  const context = (input: JsonObject, isDryRun = false) =>
    ({
      ...createMockActionContext({ input }),
      isDryRun,
      getInitiatorCredentials: async () => mockCredentials.user(),
    } as unknown as Context);

  const base = {
    location: 'local',
    name: 'ingress-nginx',
    repo: 'https://kubernetes.github.io/ingress-nginx',
    chart: 'ingress-nginx',
    targetNamespace: 'ingress-nginx',
    wait: false,
  };

  /** An action whose location `local` has the given Helm settings; its Kubernetes client records calls. */
  function stubbed(helm?: { allowedRepositoryHosts: string[] }) {
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockResolvedValue([
      { result: AuthorizeResult.ALLOW },
    ]);
    const kube = {
      getHelmChart: jest.fn().mockResolvedValue(undefined),
      createHelmChart: jest.fn().mockResolvedValue({}),
      getJob: jest.fn().mockResolvedValue(undefined),
    };
    const kubeAi = jest.fn(() => kube);
    const get = jest.fn((name: string) => {
      if (name !== 'local') throw new Error(`No location named '${name}'`);
      return { name: 'local', ...(helm ? { helm } : {}) };
    });
    const action = createHelmInstallAction({
      locations: { kubeAi, get } as any,
      permissions,
    });
    return { action, kube, kubeAi };
  }

  /** 10 levels of 10 aliases each: 10^10 leaves once expanded. */
  const billionLaughs = [
    'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...Array.from({ length: 9 }, (_, i) => {
      const refs = Array(10).fill(`*l${i}`).join(',');
      return `l${i + 1}: &l${i + 1} [${refs}]`;
    }),
  ].join('\n');

  it('refuses the billion-laughs alias expansion, naming valuesYaml, before any call', async () => {
    const { action, kubeAi } = stubbed();
    for (const isDryRun of [true, false]) {
      await expect(
        action.handler(
          context({ ...base, valuesYaml: billionLaughs }, isDryRun),
        ),
      ).rejects.toThrow(/^valuesYaml: YAML anchors and aliases/);
    }
    expect(kubeAi).not.toHaveBeenCalled();
  });

  it.each([
    ['a mapping alias', 'a: &x {b: 1}\nc: *x\n'],
    ['a scalar alias', 'a: &x hello\nb: *x\n'],
    ['a merge key', 'base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n'],
    ['an unused anchor', 'a: &x 1\n'],
  ])('refuses %s', async (_what, valuesYaml) => {
    const { action, kubeAi } = stubbed();
    await expect(
      action.handler(context({ ...base, valuesYaml }, true)),
    ).rejects.toThrow(/^valuesYaml: YAML anchors and aliases/);
    expect(kubeAi).not.toHaveBeenCalled();
  });

  it('refuses values nested deeper than 32 levels', async () => {
    const { action, kubeAi } = stubbed();
    const nested = (depth: number) =>
      `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`;
    await expect(
      action.handler(context({ ...base, valuesYaml: nested(40) }, true)),
    ).rejects.toThrow('valuesYaml: nested deeper than 32 levels');
    await expect(
      action.handler(context({ ...base, valuesYaml: nested(30) }, true)),
    ).resolves.toBeUndefined();
    expect(kubeAi).toHaveBeenCalledTimes(1);
  });

  it('refuses values longer than 256 KiB before parsing', async () => {
    const { action, kubeAi } = stubbed();
    const long = `a: "${'x'.repeat(256 * 1024)}"\n`;
    await expect(
      action.handler(context({ ...base, valuesYaml: long }, true)),
    ).rejects.toThrow('valuesYaml: longer than 262144 characters');
    expect(kubeAi).not.toHaveBeenCalled();
  });

  it('refuses values that grow past 512 KiB once normalised', async () => {
    const { action, kubeAi } = stubbed();
    // 20,000 one-character items in a flow list nested 25 deep: 40 kB of
    // YAML, each item on an indented line of its own once dumped.
    const items = Array(20_000).fill('0').join(',');
    const valuesYaml = `a: ${'['.repeat(25)}${items}${']'.repeat(25)}\n`;
    await expect(
      action.handler(context({ ...base, valuesYaml }, true)),
    ).rejects.toThrow(/^valuesYaml: over 524288 characters once normalised/);
    expect(kubeAi).not.toHaveBeenCalled();
  });

  const refused = [
    'http://charts.example.com/stable',
    'https://169.254.169.254/latest/meta-data',
    'https://127.0.0.1/charts',
    'https://127.1/charts',
    'https://2852039166/charts',
    'https://0xa9fea9fe/charts',
    'https://0251.0376.0251.0376/charts',
    'https://127.0.0.1./charts',
    'https://0.0.0.0/charts',
    'https://10.0.0.1/charts',
    'https://172.16.5.4/charts',
    'https://192.168.1.10:8443/charts',
    'https://100.64.0.1/charts',
    'https://localhost/charts',
    'https://charts.localhost/charts',
    'https://metadata/computeMetadata',
    'https://chartmuseum.kube-system.svc/charts',
    'https://chartmuseum.kube-system.svc.cluster.local/charts',
    'https://metadata.google.internal/charts',
    'oci://10.1.2.3/charts',
    'oci://localhost:5000/charts',
  ];

  it.each(refused)('refuses the repository %s naming repo', async repo => {
    const { action, kube } = stubbed();
    await expect(
      action.handler(context({ ...base, repo }, true)),
    ).rejects.toThrow(/^repo: /);
    expect(kube.getHelmChart).not.toHaveBeenCalled();
  });

  it('accepts public https and oci repositories', async () => {
    const { action, kube } = stubbed();
    for (const repo of [
      'https://kubernetes.github.io/ingress-nginx',
      'https://helm.ngc.nvidia.com/nvidia',
      'oci://ghcr.io/org/charts',
      'https://8.8.8.8/charts',
    ]) {
      await action.handler(context({ ...base, repo }));
    }
    expect(kube.createHelmChart).toHaveBeenCalledTimes(4);
  });

  it('accepts internal repositories the location allow-lists, http included', async () => {
    const { action, kube } = stubbed({
      allowedRepositoryHosts: ['192.168.1.50', 'charts.lan.example'],
    });
    await action.handler(
      context({ ...base, repo: 'http://192.168.1.50:8080/charts' }),
    );
    await action.handler(
      context({ ...base, repo: 'oci://charts.lan.example/stable' }),
    );
    expect(kube.createHelmChart).toHaveBeenCalledTimes(2);
    // The allow-list names hosts exactly: other internal hosts stay refused.
    await expect(
      action.handler(context({ ...base, repo: 'https://192.168.1.51/charts' })),
    ).rejects.toThrow(/^repo: /);
    expect(kube.createHelmChart).toHaveBeenCalledTimes(2);
  });
});
