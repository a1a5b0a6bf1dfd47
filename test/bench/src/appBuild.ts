/*
 * The frontend as production serves it: `backstage-cli package build` of
 * packages/app (output packages/app/dist, which the backend's app plugin
 * serves: it resolves the package named by `app.packageName`, default
 * `app`, which is packages/app). Rebuilt only when a source the build reads
 * is newer than the build, or when BENCH_REBUILD_APP=1.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './backendProcess';

export const appDir = path.join(repoRoot, 'packages/app');
const distIndex = path.join(appDir, 'dist/index.html');

/** What the build read: the app, every plugin, the root config and manifests. */
const sourceRoots = [
  'packages/app/src',
  'packages/app/public',
  'packages/app/package.json',
  'packages/app/config.d.ts',
  'plugins',
  'app-config.yaml',
  'package-lock.json',
];

function newestMtime(file: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(file)) {
    // Outputs and dependencies are not sources.
    if (['node_modules', 'dist', 'dist-types'].includes(entry)) continue;
    newest = Math.max(newest, newestMtime(path.join(file, entry)));
  }
  return newest;
}

export interface AppBuild {
  /** One line: commit, uncommitted changes, when built, production or not. */
  description: string;
  rebuilt: boolean;
  seconds?: number;
}

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
}

/**
 * Whether the files the browser gets are a production build: minified (long
 * lines) and without React's development build, whose warnings name
 * `react-dom.development`.
 */
function productionCheck(): string {
  const staticDir = path.join(appDir, 'dist/static');
  const scripts = fs.readdirSync(staticDir).filter(f => f.endsWith('.js'));
  let bytes = 0;
  let lines = 0;
  let reactDev = false;
  for (const f of scripts) {
    const text = fs.readFileSync(path.join(staticDir, f), 'utf8');
    bytes += text.length;
    lines += text.split('\n').length;
    if (text.includes('react-dom.development')) reactDev = true;
  }
  const minified = bytes / lines > 500;
  return `${scripts.length} scripts, ${
    minified ? 'minified' : 'NOT minified'
  } (${Math.round(bytes / lines)} chars per line), React ${
    reactDev ? 'DEVELOPMENT build' : 'production build'
  }`;
}

export async function ensureAppBuild(): Promise<AppBuild> {
  const newestSource = Math.max(
    ...sourceRoots.map(r => newestMtime(path.join(repoRoot, r))),
  );
  const builtAt = fs.existsSync(distIndex) ? fs.statSync(distIndex).mtimeMs : 0;
  const force = process.env.BENCH_REBUILD_APP === '1';
  let rebuilt = false;
  let seconds: number | undefined;
  if (force || builtAt < newestSource) {
    process.stdout.write(
      `building the app (backstage-cli package build in packages/app): ${
        force ? 'BENCH_REBUILD_APP=1' : builtAt ? 'sources changed' : 'no build'
      }\n`,
    );
    const t0 = Date.now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        path.join(repoRoot, 'node_modules/.bin/backstage-cli'),
        ['package', 'build'],
        { cwd: appDir, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      // The build lists every file it wrote: shown only when it fails.
      let output = '';
      const keep = (d: Buffer) => {
        output = (output + d.toString()).slice(-20_000);
      };
      child.stdout!.on('data', keep);
      child.stderr!.on('data', keep);
      child.once('exit', code =>
        code === 0
          ? resolve()
          : reject(new Error(`app build exited with ${code}:\n${output}`)),
      );
    });
    seconds = (Date.now() - t0) / 1000;
    rebuilt = true;
  }
  // The build is newer than every source it read, so it is the working
  // tree's: HEAD plus whatever is uncommitted in those sources.
  const commit = git(['rev-parse', '--short=12', 'HEAD']);
  const dirty = git([
    'status',
    '--porcelain',
    '--',
    ...sourceRoots.filter(r => r !== 'package-lock.json'),
  ])
    .split('\n')
    .filter(Boolean).length;
  const when = new Date(fs.statSync(distIndex).mtimeMs)
    .toISOString()
    .slice(0, 19);
  return {
    description: `app: backstage-cli package build of commit ${commit}${
      dirty ? ` + ${dirty} uncommitted changed files in the app/plugins` : ''
    }, built ${when}Z${
      rebuilt ? ` (now, in ${seconds} s)` : ' (reused: newer than its sources)'
    }; ${productionCheck()}`,
    rebuilt,
    seconds,
  };
}
