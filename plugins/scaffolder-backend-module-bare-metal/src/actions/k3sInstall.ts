import type {
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  authorize,
  sshError,
  sshTargetFor,
  type SshConnector,
  type SshSession,
  type SshTarget,
} from '@internal/backstage-plugin-inference-node';
import { bareMetalNodeProvisionPermission } from '@internal/backstage-plugin-bare-metal-common';
import type {
  InferenceLocation,
  InferenceLocationsService,
  LocationServer,
} from '@internal/backstage-plugin-inference-node';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import {
  installArgs,
  installCommand,
  installEnv,
  K3S_CHANNEL,
  K3S_VERSION,
  type K3sInstallPlan,
  type K3sRole,
  needsToken,
  parseVersion,
  redact,
  tokenCommand,
  versionCommand,
} from '../k3s/commands';
import type { K3sSettings } from '../k3s/settings';
import { findServer } from '../k3s/servers';
import { k3sInstallExamples } from './k3sInstall.examples';

const LOCATION = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const SERVER = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/**
 * Checks the input again in the handler (the scaffolder validates it against
 * the schema first; a caller that skips that still gets nothing run).
 */
function checkInput(input: Record<string, unknown>) {
  const rules: Array<[string, RegExp, boolean]> = [
    ['location', LOCATION, true],
    ['server', SERVER, true],
    ['role', /^(first-server|server|agent)$/, true],
    ['firstServer', SERVER, false],
    ['version', K3S_VERSION, false],
    ['channel', K3S_CHANNEL, false],
  ];
  for (const [field, pattern, required] of rules) {
    const value = input[field];
    if (value === undefined && !required) continue;
    if (typeof value !== 'string' || !pattern.test(value)) {
      throw new InputError(`${field}: invalid value`);
    }
  }
  if (input.airGapped !== undefined && typeof input.airGapped !== 'boolean') {
    throw new InputError('airGapped: must be a boolean');
  }
}

/** Timeout of the short commands (version check, token read). */
const QUICK_COMMAND_MS = 60_000;

function location(
  locations: InferenceLocationsService,
  name: string,
): InferenceLocation {
  try {
    return locations.get(name);
  } catch (e) {
    throw new InputError(`location: ${(e as Error).message}`);
  }
}

/** The server a joining node gets its token and URL from. */
function joinSource(
  loc: InferenceLocation,
  target: LocationServer,
  firstServer: string | undefined,
): LocationServer {
  if (firstServer !== undefined) {
    const first = findServer(loc, firstServer, 'firstServer');
    if (first.name === target.name) {
      throw new InputError(
        'firstServer: a joining node cannot join itself; pick the server that was installed as first-server',
      );
    }
    return first;
  }
  const first = loc.servers.find(
    s => s.name !== target.name && s.roles.includes('server'),
  );
  if (!first) {
    throw new InputError(
      `firstServer: location ${loc.name} has no other server with the server role to join`,
    );
  }
  return first;
}

async function installedVersion(
  session: SshSession,
  target: SshTarget,
  binDir: string | undefined,
): Promise<string | undefined> {
  const result = await session.exec(
    versionCommand(binDir, target.username !== 'root'),
    { timeoutMs: QUICK_COMMAND_MS, operation: 'k3s --version' },
  );
  if (result.stdout.includes('NOT-INSTALLED')) return undefined;
  const version = parseVersion(result.stdout);
  if (result.code !== 0 || !version) {
    throw sshError(
      target,
      `k3s --version failed (exit ${result.code}): ${result.stderr
        .trim()
        .slice(0, 200)}`,
    );
  }
  return version;
}

async function readToken(
  connector: SshConnector,
  target: SshTarget,
  dataDir: string | undefined,
): Promise<string> {
  const session = await connector.connect(target);
  try {
    const result = await session.exec(
      tokenCommand(dataDir, target.username !== 'root'),
      { timeoutMs: QUICK_COMMAND_MS, operation: 'read the K3s join token' },
    );
    const token = result.stdout.trim();
    // Never echo stdout: it is the token.
    if (result.code !== 0 || !token || /\s/.test(token)) {
      throw sshError(
        target,
        `could not read the K3s join token (exit ${result.code}); is K3s installed there as first-server?`,
      );
    }
    return token;
  } finally {
    session.close();
  }
}

/** Logs each line of remote output, with the secrets redacted. */
function lineLogger(
  logger: LoggerService,
  server: string,
  secrets: Array<string | undefined>,
) {
  return (line: string, stream: 'stdout' | 'stderr') => {
    if (!line.trim()) return;
    const text = `[${server}] ${redact(line, secrets)}`;
    if (stream === 'stderr') logger.warn(text);
    else logger.info(text);
  };
}

/**
 * `baremetal:k3s:install`: installs K3s on a configured server over SSH
 * (host key pinned): the first server with --cluster-init, further servers
 * and agents joining it with the token read from it. Re-running on an
 * installed node changes nothing and reports the installed version.
 */
export function createK3sInstallAction(options: {
  locations: InferenceLocationsService;
  permissions: PermissionsService;
  settings: K3sSettings;
  connector: SshConnector;
}) {
  const { settings, connector } = options;
  return createTemplateAction({
    id: 'baremetal:k3s:install',
    description:
      "Installs K3s over SSH on a location's configured server: the first server with --cluster-init and the kube-vip address as TLS SAN, further servers and agents joining it. Idempotent: an installed node is left as it is.",
    supportsDryRun: true,
    examples: k3sInstallExamples,
    schema: {
      input: {
        location: z =>
          z
            .string()
            .regex(LOCATION, 'must be a location name ([a-z0-9-])')
            .describe('Location the server belongs to'),
        server: z =>
          z
            .string()
            .regex(SERVER, 'must be a server name (DNS label)')
            .describe("Name of one of the location's configured servers"),
        role: z =>
          z
            .enum(['first-server', 'server', 'agent'])
            .describe(
              'first-server starts the cluster (--cluster-init); server and agent join it',
            ),
        firstServer: z =>
          z
            .string()
            .regex(SERVER, 'must be a server name (DNS label)')
            .optional()
            .describe(
              "Server to join (its token and, without kube-vip, its address); default: the location's first other server with the server role",
            ),
        version: z =>
          z
            .string()
            .regex(K3S_VERSION, 'must be a K3s release like v1.33.5+k3s1')
            .optional()
            .describe('K3s release (INSTALL_K3S_VERSION)'),
        channel: z =>
          z
            .string()
            .regex(K3S_CHANNEL, 'must be stable, latest, testing or v1.<minor>')
            .optional()
            .describe(
              'K3s channel (INSTALL_K3S_CHANNEL), followed when no version is given; default stable',
            ),
        airGapped: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Upload the configured K3s binary and install script over SFTP instead of downloading',
            ),
      },
      output: {
        version: z =>
          z
            .string()
            .optional()
            .describe('Installed K3s version (absent in a dry run)'),
        role: z => z.string().describe('The role the node was installed with'),
        changed: z =>
          z
            .boolean()
            .describe('False when K3s was already installed or in a dry run'),
      },
    },
    async handler(ctx) {
      await authorize({
        permissions: options.permissions,
        credentials: await ctx.getInitiatorCredentials(),
        checks: [{ permission: bareMetalNodeProvisionPermission }],
      });
      const { input } = ctx;
      checkInput(input);
      const role: K3sRole = input.role;
      const loc = location(options.locations, input.location);
      const server = findServer(loc, input.server, 'server');
      const first =
        role === 'first-server'
          ? undefined
          : joinSource(loc, server, input.firstServer);
      if (input.airGapped && !settings.airGap) {
        throw new InputError(
          'airGapped: inference.bareMetal.k3s.airGap is not configured on this portal',
        );
      }
      const secretKey = ctx.secrets?.sshPrivateKey;
      const target = sshTargetFor(loc, server, secretKey);
      const firstTarget = first
        ? sshTargetFor(loc, first, secretKey)
        : undefined;
      if (input.airGapped && settings.airGap) {
        for (const [key, file] of Object.entries(settings.airGap)) {
          try {
            await fs.access(file);
          } catch {
            throw new InputError(
              `airGapped: inference.bareMetal.k3s.airGap.${key} (${file}) cannot be read on the portal`,
            );
          }
        }
      }

      const kubeVip = loc.network.kubeVip;
      const plan: K3sInstallPlan = {
        role,
        nodeName: server.name,
        version: input.version,
        channel: input.version ? undefined : input.channel ?? 'stable',
        tlsSans: kubeVip ? [kubeVip] : [],
        serverUrl: first
          ? `https://${kubeVip ?? first.address}:6443`
          : undefined,
        dataDir: settings.dataDir,
        binDir: settings.binDir,
        scriptUrl: settings.installScriptUrl,
        airGap: input.airGapped
          ? { stagingDir: `/tmp/backstage-k3s-${randomUUID()}` }
          : undefined,
        sudo: target.username !== 'root',
      };
      const describePlan = () =>
        `K3s ${role} on ${server.name} (${server.address}) in ${loc.name}: ${
          input.airGapped ? 'air-gapped, ' : ''
        }env ${JSON.stringify(installEnv(plan))}${
          needsToken(plan) ? ` + K3S_TOKEN from ${first?.name}` : ''
        }, args ${JSON.stringify(installArgs(plan))}`;

      ctx.output('role', role);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would install ${describePlan()}`);
        ctx.output('changed', false);
        return;
      }

      const session = await connector.connect(target);
      try {
        const current = await installedVersion(session, target, plan.binDir);
        if (current) {
          ctx.logger.info(
            `K3s ${current} is already installed on ${server.name} in ${loc.name}: nothing to do`,
          );
          ctx.output('version', current);
          ctx.output('changed', false);
          return;
        }
        const result = await ctx.checkpoint({
          key: `k3s-install-${loc.name}-${server.name}-${role}`,
          fn: async () => {
            const token =
              firstTarget &&
              (await readToken(connector, firstTarget, settings.dataDir));
            if (plan.airGap && settings.airGap) {
              const staging = plan.airGap.stagingDir;
              await session.mkdir(staging, 0o700);
              ctx.logger.info(
                `Uploading ${settings.airGap.binaryPath} and ${settings.airGap.installScriptPath} to ${server.name}`,
              );
              await session.upload(
                settings.airGap.binaryPath,
                `${staging}/k3s`,
                0o755,
              );
              await session.upload(
                settings.airGap.installScriptPath,
                `${staging}/install.sh`,
                0o755,
              );
            }
            ctx.logger.info(`Installing ${describePlan()}`);
            const run = await session.exec(installCommand(plan), {
              stdin: token ? `${token}\n` : undefined,
              timeoutMs: settings.commandTimeoutMs,
              operation: 'K3s install',
              onLine: lineLogger(ctx.logger, server.name, [
                token,
                target.privateKey,
              ]),
            });
            if (run.code !== 0) {
              throw sshError(
                target,
                `K3s install exited with code ${run.code}; the task log has its output`,
              );
            }
            const version = await installedVersion(
              session,
              target,
              plan.binDir,
            );
            if (!version) {
              throw sshError(
                target,
                'K3s install finished but k3s --version finds no k3s',
              );
            }
            return { version };
          },
        });
        ctx.logger.info(
          `Installed K3s ${result.version} on ${server.name} in ${loc.name} as ${role}`,
        );
        ctx.output('version', result.version);
        ctx.output('changed', true);
      } finally {
        session.close();
      }
    },
  });
}
