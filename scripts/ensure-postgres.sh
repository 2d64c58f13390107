#!/usr/bin/env bash
# ensure-postgres.sh — make sure a PostgreSQL server answers at the host/port of DATABASE_URL.
#
#   DATABASE_URL  postgres://user[:pw]@host[:port]/db[?params]
#                 (default postgres://postgres@127.0.0.1:5432/inps; default port 5432)
#
# Fast path: if `pg_isready` succeeds and the URL's user can log in, exit immediately.
# Otherwise, for a local host (127.0.0.1 / localhost / ::1) on Debian:
#   1. install postgresql + postgresql-client via apt if no server binaries are present;
#   2. create a cluster on the port (trust auth) if none exists, else start the existing one;
#   3. if TCP logins fail with a *password* error (Debian default md5/scram cluster), switch the
#      pg_hba.conf host lines for 127.0.0.1/32 and ::1/128 to `trust` and reload;
#   4. wait up to 30 s for pg_isready.
# A remote host is only waited for. The application database is NOT created (the app does it).
# Idempotent; progress lines go to stderr.
set -euo pipefail

DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/inps}"
WAIT_SECS="${ENSURE_PG_WAIT_SECS:-30}"

log() { printf 'ensure-postgres: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
urldecode() { local s="${1//+/ }"; printf '%b' "${s//%/\\x}"; }

# --- parse DATABASE_URL ---------------------------------------------------------
rest="${DATABASE_URL#*://}"          # drop scheme
rest="${rest%%\?*}"                  # drop ?params
authority="${rest%%/*}"              # drop /db
userinfo=""
if [[ "$authority" == *@* ]]; then
    userinfo="${authority%@*}"
    authority="${authority##*@}"
fi
PG_USER="postgres"; PG_PASS=""
if [[ -n "$userinfo" ]]; then
    PG_USER="$(urldecode "${userinfo%%:*}")"
    [[ "$userinfo" == *:* ]] && PG_PASS="$(urldecode "${userinfo#*:}")"
fi
if [[ "$authority" == \[* ]]; then           # [ipv6]:port
    HOST="${authority#[}"; HOST="${HOST%%]*}"
    PORT="${authority##*]}"; PORT="${PORT#:}"
elif [[ "$authority" == *:* ]]; then
    HOST="${authority%:*}"; PORT="${authority##*:}"
else
    HOST="$authority"; PORT=""
fi
HOST="${HOST:-127.0.0.1}"; PORT="${PORT:-5432}"; PG_USER="${PG_USER:-postgres}"
[[ "$PORT" =~ ^[0-9]+$ ]] || die "cannot parse port from DATABASE_URL (got '$PORT')"

is_ready() { command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h "$HOST" -p "$PORT" -t "${1:-1}"; }

# Try a real login as the URL's user. Prints psql's error on failure.
# Returns 0 = ok (or psql unavailable), 1 = password/auth error, 2 = other error.
AUTH_ERR=""
check_login() {
    command -v psql >/dev/null 2>&1 || return 0
    if AUTH_ERR="$(PGPASSWORD="$PG_PASS" PGCONNECT_TIMEOUT=3 psql -w -X -q -h "$HOST" -p "$PORT" \
            -U "$PG_USER" -d postgres -c 'select 1' 2>&1 >/dev/null)"; then
        return 0
    fi
    if grep -qiE 'password authentication failed|no password supplied|password is required' <<<"$AUTH_ERR"; then
        return 1
    fi
    return 2
}

wait_ready() {
    local i
    for ((i = 0; i < WAIT_SECS; i++)); do
        is_ready 1 && return 0
        sleep 1
    done
    return 1
}

# --- fast path -------------------------------------------------------------------
if is_ready 1; then
    rc=0; check_login || rc=$?
    if [[ $rc -eq 0 ]]; then
        log "PostgreSQL at $HOST:$PORT is ready"
        exit 0
    elif [[ $rc -eq 2 ]]; then
        log "PostgreSQL at $HOST:$PORT answers, but test login as '$PG_USER' failed (not a password error):"
        log "  ${AUTH_ERR//$'\n'/ }"
        exit 0
    fi
    log "PostgreSQL at $HOST:$PORT answers but rejects '$PG_USER' with a password error"
fi

case "$HOST" in
    127.0.0.1|localhost|::1) ;;
    *)
        if [[ -n "${rc:-}" ]]; then die "remote server $HOST:$PORT rejects the credentials in DATABASE_URL"; fi
        log "waiting up to ${WAIT_SECS}s for remote PostgreSQL at $HOST:$PORT"
        wait_ready || die "PostgreSQL at $HOST:$PORT did not become ready"
        log "PostgreSQL at $HOST:$PORT is ready"
        exit 0 ;;
esac

# --- install server if missing ---------------------------------------------------
shopt -s nullglob
pg_bins=(/usr/lib/postgresql/*/bin/postgres)
shopt -u nullglob
if [[ ${#pg_bins[@]} -eq 0 ]] || ! command -v pg_lsclusters >/dev/null 2>&1 || ! command -v pg_isready >/dev/null 2>&1; then
    [[ $(id -u) -eq 0 ]] || die "PostgreSQL is not installed and we are not root (run: apt-get install postgresql postgresql-client)"
    log "installing postgresql + postgresql-client via apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql postgresql-client >&2
    shopt -s nullglob
    pg_bins=(/usr/lib/postgresql/*/bin/postgres)
    shopt -u nullglob
    [[ ${#pg_bins[@]} -gt 0 ]] || die "postgresql installation did not provide server binaries"
fi
# newest installed major version
PG_VERSION="$(printf '%s\n' "${pg_bins[@]}" | sed -E 's#/usr/lib/postgresql/([^/]+)/bin/postgres#\1#' | sort -V | tail -n1)"

# --- create or start the cluster on $PORT ---------------------------------------
# pg_lsclusters -h: "ver cluster port status owner datadir logfile"
cluster_line="$(pg_lsclusters -h 2>/dev/null | awk -v p="$PORT" '$3 == p { print; exit }')"
if [[ -z "$cluster_line" ]]; then
    name="main"
    if [[ -d "/etc/postgresql/$PG_VERSION/main" ]]; then name="inps$PORT"; fi
    log "no cluster on port $PORT: creating $PG_VERSION/$name (trust auth)"
    pg_createcluster -p "$PORT" "$PG_VERSION" "$name" -- --auth-local=trust --auth-host=trust >&2
    CL_VER="$PG_VERSION"; CL_NAME="$name"
else
    read -r CL_VER CL_NAME _ <<<"$cluster_line"
fi
log "starting cluster $CL_VER/$CL_NAME"
rc=0; pg_ctlcluster --skip-systemctl-redirect "$CL_VER" "$CL_NAME" start >&2 || rc=$?
if [[ $rc -eq 2 ]]; then
    log "cluster $CL_VER/$CL_NAME already running"
elif [[ $rc -ne 0 ]]; then
    die "pg_ctlcluster start failed with exit code $rc"
fi

log "waiting up to ${WAIT_SECS}s for PostgreSQL at $HOST:$PORT"
wait_ready || die "PostgreSQL at $HOST:$PORT did not become ready"

# --- trust local TCP logins, only if they fail with a password error -------------
rc=0; check_login || rc=$?
if [[ $rc -eq 1 ]]; then
    hba="$(PGPASSWORD= pg_conftool "$CL_VER" "$CL_NAME" show -s hba_file 2>/dev/null || true)"
    hba="${hba:-/etc/postgresql/$CL_VER/$CL_NAME/pg_hba.conf}"
    [[ -w "$hba" ]] || die "password error logging in as '$PG_USER' and $hba is not writable"
    log "login as '$PG_USER' fails with a password error: setting 127.0.0.1/32 and ::1/128 to trust in $hba"
    cp -p "$hba" "$hba.bak-ensure-postgres"
    awk '
        /^[[:space:]]*host(ssl|nossl)?[[:space:]]/ && ($4 == "127.0.0.1/32" || $4 == "::1/128") \
            && $5 ~ /^(md5|scram-sha-256|password)$/ {
            sub(/(md5|scram-sha-256|password)([[:space:]]|$)/, "trust ")
            sub(/[[:space:]]+$/, "")
        }
        { print }' "$hba.bak-ensure-postgres" > "$hba"
    pg_ctlcluster --skip-systemctl-redirect "$CL_VER" "$CL_NAME" reload >&2
    sleep 0.5
    rc=0; check_login || rc=$?
    [[ $rc -eq 0 ]] || die "login as '$PG_USER' still fails: ${AUTH_ERR//$'\n'/ }"
elif [[ $rc -eq 2 ]]; then
    log "warning: test login as '$PG_USER' failed: ${AUTH_ERR//$'\n'/ }"
fi

log "PostgreSQL at $HOST:$PORT is ready"
