//! The r2d2 connection pool. Every connection gets a `statement_timeout` when it is opened, so
//! no query can hold a worker thread (and a pool slot) for longer than the configured budget.
//!
//! A checkout runs no test query (`SELECT 1` on every request was a round trip for nothing): a
//! connection that went bad (the server restarted, a network cut) is found out by the error of
//! its first use, answered 503; diesel then reports it broken (libpq's transaction status is
//! unknown) and the pool discards it instead of handing it out again.

use std::time::Duration;

use diesel::PgConnection;
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};

/// The application's pool type.
pub type PgPool = Pool<ConnectionManager<PgConnection>>;
/// A connection checked out of [`PgPool`].
pub type PooledConn = PooledConnection<ConnectionManager<PgConnection>>;

/// Pool tuning, taken from the application settings.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    /// Largest number of open connections.
    pub max_size: u32,
    /// How long a checkout waits for a free or new connection before failing.
    pub connection_timeout: Duration,
    /// `statement_timeout` applied to every connection.
    pub statement_timeout: Duration,
}

#[derive(Debug)]
struct SessionSetup {
    statement_timeout_ms: u128,
}

impl CustomizeConnection<PgConnection, diesel::r2d2::Error> for SessionSetup {
    fn on_acquire(&self, conn: &mut PgConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(&format!(
            "SET statement_timeout = {}; SET TIME ZONE 'UTC';",
            self.statement_timeout_ms
        ))
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Builds the pool without opening a connection, so the server can start (and report 503 on
/// `/v1/status`) while the database is unreachable.
pub fn build_pool(database_url: &str, settings: &PoolSettings) -> PgPool {
    let manager = ConnectionManager::<PgConnection>::new(database_url);
    Pool::builder()
        .max_size(settings.max_size)
        .min_idle(Some(0))
        .connection_timeout(settings.connection_timeout)
        .test_on_check_out(false)
        .connection_customizer(Box::new(SessionSetup {
            statement_timeout_ms: settings.statement_timeout.as_millis(),
        }))
        .build_unchecked(manager)
}
