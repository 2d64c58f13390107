//! Sessions (only the token's hash is stored), replayed-assertion ids and the sandbox key.

use diesel::prelude::*;
use time::{Duration, OffsetDateTime};

use crate::schema::{assertion_replays, person_roles, sandbox_keys, sessions};

/// A session row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Whose session.
    pub tax_code: String,
    /// Assurance level of the login (`L2`, `L3`).
    pub level: String,
    /// Identity provider of the login.
    pub idp: String,
    /// Login time.
    pub created_at: OffsetDateTime,
    /// Latest request.
    pub last_seen_at: OffsetDateTime,
    /// Hard end of the session.
    pub absolute_expires_at: OffsetDateTime,
}

/// A new session.
#[derive(Debug)]
pub struct NewSession<'a> {
    /// Identifier.
    pub id: uuid::Uuid,
    /// SHA-256 of the bearer token.
    pub token_hash: &'a [u8],
    /// Whose session.
    pub tax_code: &'a str,
    /// Assurance level.
    pub level: &'a str,
    /// Identity provider.
    pub idp: &'a str,
    /// Login time.
    pub now: OffsetDateTime,
    /// Hard end of the session.
    pub absolute_expires_at: OffsetDateTime,
}

/// Stores a new session.
pub fn insert(conn: &mut PgConnection, s: &NewSession<'_>) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(s.id),
            sessions::token_hash.eq(s.token_hash),
            sessions::tax_code.eq(s.tax_code),
            sessions::level.eq(s.level),
            sessions::idp.eq(s.idp),
            sessions::created_at.eq(s.now),
            sessions::last_seen_at.eq(s.now),
            sessions::absolute_expires_at.eq(s.absolute_expires_at),
        ))
        .execute(conn)
        .map(drop)
}

/// How often a session's activity is written: a request within this long of the last recorded
/// one writes nothing, so reads stay reads. The idle timeout is thereby enforced to the minute.
pub const ACTIVITY_GRANULARITY: Duration = Duration::minutes(1);

/// The live session of `token_hash` at `now` (not revoked, used within `idle`, before its
/// absolute end) with the roles of its person, in one statement; its activity is recorded when
/// the last record is older than [`ACTIVITY_GRANULARITY`].
pub fn authenticate(
    conn: &mut PgConnection,
    token_hash: &[u8],
    now: OffsetDateTime,
    idle: Duration,
) -> QueryResult<Option<(SessionRow, Vec<String>)>> {
    let rows: Vec<(SessionRow, Option<String>)> = sessions::table
        .left_join(person_roles::table.on(person_roles::tax_code.eq(sessions::tax_code)))
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::last_seen_at.ge(now - idle))
        .filter(sessions::absolute_expires_at.gt(now))
        .select((SessionRow::as_select(), person_roles::role.nullable()))
        .load(conn)?;
    let mut rows = rows.into_iter();
    let Some((session, first_role)) = rows.next() else {
        return Ok(None);
    };
    let roles: Vec<String> = first_role
        .into_iter()
        .chain(rows.filter_map(|(_, role)| role))
        .collect();
    if session.last_seen_at <= now - ACTIVITY_GRANULARITY {
        record_activity(conn, session.id, now)?;
    }
    Ok(Some((session, roles)))
}

/// Moves a session's last activity to `now`. Outside a transaction (a request resolving its
/// session) the write commits without waiting for its WAL flush (`synchronous_commit = off`
/// for this transaction only): a crash can lose at most the last fraction of a second of such
/// records, which makes a session look idle since its previous record, so it can only expire
/// sooner, never live longer. Inside a caller's transaction the update simply joins it (its
/// durability is the caller's).
fn record_activity(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> QueryResult<()> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager as _};
    let update = |conn: &mut PgConnection| {
        diesel::update(sessions::table.find(id))
            .filter(sessions::last_seen_at.lt(now))
            .set(sessions::last_seen_at.eq(now))
            .execute(conn)
            .map(drop)
    };
    let in_transaction = AnsiTransactionManager::transaction_manager_status_mut(conn)
        .transaction_depth()?
        .is_some();
    if in_transaction {
        return update(conn);
    }
    conn.transaction(|conn| {
        diesel::sql_query("SET LOCAL synchronous_commit TO OFF").execute(conn)?;
        update(conn)
    })
}

/// Revokes a session (logout).
pub fn revoke(conn: &mut PgConnection, id: uuid::Uuid, now: OffsetDateTime) -> QueryResult<bool> {
    diesel::update(
        sessions::table
            .find(id)
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(Some(now)))
    .execute(conn)
    .map(|n| n == 1)
}

/// Records an assertion id; false when it was seen before (a replay). Expired ids are purged.
pub fn record_assertion_id(
    conn: &mut PgConnection,
    jti: &str,
    expires_at: OffsetDateTime,
    now: OffsetDateTime,
) -> QueryResult<bool> {
    diesel::delete(assertion_replays::table.filter(assertion_replays::expires_at.lt(now)))
        .execute(conn)?;
    diesel::insert_into(assertion_replays::table)
        .values((
            assertion_replays::jti.eq(jti),
            assertion_replays::expires_at.eq(expires_at),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .map(|n| n == 1)
}

/// The stored sandbox signing key, storing `generate()`'s when there is none yet. Replicas that
/// race both insert; the first key (by creation time, then kid) wins for everyone.
pub fn sandbox_key_or_insert(
    conn: &mut PgConnection,
    generate: impl FnOnce() -> Option<(String, String)>,
    now: OffsetDateTime,
) -> QueryResult<Option<String>> {
    let existing = sandbox_keys::table
        .order((sandbox_keys::created_at, sandbox_keys::kid))
        .select(sandbox_keys::private_pem)
        .first::<String>(conn)
        .optional()?;
    if existing.is_some() {
        return Ok(existing);
    }
    let Some((kid, pem)) = generate() else {
        return Ok(None);
    };
    diesel::insert_into(sandbox_keys::table)
        .values((
            sandbox_keys::kid.eq(kid),
            sandbox_keys::private_pem.eq(pem),
            sandbox_keys::created_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    sandbox_keys::table
        .order((sandbox_keys::created_at, sandbox_keys::kid))
        .select(sandbox_keys::private_pem)
        .first::<String>(conn)
        .optional()
}
