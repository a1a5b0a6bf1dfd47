import { createMockDirectory } from '@backstage/backend-test-utils';
import net from 'node:net';
import {
  generateKey,
  sshdAvailable,
  startSshLab,
  type SshLab,
} from '@internal/test-emulators';
import fs from 'node:fs';
import { Ssh2Connector, type SshTarget } from './SshConnector';

// Skipped only outside the README's test command (which sets CI and
// installs openssh-server): there a missing sshd must fail, not skip.
const describeSshd =
  sshdAvailable() || process.env.CI ? describe : describe.skip;

describe('Ssh2Connector', () => {
  const keyDir = createMockDirectory();

  it('gives up on a server that accepts TCP but never speaks SSH, naming location, system and server', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer(s => sockets.push(s));
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as net.AddressInfo;
    try {
      const error = await new Ssh2Connector()
        .connect({
          location: 'lab',
          server: 'hang',
          host: '127.0.0.1',
          port,
          username: 'root',
          privateKey: fs.readFileSync(
            generateKey(keyDir.resolve('key')),
            'utf8',
          ),
          hostKeySha256: `SHA256:${'A'.repeat(43)}`,
          connectTimeoutMs: 300,
        })
        .catch(e => e);
      expect(error).toMatchObject({
        name: 'ExternalSystemError',
        location: 'lab',
        system: 'ssh',
        timedOut: true,
      });
      expect(error.message).toMatch(
        new RegExp(
          `^location lab: ssh: hang \\(127\\.0\\.0\\.1:${port}\\): connect failed: handshake timed out`,
        ),
      );
    } finally {
      sockets.forEach(s => s.destroy());
      server.close();
    }
  });
});

describeSshd('Ssh2Connector against sshd', () => {
  const mockDir = createMockDirectory();
  let lab: SshLab;
  let target: SshTarget;
  beforeAll(async () => {
    lab = await startSshLab(mockDir.path, ['n1']);
    const node = lab.nodes.n1;
    target = {
      location: 'lab',
      server: 'n1',
      host: '127.0.0.1',
      port: node.port,
      username: node.user,
      privateKey: lab.clientKey,
      hostKeySha256: node.hostKeySha256,
      connectTimeoutMs: 10_000,
    };
  });
  afterAll(() => lab?.close());

  it('streams output lines and passes stdin', async () => {
    const session = await new Ssh2Connector().connect(target);
    const lines: string[] = [];
    try {
      const result = await session.exec(
        'read -r x; echo "got $x"; echo err >&2; printf tail',
        {
          stdin: 'hello\n',
          timeoutMs: 10_000,
          operation: 'echo',
          onLine: (line, stream) => lines.push(`${stream}:${line}`),
        },
      );
      expect(result).toEqual({
        code: 0,
        stdout: 'got hello\ntail',
        stderr: 'err\n',
      });
      expect(lines.sort()).toEqual([
        'stderr:err',
        'stdout:got hello',
        'stdout:tail',
      ]);
    } finally {
      session.close();
    }
  });

  it('stops a command that runs past its timeout', async () => {
    const session = await new Ssh2Connector().connect(target);
    await expect(
      session.exec('sleep 30', { timeoutMs: 300, operation: 'sleep' }),
    ).rejects.toThrow(
      /^location lab: ssh: n1 \(127\.0\.0\.1:\d+\): sleep timed out after 0\.3s$/,
    );
  });

  it('refuses a key the server does not accept, without echoing it', async () => {
    const other = mockDir.resolve('other_key');
    generateKey(other);
    const key = fs.readFileSync(other, 'utf8');
    const error = await new Ssh2Connector()
      .connect({ ...target, privateKey: key })
      .catch(e => e);
    expect(error.message).toMatch(
      /^location lab: ssh: n1 \(127\.0\.0\.1:\d+\): connect failed: authentication failed/,
    );
    expect(error.message).not.toContain('PRIVATE KEY');
  });
});
