# syntax=docker/dockerfile:1
# Container image for the inps-api server.
#   build:  docker build -t inps-api .
#   run:    docker run -e DATABASE_URL=postgres://postgres@host:5432/inps -p 8080:8080 inps-api
# Stage 1 compiles the release binary (diesel's postgres backend links libpq);
# stage 2 is a slim Debian runtime with only libpq5, libssl3 (SMTP over TLS) + CA certificates, running as non-root.

# ---------- build stage ----------
FROM rust:1.95-bookworm AS builder

RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev libssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Whole workspace: all members' manifests are needed to resolve the workspace, and
# migrations/ is embedded into the binary at compile time (diesel embed_migrations!).
COPY . .

# The cargo registry cache mount speeds up rebuilds (BuildKit); target/ stays in the layer
# so the binary can be copied from /app/target/release/inps-api below.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    cargo build --release --locked -p inps-api

# ---------- runtime stage ----------
FROM debian:bookworm-slim AS runtime

RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 libssl3 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 inps \
    && useradd --system --uid 10001 --gid inps --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin inps

COPY --from=builder /app/target/release/inps-api /usr/local/bin/inps-api

ENV BIND_ADDR=0.0.0.0:8080 \
    APP_ENV=sandbox

USER 10001:10001
EXPOSE 8080

# No HEALTHCHECK: the slim image has no curl/wget (kept small on purpose);
# docker-compose / the orchestrator can probe GET /v1/status from outside.
ENTRYPOINT ["inps-api"]
CMD ["serve"]
