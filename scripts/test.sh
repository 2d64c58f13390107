#!/usr/bin/env bash
# Runs the whole test suite: makes sure PostgreSQL answers (installing and starting it when
# needed), then runs every test of the workspace in parallel. Each integration test clones its
# own database from a migrated template on the server of DATABASE_URL.
#   scripts/test.sh                  all tests
#   scripts/test.sh -E 'test(status)' extra arguments go to cargo nextest (or cargo test)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/ensure-postgres.sh
scripts/ensure-redis.sh
if cargo nextest --version >/dev/null 2>&1; then
    exec cargo nextest run --workspace --no-fail-fast "$@"
else
    exec cargo test --workspace --no-fail-fast "$@"
fi
