#!/usr/bin/env bash
# The whole test suite: what `npm test` runs on a developer machine and in CI (.ci/run).
# On a fresh Debian machine (as root) it installs what the tests need first.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "test dependencies (skopeo, umoci, podman, docker.io, buildah, containerd, docker-registry, wrk, chromium)"
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
npm run check:api --silent -w @wharf/portal

mkdir -p test-output
# Each run records which /api/v2.0 operations its tests checked against Wharf's OpenAPI description (and Harbor's
# swagger, when it is beside the repository); the records stay in test-output/api-coverage-<database>/ for
# `npm run check:harbor` (docs/architecture.md).
rm -rf test-output/api-coverage test-output/api-coverage-sqlite test-output/api-coverage-postgres
node scripts/check-harbor.mjs --locate
step "tests on SQLite (and the metadata suite on SQLite and PostgreSQL)"
npx vitest run --reporter=default --reporter=json --outputFile.json=test-output/vitest-sqlite.json
node scripts/check-api-coverage.js test-output/api-coverage
mv test-output/api-coverage test-output/api-coverage-sqlite

step "protocol and client tests on PostgreSQL"
# A cross-section, not everything again: the files that do not depend on the database stay out. test/cluster always
# runs on PostgreSQL (nodes share a database) and ran in the first phase; `wharf backup` copies the embedded default
# (PostgreSQL is backed up with pg_dump, docs/operations.md); the S3 driver's suites, the rate limiters (memory,
# Redis), TLS, certificates, slow clients, the explorer and tracing are the same on either database; of the
# clients, skopeo and podman run again, docker, buildah and containerd do not.
PG_EXCLUDE='packages/server/test/cluster/**,packages/server/test/e2e/backup.test.ts,packages/server/test/storage/**'
PG_EXCLUDE+=',packages/server/test/rate-limits/**,packages/server/test/e2e/certs.test.ts'
PG_EXCLUDE+=',packages/server/test/process/tls.test.ts,packages/server/test/process/slow-clients.test.ts'
PG_EXCLUDE+=',packages/server/test/explorer/**,packages/server/test/metrics/tracing.test.ts'
PG_EXCLUDE+=',packages/server/test/e2e/docker.test.ts,packages/server/test/e2e/buildah.test.ts'
PG_EXCLUDE+=',packages/server/test/e2e/containerd.test.ts'
WHARF_TEST_DATABASE=postgres WHARF_TEST_EXCLUDE="$PG_EXCLUDE" \
  npx vitest run packages/server/test --reporter=default --reporter=json --outputFile.json=test-output/vitest-postgres.json
node scripts/check-api-coverage.js test-output/api-coverage
mv test-output/api-coverage test-output/api-coverage-postgres

step "registry on S3 storage (s3rver): crash, skopeo, broken uploads, GC race, redirect"
# A cross-section, not the whole suite: the S3 driver's own tests run in the SQLite phase above. s3rver (an S3 server
# in Node) is started by the tests themselves; Ceph radosgw is too heavy for this machine.
WHARF_TEST_STORAGE=s3 npx vitest run packages/server/test/e2e/crash.test.ts packages/server/test/e2e/skopeo.test.ts \
  packages/server/test/process/broken-uploads.test.ts packages/server/test/gc/gc-race.test.ts \
  packages/server/test/e2e/s3-redirect.test.ts \
  --reporter=default --reporter=json --outputFile.json=test-output/vitest-s3.json
rm -rf test-output/api-coverage

# One plain closing line for all runs.
node -e '
  const runs = process.argv.slice(1).map((f) => JSON.parse(require("fs").readFileSync(f, "utf8")));
  const sum = (k) => runs.reduce((n, r) => n + r[k], 0);
  console.log(`\n${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed`);
' test-output/vitest-sqlite.json test-output/vitest-postgres.json test-output/vitest-s3.json
