/*
 * The emulator driven by the real kubectl (Debian's kubernetes-client, see
 * scripts/ensure-system-packages.sh): discovery, OpenAPI v3 for validation,
 * server-side printing, apply (client- and server-side), patch, scale,
 * label, watch and delete of Models and HelmCharts.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { KubernetesEmulator, startKubernetesEmulator } from './index';

const run = promisify(execFile);
const SEED_MODEL = path.resolve(
  __dirname,
  '../../../../plugins/inference-models-backend/src/__testUtils__/seed-readme-model.yaml',
);

// kubectl comes from scripts/ensure-system-packages.sh (Debian's kubernetes-client).
describe('kubernetes emulator: kubectl', () => {
  let emu: KubernetesEmulator;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  const kubectl = async (
    args: string[],
    input?: string,
  ): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise(resolve => {
      const child = spawn('kubectl', args, { env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', d => (stdout += d));
      child.stderr.on('data', d => (stderr += d));
      child.on('close', code => resolve({ code: code ?? -1, stdout, stderr }));
      child.stdin.end(input ?? '');
    });
  const ok = async (args: string[], input?: string) => {
    const r = await kubectl(args, input);
    if (r.code !== 0) {
      throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
    }
    return r.stdout;
  };
  const lines = (s: string) =>
    s
      .trim()
      .split('\n')
      .map(l => l.trim().split(/\s{2,}/));

  beforeAll(async () => {
    emu = await startKubernetesEmulator({
      controller: { modelReadyDelayMs: 0, helmJobDelayMs: 0 },
      tls: true,
    });
    emu.seed([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeai' } },
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name: 'node1',
          labels: {
            'node-role.kubernetes.io/control-plane': 'true',
            'node-role.kubernetes.io/master': 'true',
          },
        },
        status: {
          conditions: [{ type: 'Ready', status: 'True' }],
          nodeInfo: { kubeletVersion: 'v1.33.5+k3s1' },
        },
      },
    ]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubectl-emu-'));
    fs.writeFileSync(path.join(dir, 'config'), emu.kubectlConfigYaml('kubeai'));
    env = {
      PATH: process.env.PATH,
      HOME: dir,
      KUBECONFIG: path.join(dir, 'config'),
      KUBECACHEDIR: path.join(dir, 'cache'),
    };
    // kubectl resolves the version once; make sure it answers at all.
    await run('kubectl', ['version', '--client'], { env });
  });
  afterAll(async () => {
    await emu?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('applies the seed README Model with validation on and prints models and nodes as tables', async () => {
    const out = await ok(['apply', '--validate=strict', '-f', SEED_MODEL]);
    expect(out.trim()).toBe('model.kubeai.org/qwen25-05b-instruct created');
    const stored = emu.get(
      'kubeai.org/v1',
      'Model',
      'kubeai',
      'qwen25-05b-instruct',
    );
    expect(stored?.spec).toMatchObject({ engine: 'VLLM', minReplicas: 1 });

    const models = lines(await ok(['get', 'models']));
    expect(models[0]).toEqual(['NAME', 'AGE']);
    expect(models[1][0]).toBe('qwen25-05b-instruct');
    expect(models[1][1]).toMatch(/^\d+s$/);

    const nodes = lines(await ok(['get', 'nodes']));
    expect(nodes[0]).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    expect(nodes[1][0]).toBe('node1');
    expect(nodes[1][1]).toBe('Ready');
    expect(nodes[1][2]).toBe('control-plane,master');
    expect(nodes[1][4]).toBe('v1.33.5+k3s1');

    const both = await ok(['get', 'models,nodes']);
    expect(both).toMatch(
      /^NAME\s+AGE\nmodel\.kubeai\.org\/qwen25-05b-instruct/m,
    );
    expect(both).toMatch(
      /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\nnode\/node1\s+Ready/m,
    );
  });

  const MODEL = 'model/qwen25-05b-instruct';
  const readModel = () =>
    emu.get('kubeai.org/v1', 'Model', 'kubeai', 'qwen25-05b-instruct') as any;

  it('refuses an unknown field with the strict decoding error (server-side validation)', async () => {
    const bad = fs
      .readFileSync(SEED_MODEL, 'utf8')
      .replace('  engine: VLLM # or OLlama', '  engine: VLLM\n  foo: bar');
    const r = await kubectl(['apply', '--validate=strict', '-f', '-'], bad);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      'Model in version "v1" cannot be handled as a Model: strict decoding error: unknown field "spec.foo"',
    );
    expect(readModel().spec.foo).toBeUndefined();
  });

  it('server-side apply records managedFields and refuses a conflicting change unless forced', async () => {
    expect(await ok(['apply', '--server-side', '-f', SEED_MODEL])).toContain(
      'serverside-applied',
    );
    const managers = (readModel().metadata.managedFields as any[]).map(
      e => `${e.manager}/${e.operation}`,
    );
    expect(managers).toEqual(
      expect.arrayContaining([
        'kubectl-client-side-apply/Update',
        'kubectl/Apply',
      ]),
    );
    const changed = fs
      .readFileSync(SEED_MODEL, 'utf8')
      .replace('maxReplicas: 1', 'maxReplicas: 2');
    const conflict = await kubectl(
      ['apply', '--server-side', '-f', '-'],
      changed,
    );
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toMatch(
      /Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using kubeai\.org\/v1 at [0-9TZ:-]+: \.spec\.maxReplicas/,
    );
    expect(readModel().spec.maxReplicas).toBe(1);
    await ok(
      ['apply', '--server-side', '--force-conflicts', '-f', '-'],
      changed,
    );
    expect(readModel().spec.maxReplicas).toBe(2);
  });

  it('patches a Model with merge and JSON patches; strategic merge is 415 for custom resources', async () => {
    await ok([
      'patch',
      MODEL,
      '--type=merge',
      '-p',
      '{"spec":{"maxReplicas":3}}',
    ]);
    expect(readModel().spec.maxReplicas).toBe(3);
    await ok([
      'patch',
      MODEL,
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/maxReplicas","value":4}]',
    ]);
    expect(readModel().spec.maxReplicas).toBe(4);
    const smp = await kubectl([
      'patch',
      MODEL,
      '--type=strategic',
      '-p',
      '{"spec":{"maxReplicas":5}}',
    ]);
    expect(smp.code).not.toBe(0);
    expect(smp.stderr).toContain(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
    expect(readModel().spec.maxReplicas).toBe(4);
  });

  it('scales through the scale subresource and labels', async () => {
    expect(await ok(['scale', MODEL, '--replicas=1'])).toContain('scaled');
    expect(readModel().spec.replicas).toBe(1);
    await ok(['label', MODEL, 'tier=gold']);
    expect(readModel().metadata.labels.tier).toBe('gold');
    const selected = lines(await ok(['get', 'models', '-l', 'tier=gold']));
    expect(selected.map(l => l[0])).toEqual(['NAME', 'qwen25-05b-instruct']);
    expect(lines(await ok(['get', 'models', '-l', 'tier=silver']))).toEqual([
      [''],
    ]);
  });

  it('watches Models as tables (kubectl get --watch)', async () => {
    const child = spawn(
      'kubectl',
      ['get', 'models', '--watch', '--output-watch-events'],
      { env },
    );
    let out = '';
    child.stdout.on('data', d => (out += d));
    try {
      await emu.waitFor(() => out.includes('ADDED'), 10000);
      await ok(['label', MODEL, 'tier=silver', '--overwrite']);
      await emu.waitFor(() => out.includes('MODIFIED'), 10000);
    } finally {
      child.kill();
    }
    const rows = lines(out);
    expect(rows[0]).toEqual(['EVENT', 'NAME', 'AGE']);
    expect(rows[1].slice(0, 2)).toEqual(['ADDED', 'qwen25-05b-instruct']);
    expect(
      rows.some(r => r[0] === 'MODIFIED' && r[1] === 'qwen25-05b-instruct'),
    ).toBe(true);
  });

  it('applies, patches and deletes a HelmChart in kube-system', async () => {
    const chart = [
      'apiVersion: helm.cattle.io/v1',
      'kind: HelmChart',
      'metadata:',
      '  name: grafana',
      '  namespace: kube-system',
      'spec:',
      '  repo: https://grafana.github.io/helm-charts',
      '  chart: grafana',
      '  targetNamespace: monitoring',
      '  createNamespace: true',
      '',
    ].join('\n');
    expect(await ok(['apply', '--server-side', '-f', '-'], chart)).toBe(
      'helmchart.helm.cattle.io/grafana serverside-applied\n',
    );
    await ok([
      '-n',
      'kube-system',
      'patch',
      'helmchart',
      'grafana',
      '--type=merge',
      '-p',
      '{"spec":{"version":"8.0.0"}}',
    ]);
    const hc = () =>
      emu.get(
        'helm.cattle.io/v1',
        'HelmChart',
        'kube-system',
        'grafana',
      ) as any;
    expect(hc().spec.version).toBe('8.0.0');
    const smp = await kubectl([
      '-n',
      'kube-system',
      'patch',
      'helmchart',
      'grafana',
      '-p',
      '{"spec":{"version":"9"}}',
    ]);
    expect(smp.stderr).toContain(
      'is not supported by helm.cattle.io/v1, Kind=HelmChart',
    );
    const table = lines(await ok(['-n', 'kube-system', 'get', 'helmcharts']));
    expect(table[0][0]).toBe('NAME');
    expect(table[1][0]).toBe('grafana');
    expect(
      await ok(['-n', 'kube-system', 'delete', 'helmchart', 'grafana']),
    ).toContain('helmchart.helm.cattle.io "grafana" deleted');
    await emu.waitFor(() => !hc(), 5000);
  });

  it('applies a built-in kind twice without warnings (strategic merge patch from kubectl)', async () => {
    const cm = (v: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c1\ndata:\n  a: "${v}"\n`;
    expect(await ok(['apply', '-f', '-'], cm('1'))).toBe(
      'configmap/c1 created\n',
    );
    const second = await kubectl(['apply', '-f', '-'], cm('2'));
    expect(second).toMatchObject({
      code: 0,
      stdout: 'configmap/c1 configured\n',
      stderr: '',
    });
    expect((emu.get('v1', 'ConfigMap', 'kubeai', 'c1') as any).data).toEqual({
      a: '2',
    });
  });

  it('deletes the Model', async () => {
    await ok(['delete', '-f', SEED_MODEL, '--wait=false']);
    await emu.waitFor(() => !readModel(), 5000);
    const r = await kubectl(['get', MODEL]);
    expect(r.stderr).toContain(
      'models.kubeai.org "qwen25-05b-instruct" not found',
    );
  });
});
