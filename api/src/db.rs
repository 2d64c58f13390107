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

/// Runs `f` in one transaction: committed when it returns `Ok`, rolled back on `Err`.
pub async fn transaction<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    with_conn(state, move |conn| conn.transaction(f)).await
}
