/*
 * baremetal:k3s:install against real sshd instances (one per node) whose
 * install script is a stand-in recording its arguments and environment.
 */
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonObject } from '@backstage/types';
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { validate, type Schema } from 'jsonschema';
import { recordTestFigures } from '@internal/test-emulators';
import {
  allowAll,
  labLocations,
  recordedCalls,
  STANDIN_DEFAULT_VERSION,
  STANDIN_INSTALL_SCRIPT,
  STANDIN_TOKEN,
  startK3sLab,
  wipeNode,
  type K3sLab,
} from '../__testUtils__/k3sNodes';
import { sshdAvailable } from '@internal/test-emulators';
import { installCommand } from '../k3s/commands';
import type { K3sSettings } from '../k3s/settings';
import { Ssh2Connector } from '@internal/backstage-plugin-inference-node';
import { createK3sInstallAction } from './k3sInstall';

jest.setTimeout(60_000);

// Skipped only outside the README's test command (which sets CI and
// installs openssh-server): there a missing sshd must fail, not skip.
const describeSshd =
  sshdAvailable() || process.env.CI ? describe : describe.skip;

type Action = ReturnType<typeof createK3sInstallAction>;
type Context = Parameters<Action['handler']>[0];

describeSshd('baremetal:k3s:install over SSH', () => {
  const mockDir = createMockDirectory();
  let lab: K3sLab;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = path.join(mockDir.path, 'data');
    lab = await startK3sLab(mockDir.path, ['node1', 'node2', 'node3']);
  });
  afterAll(() => lab?.close());
  beforeEach(() => {
    Object.values(lab.nodes).forEach(wipeNode);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function setup(
    options: {
      settings?: Partial<K3sSettings>;
      keyInConfig?: boolean;
      hostKeys?: Record<string, string>;
      kubeVip?: string | null;
    } = {},
  ) {
    const locations = labLocations(lab, {
      roles: { node1: ['server', 'gpu'], node2: ['server'], node3: ['agent'] },
      kubeVip:
        options.kubeVip === null ? undefined : options.kubeVip ?? '10.0.0.252',
      privateKey: options.keyInConfig ? lab.clientKey : undefined,
      hostKeys: options.hostKeys,
    });
    const action = createK3sInstallAction({
      locations,
      permissions: allowAll(),
      connector: new Ssh2Connector(),
      settings: {
        installScriptUrl: `file://${lab.scriptPath}`,
        dataDir,
        commandTimeoutMs: 30_000,
        ...options.settings,
      },
    });
    return action;
  }

  function context(
    input: Record<string, unknown>,
    secrets: boolean | string = true,
  ) {
    const logger = mockServices.logger.mock();
    const key = typeof secrets === 'string' ? secrets : lab.clientKey;
    const ctx = {
      ...createMockActionContext({
        input: input as JsonObject,
        logger,
        secrets: secrets ? { sshPrivateKey: key } : undefined,
      }),
      isDryRun: false,
      getInitiatorCredentials: async () => mockCredentials.user(),
    } as unknown as Context;
    const logged = () =>
      [...logger.info.mock.calls, ...logger.warn.mock.calls]
        .map(c => String(c[0]))
        .join('\n');
    return { ctx, logger, logged };
  }

  const outputs = (ctx: Context) =>
    Object.fromEntries((ctx.output as jest.Mock).mock.calls);

  it('installs the first server, then a second server and an agent joining it', async () => {
    const action = setup();

    const first = context({
      location: 'lab',
      server: 'node1',
      role: 'first-server',
      version: 'v1.33.5+k3s1',
    });
    await action.handler(first.ctx);
    expect(outputs(first.ctx)).toEqual({
      role: 'first-server',
      version: 'v1.33.5+k3s1',
      changed: true,
    });
    expect(recordedCalls(lab.nodes.node1)).toEqual([
      {
        script: expect.stringMatching(/^\/tmp\/tmp\./),
        args: [
          'server',
          '--cluster-init',
          '--tls-san',
          '10.0.0.252',
          '--node-name',
          'node1',
          '--data-dir',
          dataDir,
        ],
        env: { INSTALL_K3S_VERSION: 'v1.33.5+k3s1' },
      },
    ]);

    const second = context({
      location: 'lab',
      server: 'node2',
      role: 'server',
      version: 'v1.33.5+k3s1',
    });
    await action.handler(second.ctx);
    expect(outputs(second.ctx)).toEqual({
      role: 'server',
      version: 'v1.33.5+k3s1',
      changed: true,
    });
    expect(recordedCalls(lab.nodes.node2)).toEqual([
      {
        script: expect.any(String),
        args: [
          'server',
          '--tls-san',
          '10.0.0.252',
          '--node-name',
          'node2',
          '--data-dir',
          dataDir,
        ],
        env: {
          INSTALL_K3S_VERSION: 'v1.33.5+k3s1',
          K3S_TOKEN: STANDIN_TOKEN,
          K3S_URL: 'https://10.0.0.252:6443',
        },
      },
    ]);

    const agent = context({
      location: 'lab',
      server: 'node3',
      role: 'agent',
      firstServer: 'node1',
      channel: 'v1.33',
    });
    await action.handler(agent.ctx);
    expect(recordedCalls(lab.nodes.node3)).toEqual([
      {
        script: expect.any(String),
        args: ['agent', '--node-name', 'node3', '--data-dir', dataDir],
        env: {
          INSTALL_K3S_CHANNEL: 'v1.33',
          K3S_TOKEN: STANDIN_TOKEN,
          K3S_URL: 'https://10.0.0.252:6443',
        },
      },
    ]);
    expect(outputs(agent.ctx)).toEqual({
      role: 'agent',
      version: STANDIN_DEFAULT_VERSION,
      changed: true,
    });

    // the remote output is streamed, with the token redacted
    for (const run of [first, second, agent]) {
      expect(run.logged()).toContain('[INFO] stand-in install');
      expect(run.logged()).not.toContain('s3cr3t-join-password');
      expect(JSON.stringify(run.logger.info.mock.calls)).not.toContain(
        'PRIVATE KEY',
      );
    }
    expect(second.logged()).toContain('token=***');
    expect(agent.logger.warn).toHaveBeenCalledWith('[node3] [WARN] to stderr');
  });

  it('joins the first server address when no kube-vip is configured', async () => {
    const action = setup({ kubeVip: null, keyInConfig: true });
    await action.handler(
      context({ location: 'lab', server: 'node1', role: 'first-server' }, false)
        .ctx,
    );
    expect(recordedCalls(lab.nodes.node1)[0]).toMatchObject({
      args: [
        'server',
        '--cluster-init',
        '--node-name',
        'node1',
        '--data-dir',
        dataDir,
      ],
      env: { INSTALL_K3S_CHANNEL: 'stable' },
    });
    await action.handler(
      context({ location: 'lab', server: 'node3', role: 'agent' }, false).ctx,
    );
    expect(recordedCalls(lab.nodes.node3)[0].env.K3S_URL).toBe(
      'https://127.0.0.1:6443',
    );
  });

  it('is a no-op reporting the installed version on a second run', async () => {
    const action = setup();
    const input = {
      location: 'lab',
      server: 'node1',
      role: 'first-server',
      version: 'v1.32.9+k3s1',
    };
    await action.handler(context(input).ctx);
    const again = context({ ...input, version: 'v1.33.5+k3s1' });
    await action.handler(again.ctx);
    expect(outputs(again.ctx)).toEqual({
      role: 'first-server',
      version: 'v1.32.9+k3s1',
      changed: false,
    });
    expect(recordedCalls(lab.nodes.node1)).toHaveLength(1);
    expect(again.logged()).toContain(
      'K3s v1.32.9+k3s1 is already installed on node1 in lab: nothing to do',
    );
  });

  it('uploads the binary and install script in air-gapped mode', async () => {
    const artifacts = path.join(mockDir.path, 'artifacts');
    fs.mkdirSync(artifacts, { recursive: true });
    const binaryPath = path.join(artifacts, 'k3s');
    const binary = '#!/bin/sh\necho "k3s version v1.31.2+k3s1 (airgap)"\n';
    fs.writeFileSync(binaryPath, binary, { mode: 0o600 });
    const installScriptPath = path.join(artifacts, 'install.sh');
    fs.copyFileSync(lab.scriptPath, installScriptPath);
    fs.chmodSync(installScriptPath, 0o600);
    const binDir = path.join(lab.nodes.node1.nodeRoot, 'bin');

    const action = setup({
      settings: { airGap: { binaryPath, installScriptPath }, binDir },
    });
    const run = context({
      location: 'lab',
      server: 'node1',
      role: 'first-server',
      version: 'v1.31.2+k3s1',
      airGapped: true,
    });
    await action.handler(run.ctx);

    const remoteBinary = path.join(binDir, 'k3s');
    const remoteScript = path.join(binDir, 'k3s-install.sh');
    expect(fs.readFileSync(remoteBinary, 'utf8')).toBe(binary);
    expect(fs.statSync(remoteBinary).mode & 0o777).toBe(0o755);
    expect(fs.readFileSync(remoteScript, 'utf8')).toBe(
      fs.readFileSync(lab.scriptPath, 'utf8'),
    );
    expect(fs.statSync(remoteScript).mode & 0o777).toBe(0o755);
    expect(recordedCalls(lab.nodes.node1)).toEqual([
      {
        script: remoteScript,
        args: [
          'server',
          '--cluster-init',
          '--tls-san',
          '10.0.0.252',
          '--node-name',
          'node1',
          '--data-dir',
          dataDir,
        ],
        env: {
          INSTALL_K3S_BIN_DIR: binDir,
          INSTALL_K3S_SKIP_DOWNLOAD: 'true',
          INSTALL_K3S_VERSION: 'v1.31.2+k3s1',
        },
      },
    ]);
    expect(outputs(run.ctx)).toEqual({
      role: 'first-server',
      version: 'v1.31.2+k3s1',
      changed: true,
    });
    // the staging directory is gone
    expect(
      fs.readdirSync('/tmp').filter(f => f.startsWith('backstage-k3s-')),
    ).toEqual([]);
  });

  it('refuses a server whose host key differs from the pinned one', async () => {
    const action = setup({
      hostKeys: { node1: `SHA256:${'A'.repeat(43)}` },
    });
    await expect(
      action.handler(
        context({ location: 'lab', server: 'node1', role: 'first-server' }).ctx,
      ),
    ).rejects.toThrow(
      /^location lab: ssh: node1 \(127\.0\.0\.1:\d+\): host key SHA256:\S+ does not match the pinned SHA256:A{43}: connection refused$/,
    );
    expect(recordedCalls(lab.nodes.node1)).toEqual([]);
  });

  it('needs a key from config or the sshPrivateKey secret', async () => {
    const action = setup();
    await expect(
      action.handler(
        context(
          { location: 'lab', server: 'node1', role: 'first-server' },
          false,
        ).ctx,
      ),
    ).rejects.toThrow(/no SSH private key/);
  });

  it('accepts a key pasted into a single-line secret field (newlines lost)', async () => {
    const action = setup();
    const squashed = lab.clientKey.replace(/\n/g, '');
    const run = context(
      { location: 'lab', server: 'node1', role: 'first-server' },
      squashed,
    );
    await action.handler(run.ctx);
    expect(outputs(run.ctx)).toMatchObject({ changed: true });
  });

  it('fails naming the location and server when the join token is missing', async () => {
    const action = setup();
    const run = context({ location: 'lab', server: 'node3', role: 'agent' });
    await expect(action.handler(run.ctx)).rejects.toThrow(
      /^location lab: ssh: node1 \(127\.0\.0\.1:\d+\): could not read the K3s join token/,
    );
    expect(recordedCalls(lab.nodes.node3)).toEqual([]);
  });

  it('changes nothing in a dry run', async () => {
    const action = setup();
    const run = context({
      location: 'lab',
      server: 'node1',
      role: 'first-server',
    });
    (run.ctx as any).isDryRun = true;
    await action.handler(run.ctx);
    expect(outputs(run.ctx)).toEqual({ role: 'first-server', changed: false });
    expect(recordedCalls(lab.nodes.node1)).toEqual([]);
  });

  describe('shell metacharacters in every string input', () => {
    const marker = () => path.join(mockDir.path, 'pwned');
    const payloads = () => [
      `; touch ${marker()}`,
      `$(touch ${marker()})`,
      `\`touch ${marker()}\``,
      `| touch ${marker()}`,
      `&& touch ${marker()}`,
      `\ntouch ${marker()}\n`,
      `' ; touch ${marker()} ; '`,
      `" ; touch ${marker()} ; "`,
    ];
    const valid = {
      location: 'lab',
      server: 'node1',
      role: 'first-server',
      firstServer: 'node2',
      version: 'v1.33.5+k3s1',
    };
    const fields = [
      'location',
      'server',
      'role',
      'firstServer',
      'version',
      'channel',
    ];

    it('are rejected by the input schema, and never executed even when the schema is bypassed', async () => {
      const action = setup();
      const schema = action.schema!.input as Schema;
      let rejected = 0;
      for (const field of fields) {
        for (const payload of payloads()) {
          Object.values(lab.nodes).forEach(wipeNode);
          const input: Record<string, unknown> = { ...valid, [field]: payload };
          if (field === 'channel') delete input.version;
          const { errors } = validate(input, schema);
          expect(errors.map(e => e.path.join('.'))).toEqual([field]);
          // A caller that skips validation: the action rejects it before
          // connecting anywhere; nothing runs, the marker is never created.
          await expect(action.handler(context(input).ctx)).rejects.toThrow(
            new RegExp(`^${field}: `),
          );
          rejected++;
          expect(fs.existsSync(marker())).toBe(false);
          expect(
            Object.values(lab.nodes).flatMap(n => recordedCalls(n)),
          ).toEqual([]);
        }
      }
      recordTestFigures(
        `k3s injection: ${
          fields.length * payloads().length
        } inputs rejected by the schema; bypassing it, ${rejected} rejected by the action naming the field, 0 executed`,
      );
      expect(rejected).toBe(fields.length * payloads().length);
    });
  });
});

describe('installCommand', () => {
  const plan = {
    role: 'agent' as const,
    nodeName: 'node3',
    version: 'v1.33.5+k3s1',
    tlsSans: [],
    serverUrl: 'https://10.0.0.252:6443',
    scriptUrl: 'https://get.k3s.io',
    sudo: true,
  };

  it('runs as root through sudo -n when the SSH user is not root', () => {
    expect(installCommand(plan)).toMatch(/^sudo -n sh -c /);
    expect(installCommand({ ...plan, sudo: false })).toMatch(/^sh -c /);
  });

  it('passes metacharacters literally: the quoted command runs nothing else', () => {
    const dir = createMockDirectory();
    const nodeRoot = dir.resolve('root');
    fs.mkdirSync(path.join(nodeRoot, 'bin'), { recursive: true });
    const script = dir.resolve('install.sh');
    fs.writeFileSync(script, STANDIN_INSTALL_SCRIPT, { mode: 0o755 });
    const marker = dir.resolve('pwned');
    const payloads = [
      `; touch ${marker}`,
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `| touch ${marker}`,
      `&& touch ${marker}`,
      `x\ntouch ${marker}`,
      `' ; touch ${marker} ; '`,
      `" ; touch ${marker} ; "`,
    ];
    payloads.forEach((payload, n) => {
      execSync(
        installCommand({
          ...plan,
          role: 'first-server',
          version: payload,
          nodeName: payload,
          tlsSans: [payload],
          dataDir: dir.resolve('data'),
          scriptUrl: `file://${script}`,
          sudo: false,
        }),
        {
          shell: '/bin/sh',
          stdio: 'pipe',
          env: { ...process.env, NODE_ROOT: nodeRoot },
        },
      );
      const args = fs
        .readFileSync(path.join(nodeRoot, 'calls', String(n), 'args'), 'utf8')
        .split('\0');
      expect(args.slice(0, 7)).toEqual([
        'server',
        '--cluster-init',
        '--tls-san',
        payload,
        '--node-name',
        payload,
        '--data-dir',
      ]);
      expect(
        fs.readFileSync(
          path.join(nodeRoot, 'calls', String(n), 'env', 'INSTALL_K3S_VERSION'),
          'utf8',
        ),
      ).toBe(`${payload}\n`);
      expect(fs.existsSync(marker)).toBe(false);
    });
  });

  it('reads the token from stdin, never from the command line', () => {
    const command = installCommand(plan);
    expect(command).toContain('read -r K3S_TOKEN');
    expect(command).not.toMatch(/K3S_TOKEN=/);
  });
});
