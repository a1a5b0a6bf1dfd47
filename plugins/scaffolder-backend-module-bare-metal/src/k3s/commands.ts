import { quote } from 'shell-quote';

export type K3sRole = 'first-server' | 'server' | 'agent';

/** A K3s release as INSTALL_K3S_VERSION takes it, e.g. v1.33.5+k3s1. */
export const K3S_VERSION =
  /^v1\.[0-9]{1,2}\.[0-9]{1,3}(-rc[0-9]{1,2})?\+k3s[0-9]{1,2}$/;
/** A K3s channel: stable, latest, testing or a minor like v1.33. */
export const K3S_CHANNEL = /^(stable|latest|testing|v1\.[0-9]{1,2})$/;

/** Where K3s lives when nothing else is configured. */
export const DEFAULT_DATA_DIR = '/var/lib/rancher/k3s';
export const DEFAULT_BIN_DIR = '/usr/local/bin';

/** Everything that decides what runs on a node. All values are validated. */
export interface K3sInstallPlan {
  role: K3sRole;
  nodeName: string;
  version?: string;
  channel?: string;
  /** Extra API server certificate names (the kube-vip address). */
  tlsSans: string[];
  /** https://<kubeVip or first server>:6443, for joining nodes. */
  serverUrl?: string;
  /** Set only when configured: passed as --data-dir. */
  dataDir?: string;
  /** Set only when configured: passed as INSTALL_K3S_BIN_DIR. */
  binDir?: string;
  /** Where the install script is downloaded from (configured, never user input). */
  scriptUrl: string;
  /** Air-gapped: staged files (uploaded over SFTP) moved into place first. */
  airGap?: { stagingDir: string };
  /** Prefix privileged commands with `sudo -n` (SSH user is not root). */
  sudo: boolean;
}

/** Arguments of the install script (`sh install.sh <args>`). */
export function installArgs(plan: K3sInstallPlan): string[] {
  const args = [plan.role === 'agent' ? 'agent' : 'server'];
  if (plan.role === 'first-server') args.push('--cluster-init');
  if (plan.role !== 'agent') {
    for (const san of plan.tlsSans) args.push('--tls-san', san);
  }
  args.push('--node-name', plan.nodeName);
  if (plan.dataDir) args.push('--data-dir', plan.dataDir);
  return args;
}

/** Environment of the install script, without K3S_TOKEN (read from stdin). */
export function installEnv(plan: K3sInstallPlan): Record<string, string> {
  const env: Record<string, string> = {};
  if (plan.version) env.INSTALL_K3S_VERSION = plan.version;
  else env.INSTALL_K3S_CHANNEL = plan.channel ?? 'stable';
  if (plan.binDir) env.INSTALL_K3S_BIN_DIR = plan.binDir;
  if (plan.airGap) env.INSTALL_K3S_SKIP_DOWNLOAD = 'true';
  if (plan.role !== 'first-server') {
    if (!plan.serverUrl) throw new Error('a joining node needs a server URL');
    env.K3S_URL = plan.serverUrl;
  }
  return env;
}

/** Whether the install reads the join token from stdin. */
export const needsToken = (plan: K3sInstallPlan) =>
  plan.role !== 'first-server';

/** Runs a POSIX sh script as root: `sudo -n sh -c '<script>'` or `sh -c '<script>'`. */
export function asRoot(script: string, sudo: boolean): string {
  return quote([...(sudo ? ['sudo', '-n'] : []), 'sh', '-c', script]);
}

/** Path of the air-gapped install script on the node. */
export function remoteScriptPath(plan: K3sInstallPlan) {
  return `${plan.binDir ?? DEFAULT_BIN_DIR}/k3s-install.sh`;
}

/**
 * The remote command that installs K3s. Every value is shell-quoted; the
 * join token is read from stdin so it is in no command line or log.
 */
export function installCommand(plan: K3sInstallPlan): string {
  const binDir = plan.binDir ?? DEFAULT_BIN_DIR;
  const lines = ['set -e'];
  if (needsToken(plan)) {
    lines.push('IFS= read -r K3S_TOKEN', 'export K3S_TOKEN');
  }
  const env = Object.entries(installEnv(plan)).map(([k, v]) => `${k}=${v}`);
  const args = installArgs(plan);
  if (plan.airGap) {
    const staging = plan.airGap.stagingDir;
    const script = remoteScriptPath(plan);
    lines.push(
      quote(['install', '-D', '-m', '0755', `${staging}/k3s`, `${binDir}/k3s`]),
      quote(['install', '-D', '-m', '0755', `${staging}/install.sh`, script]),
      quote(['rm', '-rf', staging]),
      quote(['env', ...env, 'sh', script, ...args]),
    );
  } else {
    lines.push(
      'script=$(mktemp)',
      'trap \'rm -f "$script"\' EXIT',
      `curl -sfL ${quote([plan.scriptUrl])} -o "$script"`,
      `${quote(['env', ...env, 'sh'])} "$script" ${quote(args)}`,
    );
  }
  return asRoot(lines.join('\n'), plan.sudo);
}

/** Prints `k3s --version` when K3s is installed, else NOT-INSTALLED. */
export function versionCommand(binDir: string | undefined, sudo: boolean) {
  const bin = `${binDir ?? DEFAULT_BIN_DIR}/k3s`;
  return asRoot(
    [
      'if command -v k3s >/dev/null 2>&1; then k3s --version',
      `elif [ -x ${quote([bin])} ]; then ${quote([bin])} --version`,
      'else echo NOT-INSTALLED; fi',
    ].join('\n'),
    sudo,
  );
}

/** The installed version from `k3s --version` output, or undefined. */
export function parseVersion(output: string): string | undefined {
  return /k3s version (v[0-9][^\s]*)/.exec(output)?.[1];
}

/** Prints the cluster join token of a server. */
export function tokenCommand(dataDir: string | undefined, sudo: boolean) {
  return asRoot(
    quote(['cat', `${dataDir ?? DEFAULT_DATA_DIR}/server/node-token`]),
    sudo,
  );
}

/** Replaces every occurrence of each secret with `***`. */
export function redact(text: string, secrets: Array<string | undefined>) {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) result = result.split(secret).join('***');
  }
  // K3s tokens (K10<hash>::server:<password>) even if not known here
  return result.replace(/K10[0-9a-f]{16,}::[a-z]+:[^\s'"]+/g, 'K10***');
}
