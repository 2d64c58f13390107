#!/usr/bin/env bash
# Installs what the load benchmark needs besides PostgreSQL (pgbench ships with it): wrk, from
# Debian's packages. Idempotent.
set -euo pipefail
if command -v wrk >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-bench-tools: wrk is missing; run as root or: apt-get install -y wrk" >&2
    exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
