#!/usr/bin/env bash
# The full test suite, as `./portal test` and CI run it. Steps stop at the
# first failure.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PORTAL_ROOT"
export CI="${CI:-true}" # jest without watch mode
export NODE_OPTIONS="${NODE_OPTIONS:-} --no-node-snapshot"

step() { printf '\n== %s ==\n' "$*"; }

step "OpenAPI specs and generated routers"
node scripts/openapi.mjs --check

step "Formatting (prettier --check; generated and upstream files are in .prettierignore)"
npx prettier --check . >/dev/null || { npx prettier --list-different . >&2; echo "run: npx prettier --write ." >&2; exit 1; }
echo "every file is formatted"

step "Dependencies (knip: no unused or unlisted dependency beyond each package's committed knip-report.md)"
# packages/app's report lists the plugins the app installs by feature
# discovery (app.packages: all), which no import names; packages/backend's
# the app it serves and the pg driver knex loads.
npx backstage-repo-tools knip-reports --ci $(ls -d plugins/*/ packages/*/ | sed 's#/$##')

step "TypeScript (tsc)"
npx tsc

step "Lint (backstage-cli repo lint)"
npx backstage-cli repo lint

step "System packages the tests drive (chromium, sshd, kubectl)"
./scripts/ensure-system-packages.sh

step "Unit and integration tests (jest)"
# Database tests run on SQLite always, and on PostgreSQL when it is reachable
# (CI has it; a missing PostgreSQL in CI is a failure, not a skip).
export BACKSTAGE_TEST_DISABLE_DOCKER=1
if node -e "const s=require('net').connect(5432,'127.0.0.1');s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1))"; then
  export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres@127.0.0.1:5432}"
  echo "PostgreSQL at 127.0.0.1:5432: database tests run on SQLite and PostgreSQL"
elif [ "${CI}" = "true" ] && [ -n "${PORTAL_REQUIRE_POSTGRES:-}" ]; then
  echo "PostgreSQL is required (PORTAL_REQUIRE_POSTGRES) but 127.0.0.1:5432 is not reachable" >&2
  exit 1
else
  echo "PostgreSQL not reachable: database tests run on SQLite only"
fi
# Tests get 30 s each (two workers share two cores with suites that start
# whole backends). Workers are recycled when a test file leaves them big (some suites start
# whole backends): a worker near its heap limit spends its time in GC.
# Tests do not print: the figures they measure (routes, permissions and
# generated inputs checked) are written under .data/test-figures
# (recordTestFigures of @internal/test-emulators) and printed here, after
# jest, whether it passed or not.
export PORTAL_TEST_FIGURES_DIR="$PORTAL_ROOT/.data/test-figures"
rm -rf "$PORTAL_TEST_FIGURES_DIR"
jest_rc=0
npx backstage-cli repo test --maxWorkers=2 --workerIdleMemoryLimit=1536MB --testTimeout=30000 || jest_rc=$?
step "Figures recorded by the tests"
node scripts/print-test-figures.mjs "$PORTAL_TEST_FIGURES_DIR"
if [ "$jest_rc" -ne 0 ]; then exit "$jest_rc"; fi

step "End-to-end tests (Chromium)"
npm run --silent test:e2e -w @internal/test-e2e
