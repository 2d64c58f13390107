//! Running diesel work off the actix worker threads. A use case is one closure run in one
//! transaction on the blocking pool; an unreachable database is a 503, never a hung worker.

use actix_web::web;
use diesel::{Connection, PgConnection};

use crate::error::ApiError;
use crate::state::AppState;

/// Runs `f` with a pooled connection on the blocking thread pool, without a transaction.
pub async fn with_conn<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = state.pool.clone();
    let waiting = state.metrics.pool_waiting.clone();
    web::block(move || {
        waiting.inc();
        let conn = pool.get();
        waiting.dec();
        let mut conn = conn.map_err(ApiError::unavailable)?;
        f(&mut conn)
    })
    .await
    .map_err(ApiError::internal)?
}

/// Runs `f` in one transaction: committed when it returns `Ok`, rolled back on `Err`. A refusal
/// that carries an accountability-log event (a denied access) has it written after the
/// rollback, in a transaction of its own.
pub async fn transaction<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let now = state.clock.now();
    with_conn(state, move |conn| run_in_transaction(conn, now, f)).await
}

/// [`transaction`] on a connection the caller holds (the command line, the demo seeder).
pub fn run_in_transaction<T, F>(
    conn: &mut PgConnection,
    now: time::OffsetDateTime,
    f: F,
) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, ApiError>,
{
    conn.transaction(f).map_err(|mut e: ApiError| {
        if let Some(event) = e.refusal.take_audit()
            && let Err(log_error) = inps_persistence::audit::append(conn, event, now)
        {
            tracing::error!(error = %log_error, "could not record a denied attempt");
        }
        e
    })
}
