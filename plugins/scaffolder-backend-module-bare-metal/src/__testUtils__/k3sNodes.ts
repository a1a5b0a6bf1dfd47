/*
 * Stand-ins for the K3s install script and binary, and a location whose
 * servers are local sshd instances.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ConfigInferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import fs from 'node:fs';
import path from 'node:path';
import {
  generateKey,
  labLocationConfig,
  startSshd,
  type TestSshd,
} from '@internal/test-emulators';

/** Version the stand-in k3s reports when INSTALL_K3S_VERSION is not set. */
export const STANDIN_DEFAULT_VERSION = 'v1.33.5+k3s1';
export const STANDIN_TOKEN =
  'K10aaaabbbbccccddddeeeeffff0000111122223333::server:s3cr3t-join-password';

/**
 * Records its arguments (NUL-separated), its path, and each K3s variable of
 * its environment into $NODE_ROOT/calls/<n>/, echoes the token (so tests see
 * it redacted), creates a stand-in k3s unless downloads are skipped, and on
 * --cluster-init writes the join token into <data-dir>/server/node-token.
 */
export const STANDIN_INSTALL_SCRIPT = `#!/bin/sh
set -e
n=$(ls "$NODE_ROOT/calls" 2>/dev/null | wc -l)
call="$NODE_ROOT/calls/$n"
mkdir -p "$call/env"
printf '%s' "$0" > "$call/script"
for a in "$@"; do printf '%s\\0' "$a"; done > "$call/args"
for v in K3S_URL K3S_TOKEN INSTALL_K3S_VERSION INSTALL_K3S_CHANNEL INSTALL_K3S_SKIP_DOWNLOAD INSTALL_K3S_BIN_DIR; do
  if printenv "$v" >/dev/null; then printenv "$v" > "$call/env/$v"; fi
done
echo "[INFO] stand-in install, token=$K3S_TOKEN"
echo "[WARN] to stderr" >&2
bin="\${INSTALL_K3S_BIN_DIR:-$NODE_ROOT/bin}"
if [ "$INSTALL_K3S_SKIP_DOWNLOAD" != "true" ]; then
  printf '#!/bin/sh\\necho "k3s version %s (standin)"\\necho "go version go1.24"\\n' "\${INSTALL_K3S_VERSION:-${STANDIN_DEFAULT_VERSION}}" > "$bin/k3s"
  chmod 755 "$bin/k3s"
fi
data=/var/lib/rancher/k3s
prev=
init=
for a in "$@"; do
  [ "$prev" = "--data-dir" ] && data="$a"
  [ "$a" = "--cluster-init" ] && init=1
  prev="$a"
done
if [ -n "$init" ]; then
  mkdir -p "$data/server"
  printf '%s\\n' '${STANDIN_TOKEN}' > "$data/server/node-token"
fi
`;

/** What the stand-in recorded for each install call on a node. */
export function recordedCalls(node: TestSshd) {
  const dir = path.join(node.nodeRoot, 'calls');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .sort((a, b) => Number(a) - Number(b))
    .map(n => {
      const call = path.join(dir, n);
      const args = fs.readFileSync(path.join(call, 'args'), 'utf8');
      return {
        script: fs.readFileSync(path.join(call, 'script'), 'utf8'),
        args: args ? args.split('\0').slice(0, -1) : [],
        env: Object.fromEntries(
          fs
            .readdirSync(path.join(call, 'env'))
            .sort()
            .map(v => [
              v,
              fs
                .readFileSync(path.join(call, 'env', v), 'utf8')
                .replace(/\n$/, ''),
            ]),
        ),
      };
    });
}

export interface K3sLab {
  dir: string;
  clientKey: string;
  scriptPath: string;
  nodes: Record<string, TestSshd>;
  close(): Promise<void>;
}

/** Starts one sshd per node name and writes the stand-in install script. */
export async function startK3sLab(dir: string, names: string[]) {
  const clientKey = generateKey(path.join(dir, 'client_key'));
  const scriptPath = path.join(dir, 'standin-install.sh');
  fs.writeFileSync(scriptPath, STANDIN_INSTALL_SCRIPT, { mode: 0o755 });
  const nodes: Record<string, TestSshd> = {};
  for (const name of names) {
    nodes[name] = await startSshd({
      dir,
      name,
      authorizedKey: `${clientKey}.pub`,
    });
  }
  return {
    dir,
    clientKey: fs.readFileSync(clientKey, 'utf8'),
    scriptPath,
    nodes,
    close: async () => {
      await Promise.all(Object.values(nodes).map(n => n.close()));
    },
  };
}

/** Resets a node to "nothing installed". */
export function wipeNode(node: TestSshd) {
  fs.rmSync(path.join(node.nodeRoot, 'calls'), {
    recursive: true,
    force: true,
  });
  fs.rmSync(path.join(node.nodeRoot, 'bin'), { recursive: true, force: true });
  fs.mkdirSync(path.join(node.nodeRoot, 'bin'));
}

/** A location `lab` whose servers are the lab's sshd instances. */
export function labLocations(...args: Parameters<typeof labLocationConfig>) {
  return ConfigInferenceLocationsService.fromConfig(
    new ConfigReader(labLocationConfig(...args)),
  );
}

export const allowAll = () => {
  const permissions = mockServices.permissions.mock();
  permissions.authorize.mockResolvedValue([{ result: AuthorizeResult.ALLOW }]);
  return permissions;
};
