/*
 * A test backend script (one of ./*.ts) in a child process, as production
 * runs it: real module loading (no jest loader), its own environment.
 * Resolves once it prints `PORT <port>`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export async function spawnBackend(options: {
  script: string;
  env: Record<string, string>;
  args?: string[];
}): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(__dirname, options.script),
      ...(options.args ?? []),
    ],
    {
      // eslint-disable-next-line no-restricted-syntax -- the repo's root
      cwd: path.resolve(__dirname, '../../../..'),
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', d => {
    stderr += d;
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', d => {
      out += d;
      const match = /PORT (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', code =>
      reject(new Error(`backend exited ${code}: ${stderr.slice(-2000)}`)),
    );
  });
  return { child, url: `http://127.0.0.1:${port}`, stderr: () => stderr };
}
