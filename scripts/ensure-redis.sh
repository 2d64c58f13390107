#!/usr/bin/env bash
# ensure-redis.sh — make sure a Redis answers at 127.0.0.1:6379 (the multi-replica tests share
# rate limits through it). On this project's machines one is already running; on a fresh Debian
# machine it is installed and started without persistence. Idempotent.
set -euo pipefail
log() { printf 'ensure-redis: %s\n' "$*" >&2; }
answers() { (exec 3<>/dev/tcp/127.0.0.1/6379 && printf 'PING\r\n' >&3 && head -c 5 <&3 | grep -q PONG) 2>/dev/null; }
if answers; then
    exit 0
fi
if ! command -v redis-server >/dev/null 2>&1; then
    log "installing redis-server"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
log "starting redis-server on 127.0.0.1:6379 (no persistence)"
redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no --daemonize yes >/dev/null
for _ in $(seq 1 50); do
    answers && exit 0
    sleep 0.1
done
log "ERROR: Redis does not answer on 127.0.0.1:6379"
exit 1
