#!/usr/bin/env bash
# Runs the API locally: makes sure PostgreSQL answers (installing and starting it when needed),
# then builds and serves. The server creates and migrates its database itself.
#   scripts/serve.sh            -> http://127.0.0.1:8080/v1/status, Swagger UI at /swagger-ui/
# Any setting can be passed as an environment variable (README "Configuration").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/ensure-postgres.sh
exec cargo run --release -p inps-api -- serve "$@"
