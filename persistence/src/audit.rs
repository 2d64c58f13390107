//! The accountability log: append-only, hash-chained rows (see `inps_domain::audit`).
//!
//! Appends are serialized by a transaction-scoped advisory lock taken just before the insert, so
//! each event chains onto the one committed before it; the lock is released at commit, which is
//! why use cases append their audit event last.

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use inps_domain::audit::{
    AuditRecord, ChainVerifier, GENESIS_HASH, chain_hash, truncate_to_micros,
};
use time::OffsetDateTime;

use crate::schema::audit_events;

/// Advisory lock key of the chain head ("INPSAUDT").
const AUDIT_LOCK_KEY: i64 = 0x494E_5053_4155_4454;

/// A stored audit event.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditEventRow {
    /// Position in the chain.
    pub seq: i64,
    /// Identifier.
    pub id: uuid::Uuid,
    /// When it happened (microsecond precision).
    pub occurred_at: OffsetDateTime,
    /// Who acted.
    pub actor_tax_code: Option<String>,
    /// Whose data.
    pub subject_tax_code: Option<String>,
    /// The delegation the actor used, if any.
    pub delegation_id: Option<uuid::Uuid>,
    /// What was done (`session.create`, `delegation.accept`, `employer.read`, ...).
    pub action: String,
    /// Which resource (a path).
    pub resource: String,
    /// `success`, `denied`, `refused:<reason>`.
    pub outcome: String,
    /// Request id.
    pub request_id: Option<String>,
    /// Hash of the previous event.
    pub prev_hash: Vec<u8>,
    /// This event's hash.
    pub hash: Vec<u8>,
}

/// An event to append.
#[derive(Debug, Clone, Default)]
pub struct NewAuditEvent {
    /// Who acted.
    pub actor_tax_code: Option<String>,
    /// Whose data.
    pub subject_tax_code: Option<String>,
    /// The delegation used, if any.
    pub delegation_id: Option<uuid::Uuid>,
    /// What was done.
    pub action: String,
    /// Which resource.
    pub resource: String,
    /// Outcome.
    pub outcome: String,
    /// Request id.
    pub request_id: Option<String>,
}

fn record_of(row: &AuditEventRow) -> AuditRecord {
    AuditRecord {
        seq: row.seq,
        id: row.id.to_string(),
        occurred_at: row.occurred_at,
        actor_tax_code: row.actor_tax_code.clone(),
        subject_tax_code: row.subject_tax_code.clone(),
        delegation_id: row.delegation_id.map(|d| d.to_string()),
        action: row.action.clone(),
        resource: row.resource.clone(),
        outcome: row.outcome.clone(),
        request_id: row.request_id.clone(),
    }
}

/// Appends `event` at `now` to the chain.
pub fn append(
    conn: &mut PgConnection,
    event: NewAuditEvent,
    now: OffsetDateTime,
) -> QueryResult<AuditEventRow> {
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
        .bind::<BigInt, _>(AUDIT_LOCK_KEY)
        .execute(conn)?;
    let head = audit_events::table
        .order(audit_events::seq.desc())
        .select((audit_events::seq, audit_events::hash))
        .first::<(i64, Vec<u8>)>(conn)
        .optional()?;
    let (seq, prev) = match head {
        Some((seq, hash)) => (
            seq + 1,
            <[u8; 32]>::try_from(hash.as_slice()).unwrap_or(GENESIS_HASH),
        ),
        None => (1, GENESIS_HASH),
    };
    let mut row = AuditEventRow {
        seq,
        id: uuid::Uuid::new_v4(),
        occurred_at: truncate_to_micros(now),
        actor_tax_code: event.actor_tax_code,
        subject_tax_code: event.subject_tax_code,
        delegation_id: event.delegation_id,
        action: event.action,
        resource: event.resource,
        outcome: event.outcome,
        request_id: event.request_id,
        prev_hash: prev.to_vec(),
        hash: Vec::new(),
    };
    row.hash = chain_hash(&prev, &record_of(&row)).to_vec();
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::seq.eq(row.seq),
            audit_events::id.eq(row.id),
            audit_events::occurred_at.eq(row.occurred_at),
            audit_events::actor_tax_code.eq(&row.actor_tax_code),
            audit_events::subject_tax_code.eq(&row.subject_tax_code),
            audit_events::delegation_id.eq(row.delegation_id),
            audit_events::action.eq(&row.action),
            audit_events::resource.eq(&row.resource),
            audit_events::outcome.eq(&row.outcome),
            audit_events::request_id.eq(&row.request_id),
            audit_events::prev_hash.eq(&row.prev_hash),
            audit_events::hash.eq(&row.hash),
        ))
        .execute(conn)?;
    Ok(row)
}

/// Filters of an audit listing.
#[derive(Debug, Default)]
pub struct AuditFilter<'a> {
    /// Only events on this subject's data.
    pub subject: Option<&'a str>,
    /// Only events by this actor.
    pub actor: Option<&'a str>,
    /// Restrict to events where this person is subject or actor (`None`: operators see all).
    pub visible_to: Option<&'a str>,
    /// From this instant (inclusive).
    pub from: Option<OffsetDateTime>,
    /// Up to this instant (exclusive).
    pub to: Option<OffsetDateTime>,
}

/// A page of events, newest first, before the keyset `cursor` (a seq).
pub fn list(
    conn: &mut PgConnection,
    filter: &AuditFilter<'_>,
    cursor: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<AuditEventRow>> {
    let mut query = audit_events::table.into_boxed();
    if let Some(who) = filter.visible_to {
        query = query.filter(
            audit_events::subject_tax_code
                .eq(who)
                .or(audit_events::actor_tax_code.eq(who)),
        );
    }
    if let Some(s) = filter.subject {
        query = query.filter(audit_events::subject_tax_code.eq(s));
    }
    if let Some(a) = filter.actor {
        query = query.filter(audit_events::actor_tax_code.eq(a));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_events::occurred_at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_events::occurred_at.lt(to));
    }
    if let Some(seq) = cursor {
        query = query.filter(audit_events::seq.lt(seq));
    }
    query
        .order(audit_events::seq.desc())
        .limit(limit)
        .select(AuditEventRow::as_select())
        .load(conn)
}

/// The result of recomputing the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Events checked (up to and including the first broken one).
    pub checked: u64,
    /// The first broken link: (seq, id, reason).
    pub first_broken: Option<(i64, String, String)>,
}

/// Recomputes the chain from the first event, in batches, and names the first broken link.
pub fn verify_chain(conn: &mut PgConnection, batch: i64) -> QueryResult<ChainReport> {
    let mut verifier = ChainVerifier::new();
    let mut after = 0i64;
    let mut expected_seq = 1i64;
    loop {
        let rows: Vec<AuditEventRow> = audit_events::table
            .filter(audit_events::seq.gt(after))
            .order(audit_events::seq)
            .limit(batch)
            .select(AuditEventRow::as_select())
            .load(conn)?;
        let Some(last) = rows.last() else {
            return Ok(ChainReport {
                checked: verifier.checked(),
                first_broken: None,
            });
        };
        after = last.seq;
        for row in &rows {
            if row.seq != expected_seq {
                return Ok(ChainReport {
                    checked: verifier.checked() + 1,
                    first_broken: Some((row.seq, row.id.to_string(), "missing_event".into())),
                });
            }
            expected_seq += 1;
            if let Err(broken) = verifier.check(&record_of(row), &row.prev_hash, &row.hash) {
                return Ok(ChainReport {
                    checked: verifier.checked() + 1,
                    first_broken: Some((
                        row.seq,
                        row.id.to_string(),
                        format!("{:?}", broken.reason),
                    )),
                });
            }
        }
    }
}
