//! Serving: migrate, start the accountability-log sealer (unless `AUDIT_SEALER=off`) and the
//! notification delivery worker (unless `NOTIFICATION_WORKER=off`), bind and run the HTTP
//! server until SIGTERM/SIGINT, then stop them. Used by `inps-api serve` and
//! by the multi-replica tests, which start this as separate processes.

use std::sync::Arc;

use anyhow::Context as _;
use diesel::{Connection as _, PgConnection};

use crate::clock::SystemClock;
use crate::settings::Settings;
use crate::{AppState, build_app};

/// Creates the database if missing, applies pending migrations, then seals the webhook
/// signing secrets still stored in clear (`WEBHOOK_SECRET_KEY`).
pub fn migrate(settings: &Settings) -> anyhow::Result<()> {
    inps_persistence::ensure_database_exists(&settings.database_url)
        .context("preparing the database (DATABASE_URL)")?;
    let mut conn =
        PgConnection::establish(&settings.database_url).context("connecting to DATABASE_URL")?;
    let applied = inps_persistence::run_migrations(&mut conn)?;
    tracing::info!(applied = applied.len(), "migrations applied");
    let secrets = crate::notifications::webhooks::secrets::SecretBox::from_settings(settings);
    let sealed =
        crate::notifications::webhooks::secrets::seal_clear_secrets(&mut conn, &secrets, 500)
            .context("sealing webhook secrets")?;
    if sealed > 0 {
        tracing::info!(sealed, "webhook signing secrets sealed");
    }
    Ok(())
}

/// Serves HTTP with `settings` until the process is asked to stop.
pub fn serve(settings: Settings) -> anyhow::Result<()> {
    migrate(&settings)?;
    let bind_addr = settings.bind_addr;
    let workers = settings.http_workers;
    let shutdown = settings.shutdown_timeout;
    let state = AppState::new(settings, Arc::new(SystemClock))?;
    let sealer = if state.settings.audit_sealer_in_serve {
        Some(crate::sealer::spawn(
            state.pool.clone(),
            Arc::clone(&state.clock),
            state.settings.audit_seal_interval,
            state.settings.audit_seal_batch,
        )?)
    } else {
        None
    };
    let worker = if state.settings.notification_worker_in_serve {
        let senders = crate::notifications::worker::Senders::from_settings(&state.settings)?;
        if senders.configured().is_empty() {
            tracing::info!("no notification channel configured: deliveries stay queued");
        }
        Some(crate::notifications::worker::spawn(
            state.pool.clone(),
            senders,
            Arc::clone(&state.clock),
            state.settings.notification_worker_interval,
        )?)
    } else {
        None
    };
    let served = actix_web::rt::System::new().block_on(async move {
        let mut server = actix_web::HttpServer::new(move || build_app(state.clone()))
            .shutdown_timeout(shutdown.as_secs())
            .bind(bind_addr)
            .with_context(|| format!("binding BIND_ADDR={bind_addr}"))?;
        if workers > 0 {
            server = server.workers(workers);
        }
        tracing::info!(%bind_addr, "serving");
        server.run().await.context("HTTP server")
    });
    if let Some(sealer) = sealer {
        sealer.stop();
    }
    if let Some(worker) = worker {
        worker.stop();
    }
    served
}
