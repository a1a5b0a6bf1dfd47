#!/usr/bin/env bash
# Debian's Chromium for the e2e tests (no browser download works here).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "[e2e] installing Debian's chromium" >&2
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >&2
