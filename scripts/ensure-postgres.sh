#!/usr/bin/env bash
# The PostgreSQL tests need a server at 127.0.0.1:5432 (trust auth, as on development and CI machines).
# Start the machine's cluster if it is installed but stopped; fail loudly if there is none.
set -euo pipefail
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then exit 0; fi
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  version=$(ls /etc/postgresql | head -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done
fi
echo "ERROR: the test suite needs PostgreSQL at 127.0.0.1:5432 (trust authentication for user postgres)." >&2
echo "       Install and start it (Debian: apt-get install postgresql), or set WHARF_TEST_POSTGRES_URL." >&2
exit 1
