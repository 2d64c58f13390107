//! Running diesel work off the actix worker threads, one pooled connection per request.
//!
//! A request checks out one connection, the first time it needs one (usually to resolve its
//! session), and keeps it for the rest of its work: [`request_scope`] (a middleware) gives each
//! request a slot that [`with_conn`] takes the connection from and puts it back into. No test
//! query runs at checkout; a connection whose use shows it broken (its error is answered 503)
//! leaves the request and is discarded by the pool (see `inps_persistence::pool`).
//!
//! A use case that writes runs in one [`transaction`]; a read runs as [`read`], without
//! `BEGIN`/`COMMIT` (under PostgreSQL's default isolation each statement sees its own snapshot
//! either way). An unreachable database is a 503, never a hung worker.

use std::cell::RefCell;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;
use diesel::{Connection, PgConnection};
use inps_persistence::PooledConn;

use crate::auth::{Bearer, Caller};
use crate::error::{ApiError, Problem};
use crate::state::AppState;

tokio::task_local! {
    /// The connection the current request holds, between two uses.
    static REQUEST_CONN: RefCell<Option<PooledConn>>;
}

/// Middleware: gives the request a connection slot, so that its session lookup and its use case
/// share one checkout. The connection goes back to the pool when the request ends.
pub async fn request_scope(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    REQUEST_CONN.scope(RefCell::new(None), next.call(req)).await
}

fn take_held() -> Option<PooledConn> {
    REQUEST_CONN
        .try_with(|slot| slot.borrow_mut().take())
        .ok()
        .flatten()
}

/// Gives the connection the current request holds back to the pool, before a wait that needs
/// none (a DNS lookup); the next use checks one out again.
pub fn release_connection() {
    drop(take_held());
}

fn put_back(conn: PooledConn) {
    // Outside a request (the sealer, tests calling directly) there is no slot: the connection
    // simply returns to the pool.
    let _ = REQUEST_CONN.try_with(|slot| *slot.borrow_mut() = Some(conn));
}

/// Runs `f` with the request's connection (checked out now if it holds none) on the blocking
/// thread pool, without a transaction.
pub async fn with_conn<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let held = take_held();
    let pool = state.pool.clone();
    let waiting = state.metrics.pool_waiting.clone();
    let (conn, result) = web::block(move || {
        let mut conn = match held {
            Some(conn) => conn,
            None => {
                waiting.inc();
                let conn = pool.get();
                waiting.dec();
                match conn {
                    Ok(conn) => conn,
                    Err(e) => return (None, Err(ApiError::unavailable(e))),
                }
            }
        };
        let result = f(&mut conn);
        if result
            .as_ref()
            .is_err_and(|e| e.problem() == Problem::ServiceUnavailable)
        {
            // The database failed under this connection: the request lets it go, and the pool
            // drops it when diesel reports it broken.
            return (None, result);
        }
        (Some(conn), result)
    })
    .await
    .map_err(ApiError::internal)?;
    if let Some(conn) = conn {
        put_back(conn);
    }
    result
}

/// Runs `f` without a transaction (a read: each statement commits on its own). A refusal that
/// carries an accountability-log event (a denied access) has it written.
pub async fn read<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let now = state.clock.now();
    with_conn(state, move |conn| {
        f(conn).map_err(|e| record_refusal(conn, now, e))
    })
    .await
}

/// [`read`] for the holder of `bearer`: the session is resolved (401 when none is live) in the
/// same blocking call and on the same connection as the read, so an authenticated read is one
/// hop to the blocking pool.
pub async fn read_as<T, F>(state: &AppState, bearer: Bearer, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection, Caller) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let now = state.clock.now();
    let shared = state.clone();
    with_conn(state, move |conn| {
        let caller = bearer.authenticate(conn, &shared, now)?;
        f(conn, caller).map_err(|e| record_refusal(conn, now, e))
    })
    .await
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
    conn.transaction(f)
        .map_err(|e: ApiError| record_refusal(conn, now, e))
}

fn record_refusal(conn: &mut PgConnection, now: time::OffsetDateTime, mut e: ApiError) -> ApiError {
    if let Some(event) = e.refusal.take_audit()
        && let Err(log_error) = inps_persistence::audit::append(conn, event, now)
    {
        tracing::error!(error = %log_error, "could not record a denied attempt");
    }
    e
}
