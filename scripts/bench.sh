#!/usr/bin/env bash
# Wharf vs. reference registry (CNCF distribution) benchmark. Not part of the test suite.
# Wharf runs with /v2 authorisation on (Docker token flow, random admin password per run); the reference without
# any authentication. See docs/benchmark.md.
# Env: BENCH_QUICK=1 (small smoke run), BENCH_ONLY_REFERENCE=1 (skip Wharf),
#      BENCH_WHARF_AS_REFERENCE=1 (dev: a second docker-registry in Wharf's slot), BENCH_KEEP=1 (keep data dirs),
#      BENCH_SKIP_BUILD=1 (use the existing packages/server/dist), BENCH_WRK_THREADS=N (default 1),
#      BENCH_ARTIFACTS=N (artifacts in one repository, default 10000), BENCH_API_ROUNDS=N,
#      BENCH_FLOOD_PULLS=N, BENCH_FLOOD_CONCURRENCY=N (login-flood: timed pulls, flooding clients),
#      BENCH_PULL_REPEATS=N (sequential pulls of the 1-client pull phase),
#      BENCH_AB=label=tree,label=tree (A/B mode: built Wharf trees, interleaved; BENCH_AB_ROUNDS, BENCH_AB_CPU_PROF=1,
#      BENCH_AB_ENV_<LABEL>=KEY=VALUE;KEY=VALUE: a build's own environment, e.g. metrics on for one label),
#      BENCH_ONLY=mono,chunked,pull,small,manifest,listing,artifacts,login-flood,bigpush,gc,nodes (a subset);
#      BENCH_GC_BLOBS=N (gc: blobs loaded, half then unreferenced; default 100000, quick 2000),
#      BENCH_AUDIT=off (Wharf without its audit log: WHARF_AUDIT_ENABLED=false);
#      WHARF_HTTP_WORKERS=N (Wharf's worker processes; default auto, one per core: the report names them);
#      BENCH_STORAGE=s3 (both registries on one s3rver started by the bench, a bucket each; mono, chunked, pull,
#      small and nodes only), BENCH_ONLY=nodes (Wharf as 1, 2, 3 nodes on PostgreSQL + Redis behind a round-robin
#      proxy; BENCH_NODES=1,2,3, BENCH_POSTGRES_URL (an existing database of a superuser, default
#      postgres://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL (default redis://127.0.0.1:6379)).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null 2>&1; then
  echo "bench: installing wrk" >&2
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y wrk >/dev/null; }
fi
if ! command -v docker-registry >/dev/null 2>&1; then
  echo "bench: docker-registry (Debian package 'docker-registry') is required" >&2
  exit 1
fi

if [[ "${BENCH_ONLY_REFERENCE:-}" != "1" && "${BENCH_WHARF_AS_REFERENCE:-}" != "1" && "${BENCH_SKIP_BUILD:-}" != "1" ]]; then
  if ! npm run build --silent; then
    # tsc still emits on type errors; benchmark what was emitted rather than nothing, but say so loudly.
    if [[ -f packages/server/dist/cli/main.js ]]; then
      echo "bench: WARNING: npm run build failed; benchmarking the emitted packages/server/dist anyway" >&2
      export BENCH_BUILD_FAILED=1
    else
      echo "bench: npm run build failed and packages/server/dist/cli/main.js does not exist" >&2
      exit 1
    fi
  fi
fi

mkdir -p .bench
rm -rf .bench/dist
npx tsc -p scripts/bench/tsconfig.json
exec node .bench/dist/scripts/bench/main.js "$@"
