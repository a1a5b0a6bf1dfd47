import { ExternalSystemError } from '../errors';
import { createHash } from 'node:crypto';
import { Client, type ConnectConfig, type SFTPWrapper } from 'ssh2';

/** Where and how to reach one server over SSH. */
export interface SshTarget {
  location: string;
  /** Server name, for messages. */
  server: string;
  host: string;
  port: number;
  username: string;
  privateKey: string;
  passphrase?: string;
  /** Pinned host key, `SHA256:<base64>`; the connection is refused when it differs. */
  hostKeySha256: string;
  connectTimeoutMs: number;
}

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Written to the command's stdin, then stdin is closed. Never logged. */
  stdin?: string;
  /** Each complete output line as it arrives. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  timeoutMs: number;
  /** What is being done, for error messages. */
  operation: string;
}

/** One SSH connection to a server. */
export interface SshSession {
  exec(command: string, options: ExecOptions): Promise<ExecResult>;
  /** Uploads a local file over SFTP and sets its mode. */
  upload(localPath: string, remotePath: string, mode: number): Promise<void>;
  mkdir(remotePath: string, mode: number): Promise<void>;
  close(): void;
}

export interface SshConnector {
  connect(target: SshTarget): Promise<SshSession>;
}

/** `ssh-keygen -lf` style fingerprint of a raw host key. */
export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256')
    .update(key)
    .digest('base64')
    .replace(/=+$/, '')}`;
}

function describe(target: SshTarget) {
  return `${target.server} (${target.host}:${target.port})`;
}

/** An ExternalSystemError naming location, system and server. */
export function sshError(
  target: SshTarget,
  message: string,
  extra: { cause?: unknown; timedOut?: boolean } = {},
): ExternalSystemError {
  return new ExternalSystemError({
    location: target.location,
    system: 'ssh',
    message: `${describe(target)}: ${message}`,
    ...extra,
  });
}

/** A short reason from an ssh2 error, never echoing key material. */
function reason(error: unknown): string {
  const e = error as { level?: string; code?: string; message?: string };
  if (e?.level === 'client-authentication') {
    return 'authentication failed (key not accepted)';
  }
  if (e?.level === 'client-timeout') return 'handshake timed out';
  if (typeof e?.message === 'string' && /privateKey/i.test(e.message)) {
    return 'the private key cannot be parsed';
  }
  return (e?.code ?? e?.message ?? String(error)).split('\n')[0].slice(0, 200);
}

class Ssh2Session implements SshSession {
  private sftpPromise?: Promise<SFTPWrapper>;

  constructor(
    private readonly client: Client,
    private readonly target: SshTarget,
  ) {}

  exec(command: string, options: ExecOptions): Promise<ExecResult> {
    const { target } = this;
    return new Promise<ExecResult>((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined = undefined;
      const finish = (fn: () => void) => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          fn();
        }
      };
      timer = setTimeout(() => {
        finish(() => {
          // closing the connection kills the remote session
          this.client.end();
          reject(
            sshError(
              target,
              `${options.operation} timed out after ${
                options.timeoutMs / 1000
              }s`,
              { timedOut: true },
            ),
          );
        });
      }, options.timeoutMs);
      this.client.exec(command, (err, channel) => {
        if (err) {
          finish(() =>
            reject(
              sshError(target, `${options.operation} failed: ${reason(err)}`, {
                cause: err,
              }),
            ),
          );
          return;
        }
        const out = { stdout: '', stderr: '' };
        const partial = { stdout: '', stderr: '' };
        const onData =
          (stream: 'stdout' | 'stderr') => (chunk: Buffer | string) => {
            const text = chunk.toString();
            out[stream] += text;
            if (options.onLine) {
              const lines = (partial[stream] + text).split('\n');
              partial[stream] = lines.pop() ?? '';
              for (const line of lines) options.onLine(line, stream);
            }
          };
        channel.on('data', onData('stdout'));
        channel.stderr.on('data', onData('stderr'));
        channel.on('close', (code: number | null) => {
          finish(() => {
            for (const stream of ['stdout', 'stderr'] as const) {
              if (partial[stream] && options.onLine) {
                options.onLine(partial[stream], stream);
              }
            }
            resolve({ code: code ?? null, ...out });
          });
        });
        if (options.stdin !== undefined) channel.write(options.stdin);
        channel.end();
      });
    });
  }

  private sftp(): Promise<SFTPWrapper> {
    if (!this.sftpPromise) {
      this.sftpPromise = new Promise((resolve, reject) =>
        this.client.sftp((err, sftp) =>
          err
            ? reject(
                sshError(this.target, `SFTP failed: ${reason(err)}`, {
                  cause: err,
                }),
              )
            : resolve(sftp),
        ),
      );
    }
    return this.sftpPromise;
  }

  async mkdir(remotePath: string, mode: number): Promise<void> {
    const sftp = await this.sftp();
    await new Promise<void>((resolve, reject) =>
      sftp.mkdir(remotePath, { mode }, err =>
        err
          ? reject(
              sshError(
                this.target,
                `SFTP mkdir ${remotePath} failed: ${reason(err)}`,
              ),
            )
          : resolve(),
      ),
    );
  }

  async upload(
    localPath: string,
    remotePath: string,
    mode: number,
  ): Promise<void> {
    const sftp = await this.sftp();
    await new Promise<void>((resolve, reject) =>
      sftp.fastPut(localPath, remotePath, { mode }, err =>
        err
          ? reject(
              sshError(
                this.target,
                `SFTP upload to ${remotePath} failed: ${reason(err)}`,
              ),
            )
          : resolve(),
      ),
    );
    // fastPut's mode is subject to the remote umask: set it exactly
    await new Promise<void>((resolve, reject) =>
      sftp.chmod(remotePath, mode, err =>
        err
          ? reject(
              sshError(
                this.target,
                `SFTP chmod ${remotePath} failed: ${reason(err)}`,
              ),
            )
          : resolve(),
      ),
    );
  }

  close() {
    this.client.end();
  }
}

/** Connects with `ssh2`, pinning the host key to the configured fingerprint. */
export class Ssh2Connector implements SshConnector {
  connect(target: SshTarget): Promise<SshSession> {
    return new Promise((resolve, reject) => {
      const client = new Client();
      let presented: string | undefined;
      let done = false;
      const fail = (message: string, cause?: unknown, timedOut = false) => {
        if (done) return;
        done = true;
        client.end();
        reject(sshError(target, message, { cause, timedOut }));
      };
      client.on('ready', () => {
        if (done) return;
        done = true;
        resolve(new Ssh2Session(client, target));
      });
      client.on('error', err => {
        if (presented && presented !== target.hostKeySha256) {
          fail(
            `host key ${presented} does not match the pinned ${target.hostKeySha256}: connection refused`,
          );
          return;
        }
        const timedOut = (err as { level?: string }).level === 'client-timeout';
        fail(`connect failed: ${reason(err)}`, err, timedOut);
      });
      client.on('close', () => fail('connection closed during the handshake'));
      const config: ConnectConfig = {
        host: target.host,
        port: target.port,
        username: target.username,
        privateKey: target.privateKey,
        passphrase: target.passphrase,
        readyTimeout: target.connectTimeoutMs,
        keepaliveInterval: 15_000,
        hostVerifier: (key: Buffer) => {
          presented = hostKeyFingerprint(key);
          return presented === target.hostKeySha256;
        },
      };
      try {
        client.connect(config);
      } catch (e) {
        fail(`connect failed: ${reason(e)}`, e);
      }
    });
  }
}
