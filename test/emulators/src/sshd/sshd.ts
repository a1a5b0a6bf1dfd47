/*
 * A real OpenSSH server for tests (the servers of the K3s install and of the
 * SSH facts): /usr/sbin/sshd on a free loopback port,
 * with a throwaway host key and the test's client key in authorized_keys, as
 * the current user. Each instance gets its own "node root" (PATH and
 * NODE_ROOT are set for its sessions), so one machine plays several nodes.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const SSHD = '/usr/sbin/sshd';

export function sshdAvailable(): boolean {
  return fs.existsSync(SSHD) && fs.existsSync('/usr/bin/ssh-keygen');
}

/** Generates an ed25519 key pair; returns the private key path. */
export function generateKey(file: string): string {
  execFileSync('/usr/bin/ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'test',
    '-f',
    file,
  ]);
  return file;
}

/** `SHA256:...` fingerprint of a public key file, as ssh-keygen prints it. */
export function fingerprint(publicKeyFile: string): string {
  const out = execFileSync('/usr/bin/ssh-keygen', ['-l', '-f', publicKeyFile])
    .toString()
    .split(' ');
  return out[1];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface TestSshd {
  port: number;
  hostKeySha256: string;
  /** The node's own directory: `bin/` is first on PATH of its sessions. */
  nodeRoot: string;
  user: string;
  close(): Promise<void>;
}

/**
 * Starts `sshd -D -e -f <config>`. `authorizedKey` is the client's public key
 * file. Resolves once sshd listens.
 */
export async function startSshd(options: {
  dir: string;
  name: string;
  authorizedKey: string;
}): Promise<TestSshd> {
  const dir = path.join(options.dir, options.name);
  const nodeRoot = path.join(dir, 'root');
  fs.mkdirSync(path.join(nodeRoot, 'bin'), { recursive: true });
  const hostKey = generateKey(path.join(dir, 'host_key'));
  const port = await freePort();
  const user = os.userInfo().username;
  if (process.getuid?.() === 0 && !fs.existsSync('/run/sshd')) {
    // sshd's privilege separation directory, missing on fresh containers
    fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  }
  const config = path.join(dir, 'sshd_config');
  fs.writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${options.authorizedKey}`,
      `AllowUsers ${user}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'StrictModes no',
      'UsePAM no',
      'PidFile none',
      'Subsystem sftp internal-sftp',
      `SetEnv PATH=${nodeRoot}/bin:/usr/bin:/bin NODE_ROOT=${nodeRoot}`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Server listening')) resolve();
    });
    child.once('exit', code =>
      reject(new Error(`sshd exited with ${code}: ${log}`)),
    );
  });
  return {
    port,
    hostKeySha256: fingerprint(`${hostKey}.pub`),
    nodeRoot,
    user,
    close: () =>
      new Promise<void>(resolve => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
