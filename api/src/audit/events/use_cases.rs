//! Reading the accountability log: search it, verify its hash chain. No HTTP.

use diesel::PgConnection;
use inps_domain::tax_code::TaxCode;
use inps_persistence::audit::{self, AuditEventRow, AuditFilter, ChainReport};
use time::OffsetDateTime;

use crate::auth::Actor;
use crate::refusal::Refusal;

/// Which events to list.
#[derive(Debug, Clone, Default)]
pub struct ListEvents {
    /// Only events on this subject's data.
    pub subject: Option<TaxCode>,
    /// Only events by this actor.
    pub by: Option<TaxCode>,
    /// From this instant (inclusive).
    pub from: Option<OffsetDateTime>,
    /// Up to this instant (exclusive).
    pub to: Option<OffsetDateTime>,
    /// Before this position of the chain.
    pub before: Option<i64>,
    /// At most this many.
    pub limit: i64,
}

/// The events matching `cmd`, newest first: a person sees only events on their data or made
/// by themselves, operators everything.
pub fn list_events(
    conn: &mut PgConnection,
    actor: &Actor,
    cmd: ListEvents,
) -> Result<Vec<AuditEventRow>, Refusal> {
    let visible_to = (!actor.is_operator())
        .then(|| actor.person().map(TaxCode::as_str))
        .flatten();
    let filter = AuditFilter {
        subject: cmd.subject.as_ref().map(TaxCode::as_str),
        actor: cmd.by.as_ref().map(TaxCode::as_str),
        visible_to,
        from: cmd.from,
        to: cmd.to,
    };
    Ok(audit::list(conn, &filter, cmd.before, cmd.limit)?)
}

/// Recomputes the hash chain from the first event (operators, the command line).
pub fn verify_chain(conn: &mut PgConnection, actor: &Actor) -> Result<ChainReport, Refusal> {
    if !actor.is_operator() {
        return Err(Refusal::operators_only());
    }
    Ok(audit::verify_chain(conn, 1000)?)
}
