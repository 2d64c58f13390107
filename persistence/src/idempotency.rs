//! `Idempotency-Key` records: the first successful answer of a creating POST, per caller,
//! method and path ([`KeyScope`]). A key stands for one request: the same key sent by the same
//! caller to another method or path is a misuse ([`used_elsewhere`]), refused once the request
//! has otherwise succeeded, so that a path the caller may not see still answers 404.
//!
//! The claim is an `INSERT ... ON CONFLICT DO NOTHING` inside the use case's transaction: a
//! concurrent duplicate blocks on the unique key until the first transaction ends, then sees
//! its stored answer (or, if it rolled back, claims the key itself). So duplicates execute once.

use diesel::prelude::*;
use time::{Duration, OffsetDateTime};

use crate::schema::idempotency_keys;

/// What claiming a key found.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// First use: run the use case and [`complete`] the key.
    Fresh,
    /// Seen before with the same request: replay this answer.
    Replay {
        /// HTTP status.
        status: i32,
        /// Body bytes.
        body: Vec<u8>,
        /// `Location` header, if any.
        location: Option<String>,
    },
    /// Seen before with another request.
    Mismatch,
}

/// Who sent a key, and to which request: the unique key of a record.
#[derive(Debug, Clone, Copy)]
pub struct KeyScope<'a> {
    /// The caller (tax code of the session's person).
    pub caller: &'a str,
    /// The HTTP method.
    pub method: &'a str,
    /// The request path.
    pub path: &'a str,
    /// The `Idempotency-Key` value.
    pub key: &'a str,
}

/// The record of a scope, as a filtered table (for select, update and delete).
macro_rules! record {
    ($scope:expr) => {
        idempotency_keys::table
            .filter(idempotency_keys::caller.eq($scope.caller))
            .filter(idempotency_keys::method.eq($scope.method))
            .filter(idempotency_keys::path.eq($scope.path))
            .filter(idempotency_keys::key.eq($scope.key))
    };
}

/// Serializes the requests of one caller with one key until the transaction ends, so that two
/// concurrent uses of a key on different paths cannot both miss each other.
pub fn lock_key(conn: &mut PgConnection, caller: &str, key: &str) -> QueryResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 11))")
        .bind::<diesel::sql_types::Text, _>(format!("{caller}\u{1f}{key}"))
        .execute(conn)
        .map(drop)
}

/// Whether the caller of `scope` used its key, still remembered at `now`, on another method or
/// path.
pub fn used_elsewhere(
    conn: &mut PgConnection,
    scope: &KeyScope<'_>,
    now: OffsetDateTime,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        idempotency_keys::table
            .filter(idempotency_keys::caller.eq(scope.caller))
            .filter(idempotency_keys::key.eq(scope.key))
            .filter(idempotency_keys::expires_at.gt(now))
            .filter(
                idempotency_keys::method
                    .ne(scope.method)
                    .or(idempotency_keys::path.ne(scope.path)),
            ),
    ))
    .get_result(conn)
}

/// Whether the key of `scope` holds a live answer (a retry of a request already answered).
pub fn answered(
    conn: &mut PgConnection,
    scope: &KeyScope<'_>,
    now: OffsetDateTime,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        record!(scope)
            .filter(idempotency_keys::expires_at.gt(now))
            .filter(idempotency_keys::response_status.is_not_null()),
    ))
    .get_result(conn)
}

/// Claims the key of `scope` with the request `fingerprint`.
pub fn claim(
    conn: &mut PgConnection,
    scope: &KeyScope<'_>,
    fingerprint: &[u8],
    now: OffsetDateTime,
    ttl: Duration,
) -> QueryResult<Claim> {
    diesel::delete(record!(scope).filter(idempotency_keys::expires_at.le(now))).execute(conn)?;
    let inserted = diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::caller.eq(scope.caller),
            idempotency_keys::method.eq(scope.method),
            idempotency_keys::path.eq(scope.path),
            idempotency_keys::key.eq(scope.key),
            idempotency_keys::fingerprint.eq(fingerprint),
            idempotency_keys::created_at.eq(now),
            idempotency_keys::expires_at.eq(now + ttl),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    if inserted == 1 {
        return Ok(Claim::Fresh);
    }
    let (stored_fingerprint, status, body, location) = record!(scope)
        .select((
            idempotency_keys::fingerprint,
            idempotency_keys::response_status,
            idempotency_keys::response_body,
            idempotency_keys::response_location,
        ))
        .first::<(Vec<u8>, Option<i32>, Option<Vec<u8>>, Option<String>)>(conn)?;
    if stored_fingerprint != fingerprint {
        return Ok(Claim::Mismatch);
    }
    Ok(match (status, body) {
        (Some(status), Some(body)) => Claim::Replay {
            status,
            body,
            location,
        },
        // Claimed and committed without an answer cannot happen (both are one transaction).
        _ => Claim::Mismatch,
    })
}

/// Stores the answer of a fresh claim.
pub fn complete(
    conn: &mut PgConnection,
    scope: &KeyScope<'_>,
    status: i32,
    body: &[u8],
    location: Option<&str>,
) -> QueryResult<()> {
    diesel::update(record!(scope))
        .set((
            idempotency_keys::response_status.eq(Some(status)),
            idempotency_keys::response_body.eq(Some(body)),
            idempotency_keys::response_location.eq(location),
        ))
        .execute(conn)
        .map(drop)
}
