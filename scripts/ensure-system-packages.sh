#!/usr/bin/env bash
# Debian packages the tests drive for real (no downloads other than Debian's
# and npm's work here): Chromium for the e2e tests, OpenSSH's sshd for the
# K3s-over-SSH action tests, kubectl (kubernetes-client) for rendering the
# Kustomize overlays in infra/ and for driving the Kubernetes emulator, openssl
# for the emulator's HTTPS certificate (kubectl sends tokens only over TLS).
# Installs only what is missing.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ "${#missing[@]}" = 0 ]; then
  exit 0
fi
echo "[setup] installing Debian packages: ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq >&2
# No service is started by the package scripts: the tests start their own sshd.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
