#!/usr/bin/env bash
# run-schemathesis.sh — fuzz the running API against its own OpenAPI contract with Schemathesis.
#
# Usage: scripts/run-schemathesis.sh            (builds nothing)
#
# Starts "$INPS_API_BIN serve" (default target/debug/inps-api) on a free 127.0.0.1 port with a
# dedicated database  ${DATABASE_URL%/*}/inps_schemathesis  (the app creates it), waits for
# GET /v1/status == 200, runs `schemathesis run` (all checks, all phases) against
# /openapi.json with base URL http://127.0.0.1:PORT/v1, stops the server and exits with
# schemathesis' exit code. Server output: target/schemathesis-server.log (tail printed on failure).
#
# Environment:
#   INPS_API_BIN               server binary                  (default target/debug/inps-api)
#   DATABASE_URL               base URL; only the db name is replaced (default postgres://postgres@127.0.0.1:5432/inps)
#   SCHEMATHESIS_DATABASE_URL  use exactly this database URL instead
#   SCHEMATHESIS_MAX_EXAMPLES  max test cases per operation   (default 30)
#   SCHEMATHESIS_AUTH_HEADER   e.g. "Authorization: Bearer ..." -> passed as -H
#   SCHEMATHESIS_EXTRA_ARGS    extra args for `schemathesis run` (whitespace-split)
# Needs: scripts/install-tools.sh (for .tools/venv/bin/schemathesis) and a reachable PostgreSQL
# (scripts/ensure-postgres.sh).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { printf 'run-schemathesis: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }

INPS_API_BIN="${INPS_API_BIN:-target/debug/inps-api}"
SCHEMATHESIS="$ROOT/.tools/venv/bin/schemathesis"
SERVER_LOG="$ROOT/target/schemathesis-server.log"
MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-30}"

[[ -x "$INPS_API_BIN" ]] || die "server binary '$INPS_API_BIN' not found (cargo build -p inps-api, or set INPS_API_BIN)"
[[ -x "$SCHEMATHESIS" ]] || die "schemathesis not installed (run scripts/install-tools.sh)"

# Dedicated database: replace the db name of DATABASE_URL, keeping any ?params.
base_url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/inps}"
no_query="${base_url%%\?*}"
query="${base_url:${#no_query}}"
if [[ "${no_query#*://}" == */* ]]; then no_query="${no_query%/*}"; fi
ST_DATABASE_URL="${SCHEMATHESIS_DATABASE_URL:-$no_query/inps_schemathesis$query}"

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
ORIGIN="http://127.0.0.1:$PORT"

# A fresh database each run, so results do not depend on earlier runs.
if command -v psql >/dev/null 2>&1; then
    st_no_query="${ST_DATABASE_URL%%\?*}"
    psql "${st_no_query%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${st_no_query##*/} WITH (FORCE)" >/dev/null 2>&1 || true
fi

# The fuzzing persona: an INPS operator (the bootstrap operator of this server), so that
# operator-only operations are exercised too.
OPERATOR_TAX_CODE="VRDLGU70A01H501O"
# Who fuzzes: the operator by default; SCHEMATHESIS_PERSONA="TAXCODE Given Family" picks another
# (e.g. the demo employer "RSSMRA85T10A562S Mario Rossi", to send inquiries).
read -r PERSONA_TAX_CODE PERSONA_GIVEN PERSONA_FAMILY <<<"${SCHEMATHESIS_PERSONA:-$OPERATOR_TAX_CODE Luigi Verdi}"

mkdir -p "$ROOT/target"
log "starting $INPS_API_BIN serve on $ORIGIN (log: ${SERVER_LOG#"$ROOT/"})"
BIND_ADDR="127.0.0.1:$PORT" \
DATABASE_URL="$ST_DATABASE_URL" \
APP_ENV=sandbox \
BOOTSTRAP_OPERATOR_TAX_CODE="$OPERATOR_TAX_CODE" \
RATE_LIMIT_REQUESTS=1000000 \
    "$INPS_API_BIN" serve >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!

stop_server() {
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
}
show_log() {
    log "last lines of ${SERVER_LOG#"$ROOT/"}:"
    tail -n "${1:-40}" "$SERVER_LOG" >&2 || true
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

http_ok() {
    if command -v curl >/dev/null 2>&1; then
        curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null
    else
        python3 -c 'import sys, urllib.request as u; sys.exit(0 if u.urlopen(sys.argv[1], timeout=2).status == 200 else 1)' "$1" 2>/dev/null
    fi
}

log "waiting up to 60s for GET $ORIGIN/v1/status"
ready=""
for _ in $(seq 1 120); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        log "server exited before becoming ready"; show_log; exit 2
    fi
    if http_ok "$ORIGIN/v1/status"; then ready=1; break; fi
    sleep 0.5
done
[[ -n "$ready" ]] || { log "server not ready after 60s"; show_log; exit 2; }

# Demo data, so that operations on employers, employments, contributions and inquiries answer
# with real bodies (checked against the contract) instead of 404; the path parameters below are
# pinned to rows of it.
log "seeding demo data"
DATABASE_URL="$ST_DATABASE_URL" APP_ENV=sandbox LOG_LEVEL=warn "$INPS_API_BIN" seed-demo >/dev/null \
    || { log "seed-demo failed"; show_log; exit 2; }
DEMO_EMPLOYER="RSSMRA85T10A562S"
DEMO_EMPLOYMENT="$(psql "${ST_DATABASE_URL%%\?*}" -Atc "SELECT code FROM employments WHERE employer_tax_code = '$DEMO_EMPLOYER' ORDER BY code LIMIT 1")"
DEMO_INQUIRY="$(psql "${ST_DATABASE_URL%%\?*}" -Atc "SELECT id FROM inquiries WHERE employer_tax_code = '$DEMO_EMPLOYER' ORDER BY protocol_number LIMIT 1")"
[[ -n "$DEMO_EMPLOYMENT" && -n "$DEMO_INQUIRY" ]] || { log "demo data not found"; exit 2; }

# Log in through the sandbox identity provider (unless a header was given).
if [[ -z "${SCHEMATHESIS_AUTH_HEADER:-}" ]]; then
    token="$(python3 - "$ORIGIN" "$PERSONA_TAX_CODE" "$PERSONA_GIVEN" "$PERSONA_FAMILY" <<'PY'
import json, sys, urllib.request as u
origin, tax_code, given, family = sys.argv[1:5]
def post(path, body):
    req = u.Request(origin + path, data=json.dumps(body).encode(),
                    headers={"Content-Type": "application/json"}, method="POST")
    with u.urlopen(req, timeout=10) as r:
        return json.load(r)
assertion = post("/v1/sandbox/assertions", {"tax_code": tax_code, "level": "L2", "idp": "spid",
                                            "given_name": given, "family_name": family})["assertion"]
print(post("/v1/sessions", {"assertion": assertion})["token"])
PY
)" || { log "sandbox login failed"; show_log; exit 2; }
    SCHEMATHESIS_AUTH_HEADER="Authorization: Bearer $token"
fi

# Keep Schemathesis' state under target/schemathesis/ instead of the repo root: Hypothesis'
# example database (.hypothesis/), the crash cache (.schemathesis/, replay with
# `.tools/venv/bin/schemathesis replay target/schemathesis/cache/crashes`) and reports.
# A repo-level schemathesis.toml, if one is ever added, takes precedence over the generated one.
ST_DIR="$ROOT/target/schemathesis"
mkdir -p "$ST_DIR"
export HYPOTHESIS_STORAGE_DIRECTORY="${HYPOTHESIS_STORAGE_DIRECTORY:-$ST_DIR/hypothesis}"
# Checks tuned to the API's documented semantics:
# - a schema-valid request may still break a business rule (a tax code with a wrong check
#   character, a consent for an old version, a stale cursor): the Italian guidelines answer
#   those with 422 (RAC_REST_NAME_010), so 422 counts as a legitimate answer to valid input,
#   and so does 412 for a well-formed If-Match naming a version that is no longer current;
# - a schema-violating body larger than the JSON limit is refused with 413 before parsing.
cat >"$ST_DIR/schemathesis.toml" <<TOML
# generated by scripts/run-schemathesis.sh
# A fixed seed keeps CI reproducible; explore with SCHEMATHESIS_EXTRA_ARGS="--seed <n>".
seed = ${SCHEMATHESIS_SEED:-20261122}

[cache]
directory = "$ST_DIR/cache"

[parameters]
"path.tax_code" = "$DEMO_EMPLOYER"
"path.employment_code" = "$DEMO_EMPLOYMENT"
"path.code" = "contributions"

# Only the inquiry operations get a pinned id: the delegations' ids come from the stateful
# phase (links from POST /delegations).
[[operations]]
include-path-regex = "^/inquiries/"
parameters = { "path.id" = "$DEMO_INQUIRY" }

# The seeded public manual (migration 2026-11-30-000600_assistance) and a registry slug.
[[operations]]
include-path-regex = "^/help/manuals/"
parameters = { "path.id" = "6f1c2a40-0001-4000-8000-000000000001" }

[[operations]]
include-path-regex = "^/help/problems/"
parameters = { "path.slug" = "scope-not-granted" }

# An attachment is recognised from its bytes (PDF, JPEG, PNG, TIFF; a manual PDF or Markdown),
# which no schema can say: random bytes are answered 415, as documented, on these operations
# only.
[[operations]]
include-operation-id = "send_inquiry"
checks = { positive_data_acceptance = { expected-statuses = ["2xx", "401", "403", "404", "409", "412", "415", "422"] } }

[[operations]]
include-operation-id = "open_support_ticket"
checks = { positive_data_acceptance = { expected-statuses = ["2xx", "401", "403", "404", "409", "412", "415", "422"] } }

[[operations]]
include-operation-id = "publish_manual"
checks = { positive_data_acceptance = { expected-statuses = ["2xx", "401", "403", "404", "409", "412", "415", "422"] } }

[[operations]]
include-operation-id = "add_appointment_attachments"
checks = { positive_data_acceptance = { expected-statuses = ["2xx", "401", "403", "404", "409", "412", "415", "422"] } }

[[operations]]
include-operation-id = "post_appointment_message"
checks = { positive_data_acceptance = { expected-statuses = ["2xx", "401", "403", "404", "409", "412", "415", "422"] } }

[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "412", "422"]

[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428"]

# A required If-Match that is missing is 428 Precondition Required (RFC 6585), as documented.
[checks.missing_required_header]
expected-statuses = ["400", "401", "403", "404", "406", "415", "422", "428"]
TOML
global_args=(--config-file "$ST_DIR/schemathesis.toml")

args=(run "$ORIGIN/openapi.json"
      --url "$ORIGIN/v1"
      --checks all
      --phases examples,coverage,fuzzing,stateful
      --max-examples "$MAX_EXAMPLES"
      --exclude-operation-id end_current_session
      --report-dir "$ST_DIR/report")
if [[ -n "${SCHEMATHESIS_EXTRA_ARGS:-}" ]]; then
    read -r -a extra <<<"$SCHEMATHESIS_EXTRA_ARGS"
    args+=("${extra[@]}")
fi
log "schemathesis ${global_args[*]} ${args[*]}${SCHEMATHESIS_AUTH_HEADER:+ -H <SCHEMATHESIS_AUTH_HEADER>}"
if [[ -n "${SCHEMATHESIS_AUTH_HEADER:-}" ]]; then
    args+=(-H "$SCHEMATHESIS_AUTH_HEADER")   # added after logging: do not print the secret
fi

rc=0
"$SCHEMATHESIS" "${global_args[@]}" "${args[@]}" || rc=$?
if [[ $rc -ne 0 ]]; then
    log "schemathesis failed (exit code $rc)"
    show_log 60
fi
exit "$rc"
