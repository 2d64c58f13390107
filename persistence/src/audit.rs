//! The accountability log: append-only rows, hash-chained by a sealer (see
//! `inps_domain::audit`).
//!
//! A use case [`append`]s its events unchained, in its own transaction, with no lock shared
//! with other writers: many writers never wait for each other. [`seal_batch`] then chains the
//! committed events in insertion order, a batch at a time, one sealer at a time (a
//! transaction-scoped advisory lock; the unique `seq` makes a fork impossible even without it),
//! and records each batch's head in `audit_seals`. An event committed while a batch is being
//! sealed is not visible to it and is sealed by the next one: nothing is skipped.

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Bytea};
use inps_domain::audit::{
    AuditRecord, ChainHead, ChainVerifier, GENESIS_HASH, seal, truncate_to_micros,
};
use time::OffsetDateTime;

use crate::schema::{audit_events, audit_seals};

/// Advisory lock key of the sealer ("INPSAUDT").
const SEALER_LOCK_KEY: i64 = 0x494E_5053_4155_4454;

/// A stored audit event.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditEventRow {
    /// Position in the chain (`None` until sealed).
    pub seq: Option<i64>,
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
    /// Hash of the previous event (`None` until sealed).
    pub prev_hash: Option<Vec<u8>>,
    /// This event's hash (`None` until sealed).
    pub hash: Option<Vec<u8>>,
    /// Insertion order, the order in which events are sealed.
    pub position: i64,
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
        seq: row.seq.unwrap_or_default(),
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

/// Appends `event` at `now`, unchained: the sealer chains it once it is committed.
pub fn append(
    conn: &mut PgConnection,
    event: NewAuditEvent,
    now: OffsetDateTime,
) -> QueryResult<uuid::Uuid> {
    let id = uuid::Uuid::new_v4();
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::id.eq(id),
            audit_events::occurred_at.eq(truncate_to_micros(now)),
            audit_events::actor_tax_code.eq(event.actor_tax_code),
            audit_events::subject_tax_code.eq(event.subject_tax_code),
            audit_events::delegation_id.eq(event.delegation_id),
            audit_events::action.eq(event.action),
            audit_events::resource.eq(event.resource),
            audit_events::outcome.eq(event.outcome),
            audit_events::request_id.eq(event.request_id),
        ))
        .execute(conn)?;
    Ok(id)
}

/// What one sealing pass did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sealing {
    /// Another sealer holds the lock: nothing was done.
    Busy,
    /// This many events were sealed (0: none was waiting).
    Sealed(usize),
}

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = Bool)]
    locked: bool,
}

/// The chain's head: the last sealed event.
fn head(conn: &mut PgConnection) -> QueryResult<Option<ChainHead>> {
    let row = audit_events::table
        .filter(audit_events::seq.is_not_null())
        .order(audit_events::seq.desc())
        .select((audit_events::seq, audit_events::hash))
        .first::<(Option<i64>, Option<Vec<u8>>)>(conn)
        .optional()?;
    Ok(row.and_then(|(seq, hash)| {
        Some(ChainHead {
            seq: seq?,
            hash: <[u8; 32]>::try_from(hash?.as_slice()).unwrap_or(GENESIS_HASH),
        })
    }))
}

/// Seals up to `max` committed, unsealed events at `now`, in insertion order, inside the
/// caller's transaction, and records the batch's head. Only one sealer works at a time: the
/// others answer [`Sealing::Busy`] at once.
pub fn seal_batch(conn: &mut PgConnection, max: i64, now: OffsetDateTime) -> QueryResult<Sealing> {
    let Locked { locked } = diesel::sql_query("SELECT pg_try_advisory_xact_lock($1) AS locked")
        .bind::<BigInt, _>(SEALER_LOCK_KEY)
        .get_result(conn)?;
    if !locked {
        return Ok(Sealing::Busy);
    }
    let rows: Vec<AuditEventRow> = audit_events::table
        .filter(audit_events::seq.is_null())
        .order(audit_events::position)
        .limit(max)
        .select(AuditEventRow::as_select())
        .load(conn)?;
    if rows.is_empty() {
        return Ok(Sealing::Sealed(0));
    }
    let mut records: Vec<AuditRecord> = rows.iter().map(record_of).collect();
    let links = seal(head(conn)?, &mut records);
    // One statement for the whole batch: the links travel as four parallel arrays.
    diesel::sql_query(
        "UPDATE audit_events AS a SET seq = l.seq, prev_hash = l.prev_hash, hash = l.hash \
         FROM unnest($1::bigint[], $2::bigint[], $3::bytea[], $4::bytea[]) \
              AS l(position, seq, prev_hash, hash) \
         WHERE a.position = l.position",
    )
    .bind::<Array<BigInt>, _>(rows.iter().map(|r| r.position).collect::<Vec<_>>())
    .bind::<Array<BigInt>, _>(links.iter().map(|l| l.seq).collect::<Vec<_>>())
    .bind::<Array<Bytea>, _>(
        links
            .iter()
            .map(|l| l.prev_hash.to_vec())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Bytea>, _>(links.iter().map(|l| l.hash.to_vec()).collect::<Vec<_>>())
    .execute(conn)?;
    if let (Some(first), Some(last)) = (links.first(), links.last()) {
        diesel::insert_into(audit_seals::table)
            .values((
                audit_seals::first_seq.eq(first.seq),
                audit_seals::last_seq.eq(last.seq),
                audit_seals::head_hash.eq(last.hash.to_vec()),
                audit_seals::sealed_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(Sealing::Sealed(links.len()))
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

/// A page of events, newest first, before the keyset `cursor` (a position).
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
    if let Some(position) = cursor {
        query = query.filter(audit_events::position.lt(position));
    }
    query
        .order(audit_events::position.desc())
        .limit(limit)
        .select(AuditEventRow::as_select())
        .load(conn)
}

/// When the oldest event still waiting to be sealed happened (`None` when none waits).
pub fn oldest_unsealed_at(conn: &mut PgConnection) -> QueryResult<Option<OffsetDateTime>> {
    audit_events::table
        .filter(audit_events::seq.is_null())
        .order(audit_events::position)
        .select(audit_events::occurred_at)
        .first::<OffsetDateTime>(conn)
        .optional()
}

/// The result of recomputing the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Events checked (up to and including the first broken one).
    pub checked: u64,
    /// The first broken link: (seq, id, reason).
    pub first_broken: Option<(i64, String, String)>,
    /// The last sealed `seq` (0 before the first seal).
    pub sealed_up_to: i64,
    /// Events committed and still waiting to be sealed.
    pub pending: i64,
    /// When the oldest waiting event happened (how far sealing lags).
    pub oldest_pending_at: Option<OffsetDateTime>,
}

fn broken(
    checked: u64,
    seq: i64,
    id: String,
    reason: &str,
) -> Option<(u64, (i64, String, String))> {
    Some((checked, (seq, id, reason.to_owned())))
}

/// Recomputes the sealed chain from the first event, in batches, and names the first broken
/// link; then checks that the chain ends where the last recorded seal says it does (so events
/// removed from the end are detected too), and counts what waits to be sealed.
pub fn verify_chain(conn: &mut PgConnection, batch: i64) -> QueryResult<ChainReport> {
    let mut verifier = ChainVerifier::new();
    let mut after = 0i64;
    let mut expected_seq = 1i64;
    let mut last_hash: Option<Vec<u8>> = None;
    let mut failure = None;
    'chain: loop {
        let rows: Vec<AuditEventRow> = audit_events::table
            .filter(audit_events::seq.gt(after))
            .order(audit_events::seq)
            .limit(batch)
            .select(AuditEventRow::as_select())
            .load(conn)?;
        let Some(last) = rows.last() else {
            break;
        };
        after = last.seq.unwrap_or(after);
        for row in &rows {
            let seq = row.seq.unwrap_or_default();
            if seq != expected_seq {
                failure = broken(
                    verifier.checked() + 1,
                    seq,
                    row.id.to_string(),
                    "missing_event",
                );
                break 'chain;
            }
            expected_seq += 1;
            let prev = row.prev_hash.as_deref().unwrap_or_default();
            let hash = row.hash.as_deref().unwrap_or_default();
            if let Err(link) = verifier.check(&record_of(row), prev, hash) {
                failure = broken(
                    verifier.checked() + 1,
                    seq,
                    row.id.to_string(),
                    &format!("{:?}", link.reason),
                );
                break 'chain;
            }
            last_hash = row.hash.clone();
        }
    }
    let sealed_up_to = expected_seq - 1;
    if failure.is_none() {
        let seal = audit_seals::table
            .order(audit_seals::last_seq.desc())
            .select((audit_seals::last_seq, audit_seals::head_hash))
            .first::<(i64, Vec<u8>)>(conn)
            .optional()?;
        if let Some((last_seq, head_hash)) = seal
            && (last_seq != sealed_up_to || last_hash.as_ref() != Some(&head_hash))
        {
            failure = broken(verifier.checked(), last_seq, String::new(), "missing_event");
        }
    }
    let pending_rows = audit_events::table.filter(audit_events::seq.is_null());
    let pending: i64 = pending_rows.count().get_result(conn)?;
    let oldest_pending_at = oldest_unsealed_at(conn)?;
    let (checked, first_broken) = match failure {
        Some((checked, link)) => (checked, Some(link)),
        None => (verifier.checked(), None),
    };
    Ok(ChainReport {
        checked,
        first_broken,
        sealed_up_to,
        pending,
        oldest_pending_at,
    })
}
