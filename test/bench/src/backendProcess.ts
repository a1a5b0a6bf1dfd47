/*
 * A backend in a process of its own, shaped as production runs it:
 * - compiled JavaScript: esbuild bundles the entry with the workspace
 *   sources it imports and leaves every package from node_modules external
 *   (like the output of `backstage-cli package build`);
 * - precompiled config schemas: `backstage-cli` packs a workspace package's
 *   `config.d.ts` as JSON (productionPack), so a production backend never
 *   loads the TypeScript compiler. Started from the repo, the root logger's
 *   secret enumerator would compile every workspace `config.d.ts` with
 *   TypeScript at startup (about 200 MB of extra heap). The backend runs in
 *   a directory whose package lists the published packages and one package
 *   per workspace schema, compiled to JSON first.
 * Its memory is read from /proc.
 */
import { loadConfigSchema } from '@backstage/config-loader';
import { build } from 'esbuild';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// eslint-disable-next-line no-restricted-syntax -- bench sources, never bundled themselves
export const repoRoot = path.resolve(__dirname, '../../..');

/** Bundles `entry` (a .ts file) to `test/bench/dist/<name>.cjs`. */
export async function bundle(entry: string, name: string): Promise<string> {
  const outfile = path.join(repoRoot, 'test/bench/dist', `${name}.cjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    logLevel: 'error',
    plugins: [
      {
        name: 'node-modules-external',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, args =>
            args.path.startsWith('@internal/')
              ? undefined
              : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  return outfile;
}

/**
 * A directory outside the repo (the secret enumerator looks for the
 * monorepo root above its working directory) holding a package whose
 * dependencies are the backend's published packages (`node_modules/@backstage`
 * links to the repo's) plus, for each workspace package with a
 * `config.d.ts`, a package carrying that schema compiled to JSON inline.
 */
export async function productionWorkingDir(
  options: {
    /** Directory name under the temp dir, one per benchmark that may run beside another. */
    name?: string;
  } = {},
): Promise<string> {
  const dir = path.join(os.tmpdir(), options.name ?? 'portal-bench-backend');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.symlinkSync(
    path.join(repoRoot, 'node_modules/@backstage'),
    path.join(dir, 'node_modules/@backstage'),
  );
  // Each package's dependencies are walked too (loadConfigSchema): the
  // module packages' schemas come with the backends'.
  const workspaceSchemas = [
    'packages/backend',
    'packages/backend-billing',
    'plugins/inference-node',
    'plugins/inference-models-backend',
    'plugins/inference-billing-backend',
    'plugins/bare-metal-backend',
  ].map(p => path.join(repoRoot, p, 'package.json'));
  const schema = await loadConfigSchema({
    dependencies: [],
    packagePaths: workspaceSchemas,
  });
  const { schemas } = schema.serialize() as unknown as {
    schemas: Array<{ packageName: string; value: object }>;
  };
  const dependencies: Record<string, string> = {};
  // Only the workspace packages' own schemas: published dependencies ship
  // theirs as JSON already and are found through `dependencies` below.
  const own = schemas.filter(
    s =>
      s.packageName === 'backend' ||
      s.packageName === 'backend-billing' ||
      s.packageName.startsWith('@internal/'),
  );
  for (const [i, s] of own.entries()) {
    const name = `@bench-config-schema/schema-${i}`;
    const pkgDir = path.join(dir, 'node_modules', name);
    fs.mkdirSync(pkgDir, { recursive: true });
    fs.writeFileSync(
      path.join(pkgDir, 'package.json'),
      JSON.stringify({
        name,
        version: '0.0.0',
        description: `config schema of ${s.packageName}`,
        configSchema: s.value,
      }),
    );
    dependencies[name] = '0.0.0';
  }
  for (const backendPackage of ['backend', 'backend-billing']) {
    const backendPkg = JSON.parse(
      fs.readFileSync(
        path.join(repoRoot, 'packages', backendPackage, 'package.json'),
        'utf8',
      ),
    );
    for (const name of Object.keys(backendPkg.dependencies)) {
      if (name.startsWith('@backstage/')) dependencies[name] = '*';
    }
  }
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'bench-backend', private: true, dependencies }),
  );
  return dir;
}

/** Resident set now and its peak (VmHWM) of a process, in bytes. */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

/** CPU time (user + system) a process has used so far, in seconds (Linux `/proc`). */
export function cpuSecondsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The fields after the command name, which is in parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds used so far by every running process whose command is `name`. */
export function cpuSecondsOfCommand(name: string): number {
  let total = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) {
        total += cpuSecondsOf(Number(entry));
      }
    } catch {
      // The process exited meanwhile.
    }
  }
  return total;
}

/** SIGTERM, then SIGKILL after 10 s; resolves once the process has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise(resolve => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

export interface BackendProcess {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts `node <bundle> --config ...` from the repo root and waits until
 * the backend's readiness endpoint answers 200.
 */
export async function startBackendProcess(options: {
  bundlePath: string;
  configFiles: string[];
  /** Working directory (default: packages/backend, as `yarn start` runs it). */
  cwd?: string;
  port: number;
  timeoutMs?: number;
  /** Environment on top of this process's. */
  env?: Record<string, string>;
}): Promise<BackendProcess> {
  const child = spawn(
    process.execPath,
    [options.bundlePath, ...options.configFiles.flatMap(f => ['--config', f])],
    {
      cwd: options.cwd ?? path.join(repoRoot, 'packages/backend'),
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`backend exited ${child.exitCode}:\n${output}`);
    }
    const ready = await fetch(`${url}/.backstage/health/v1/readiness`).then(
      r => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`backend not ready in time:\n${output}`);
    }
    await new Promise(r => setTimeout(r, 500));
  }
  return {
    child,
    url,
    stop: () => stopChild(child),
  };
}
