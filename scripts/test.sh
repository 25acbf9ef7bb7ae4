#!/usr/bin/env bash
# The whole test suite: what `npm test` runs on a developer machine and in CI (.ci/run).
# On a fresh Debian machine (as root) it installs what the tests need first.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "test dependencies (skopeo, umoci, podman, docker-registry, wrk)"
bash scripts/install-test-deps.sh

step "PostgreSQL and node modules"
bash scripts/ensure-postgres.sh
if [ ! -d node_modules/fastify ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci; fi

step "build, type check, lint, format"
npm run build
npm run typecheck
npm run lint
npm run format:check
node packages/server/dist/cli/main.js verify-config wharf.example.yml

step "tests on SQLite (and the metadata suite on SQLite and PostgreSQL)"
npx vitest run

step "protocol and client tests on PostgreSQL"
WHARF_TEST_DATABASE=postgres npx vitest run packages/server/test
