/*
 * The done-when of the real-clients work, against the sandbox that
 * `./portal start` runs: kubectl (validation on) applies the seed README's
 * Model and prints models and nodes as tables.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Sandbox, startSandbox } from '../sandbox/startSandbox';

const SEED_MODEL = path.resolve(
  __dirname,
  '../../../../plugins/inference-models-backend/src/__testUtils__/seed-readme-model.yaml',
);

// kubectl comes from scripts/ensure-system-packages.sh (Debian's kubernetes-client).
describe('sandbox Kubernetes API with kubectl', () => {
  let sandbox: Sandbox;
  let dir: string;

  const kubectl = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>(resolve => {
      const child = spawn('kubectl', args, {
        env: {
          PATH: process.env.PATH,
          HOME: dir,
          KUBECONFIG: path.join(dir, 'kubeconfig'),
          KUBECACHEDIR: path.join(dir, 'cache'),
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', d => (stdout += d));
      child.stderr.on('data', d => (stderr += d));
      child.on('close', code => resolve({ code: code ?? -1, stdout, stderr }));
    });

  beforeAll(async () => {
    sandbox = await startSandbox({ modelReadyDelayMs: 0 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubectl-sandbox-'));
    fs.writeFileSync(
      path.join(dir, 'kubeconfig'),
      sandbox.kubernetes.kubectlConfigYaml('kubeai'),
    );
  });
  afterAll(async () => {
    await sandbox?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('applies the seed README Model with validation on and prints models,nodes like a real API server', async () => {
    const applied = await kubectl([
      'apply',
      '--validate=strict',
      '-f',
      SEED_MODEL,
    ]);
    // The sandbox seeded the Model without kubectl's last-applied annotation:
    // kubectl warns and patches it in, as against a real cluster.
    expect(applied.stderr).not.toMatch(/error/i);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(
      /^model\.kubeai\.org\/qwen25-05b-instruct (configured|unchanged|created)\n$/,
    );
    const got = await kubectl(['get', 'models,nodes']);
    expect(got.code).toBe(0);
    const blocks = got.stdout.trim().split('\n\n');
    expect(blocks[0].split('\n')[0]).toMatch(/^NAME\s+AGE$/);
    expect(blocks[0]).toMatch(
      /^model\.kubeai\.org\/qwen25-05b-instruct\s+\S+$/m,
    );
    expect(blocks[1].split('\n')[0]).toMatch(
      /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/,
    );
    expect(blocks[1].split('\n').length).toBeGreaterThan(1);
  });
});
