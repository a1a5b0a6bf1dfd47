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
      locations: { kubeAi: () => kube } as any,
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
      locations: { kubeAi } as any,
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
