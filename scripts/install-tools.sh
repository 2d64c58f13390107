#!/usr/bin/env bash
# install-tools.sh — install the repo-local lint/test tools into .tools/ (git-ignored).
#
#   * Spectral CLI (OpenAPI linter):  .tools/spectral/node_modules/.bin/spectral
#   * Schemathesis (API fuzzer):      .tools/venv/bin/schemathesis
#
# Each tool is installed only when missing or at the wrong version, so the script is
# idempotent and cheap to re-run. Needs network access to npm and PyPI when installing.
# Override versions with SPECTRAL_VERSION / SCHEMATHESIS_VERSION.
set -euo pipefail

SPECTRAL_VERSION="${SPECTRAL_VERSION:-6.16.3}"
SCHEMATHESIS_VERSION="${SCHEMATHESIS_VERSION:-4.32.5}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
mkdir -p "$TOOLS"

log() { printf 'install-tools: %s\n' "$*" >&2; }

# --- Spectral -----------------------------------------------------------------
SPECTRAL_DIR="$TOOLS/spectral"
SPECTRAL_BIN="$SPECTRAL_DIR/node_modules/.bin/spectral"
have_spectral=""
if [[ -x "$SPECTRAL_BIN" ]]; then
    have_spectral="$("$SPECTRAL_BIN" --version 2>/dev/null | tr -d '[:space:]' || true)"
fi
if [[ "$have_spectral" == "$SPECTRAL_VERSION" ]]; then
    log "spectral $SPECTRAL_VERSION already installed"
else
    command -v npm >/dev/null 2>&1 || { log "npm not found (need Node.js + npm)"; exit 1; }
    log "installing @stoplight/spectral-cli@$SPECTRAL_VERSION into .tools/spectral${have_spectral:+ (found '$have_spectral')}"
    mkdir -p "$SPECTRAL_DIR"
    npm install --prefix "$SPECTRAL_DIR" --no-audit --no-fund --loglevel=error \
        "@stoplight/spectral-cli@$SPECTRAL_VERSION" >&2
    log "spectral $("$SPECTRAL_BIN" --version) installed"
fi

# --- Schemathesis (Python venv) -----------------------------------------------
VENV="$TOOLS/venv"
PY="$VENV/bin/python"
have_st=""
if [[ -x "$PY" ]]; then
    have_st="$("$PY" -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null || true)"
fi
if [[ "$have_st" == "$SCHEMATHESIS_VERSION" && -x "$VENV/bin/schemathesis" ]]; then
    log "schemathesis $SCHEMATHESIS_VERSION already installed"
else
    if [[ ! -x "$PY" ]]; then
        log "creating Python venv at .tools/venv"
        python3 -m venv "$VENV" || {
            log "python3 -m venv failed (on Debian: apt-get install -y python3-venv)"; exit 1; }
    fi
    log "installing schemathesis==$SCHEMATHESIS_VERSION into .tools/venv${have_st:+ (found '$have_st')}"
    "$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
    "$PY" -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2
    log "$("$VENV/bin/schemathesis" --version 2>&1 | head -n1) installed"
fi

log "done"
