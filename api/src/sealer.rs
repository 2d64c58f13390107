//! The accountability-log sealer: chains committed events in batches (see
//! `inps_persistence::audit::seal_batch`), one sealer at a time across every replica. It runs
//! inside `serve` (unless `AUDIT_SEALER=off`) and as `inps-api sealer`.

use std::sync::Arc;
use std::time::Duration;

use diesel::{Connection, PgConnection};
use inps_persistence::PgPool;
use inps_persistence::audit::{Sealing, seal_batch};

use crate::background::Periodic;
use crate::clock::Clock;

/// Seals everything committed so far, one transaction per batch of `batch` events. Returns how
/// many were sealed, or [`Sealing::Busy`] when another sealer holds the chain.
pub fn seal_pending(
    conn: &mut PgConnection,
    batch: i64,
    clock: &dyn Clock,
) -> diesel::QueryResult<Sealing> {
    let mut total = 0usize;
    loop {
        let now = clock.now();
        match conn.transaction(|conn| seal_batch(conn, batch, now))? {
            Sealing::Busy if total == 0 => return Ok(Sealing::Busy),
            Sealing::Busy => return Ok(Sealing::Sealed(total)),
            Sealing::Sealed(n) => {
                total += n;
                if i64::try_from(n).unwrap_or(i64::MAX) < batch {
                    return Ok(Sealing::Sealed(total));
                }
            }
        }
    }
}

/// Starts a sealer over `pool`: it seals what is pending, then waits `interval` (also when
/// another replica's sealer is busy). Errors are logged and retried after `interval`.
pub fn spawn(
    pool: PgPool,
    clock: Arc<dyn Clock>,
    interval: Duration,
    batch: i64,
) -> std::io::Result<Periodic> {
    Periodic::spawn(
        "audit-sealer",
        "audit sealing",
        pool,
        interval,
        move |conn| {
            if let Sealing::Sealed(n) =
                seal_pending(conn, batch, clock.as_ref()).map_err(|e| e.to_string())?
                && n > 0
            {
                tracing::debug!(sealed = n, "audit events sealed");
            }
            Ok(())
        },
    )
}
