//! Delegations (deleghe) from a subject to a qualified intermediary.

use std::str::FromStr;

use diesel::prelude::*;
use inps_domain::authorization::DelegationFact;
use inps_domain::delegation::{DelegationStatus, Scope, Service};
use inps_domain::tax_code::TaxCode;
use time::{Date, OffsetDateTime};

use crate::corrupt::{CorruptRow, parse_column};
use crate::schema::delegations;

/// A stored delegation.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = delegations)]
pub struct DelegationRow {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The subject who delegates.
    pub delegator_tax_code: String,
    /// The intermediary.
    pub delegate_tax_code: String,
    /// `domestic_work` or `occasional_work`.
    pub service: String,
    /// Scopes granted.
    pub scopes: Vec<String>,
    /// First day in force.
    pub valid_from: Date,
    /// Last day in force.
    pub valid_until: Date,
    /// Stored status (expiry by date is derived on read).
    pub status: String,
    /// SHA-256 of the verification code handed to the intermediary.
    pub verification_code_hash: Vec<u8>,
    /// Wrong verification codes tried.
    pub failed_attempts: i32,
    /// Increases at every change (the ETag).
    pub version: i32,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// Who created it.
    pub created_by: String,
    /// When it became active.
    pub activated_at: Option<OffsetDateTime>,
    /// When it was rejected or revoked.
    pub closed_at: Option<OffsetDateTime>,
    /// Who rejected or revoked it.
    pub closed_by: Option<String>,
}

impl TryFrom<DelegationRow> for DelegationFact {
    type Error = CorruptRow;

    fn try_from(row: DelegationRow) -> Result<Self, CorruptRow> {
        let key = row.id;
        let parse =
            |column, value: &str| parse_column("delegations", &key, column, value, TaxCode::parse);
        Ok(Self {
            id: row.id.to_string(),
            delegator: parse("delegator_tax_code", &row.delegator_tax_code)?,
            delegate: parse("delegate_tax_code", &row.delegate_tax_code)?,
            service: parse_column(
                "delegations",
                &key,
                "service",
                &row.service,
                Service::from_str,
            )?,
            scopes: row
                .scopes
                .iter()
                .map(|s| parse_column("delegations", &key, "scopes", s, Scope::from_str))
                .collect::<Result<_, _>>()?,
            status: parse_column(
                "delegations",
                &key,
                "status",
                &row.status,
                DelegationStatus::from_str,
            )?,
            valid_from: row.valid_from,
            valid_until: row.valid_until,
        })
    }
}

/// Stores a new delegation.
pub fn insert(conn: &mut PgConnection, row: &DelegationRow) -> QueryResult<()> {
    diesel::insert_into(delegations::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The delegation `id`, locked for the rest of the transaction.
pub fn find_for_update(
    conn: &mut PgConnection,
    id: uuid::Uuid,
) -> QueryResult<Option<DelegationRow>> {
    delegations::table
        .find(id)
        .for_update()
        .select(DelegationRow::as_select())
        .first(conn)
        .optional()
}

/// The delegation `id`.
pub fn find(conn: &mut PgConnection, id: uuid::Uuid) -> QueryResult<Option<DelegationRow>> {
    delegations::table
        .find(id)
        .select(DelegationRow::as_select())
        .first(conn)
        .optional()
}

/// Moves a delegation to `status`, bumping its version.
pub fn set_status(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    status: &str,
    by: &str,
    now: OffsetDateTime,
) -> QueryResult<DelegationRow> {
    let target = delegations::table.find(id);
    let activated = status == "active";
    let query = diesel::update(target).set((
        delegations::status.eq(status),
        delegations::version.eq(delegations::version + 1),
    ));
    query.execute(conn)?;
    if activated {
        diesel::update(delegations::table.find(id))
            .set(delegations::activated_at.eq(Some(now)))
            .execute(conn)?;
    } else {
        diesel::update(delegations::table.find(id))
            .set((
                delegations::closed_at.eq(Some(now)),
                delegations::closed_by.eq(Some(by)),
            ))
            .execute(conn)?;
    }
    delegations::table
        .find(id)
        .select(DelegationRow::as_select())
        .first(conn)
}

/// Counts one wrong verification code; returns the new count.
pub fn count_failed_attempt(conn: &mut PgConnection, id: uuid::Uuid) -> QueryResult<i32> {
    diesel::update(delegations::table.find(id))
        .set(delegations::failed_attempts.eq(delegations::failed_attempts + 1))
        .returning(delegations::failed_attempts)
        .get_result(conn)
}

/// The active domestic-work delegation of `delegator`, locked.
pub fn active_domestic_of(
    conn: &mut PgConnection,
    delegator: &str,
) -> QueryResult<Option<DelegationRow>> {
    delegations::table
        .filter(delegations::delegator_tax_code.eq(delegator))
        .filter(delegations::service.eq("domestic_work"))
        .filter(delegations::status.eq("active"))
        .for_update()
        .select(DelegationRow::as_select())
        .first(conn)
        .optional()
}

/// Active delegations from `delegator` to `delegate` (the facts authorization needs).
pub fn active_between(
    conn: &mut PgConnection,
    delegator: &str,
    delegate: &str,
) -> QueryResult<Vec<DelegationRow>> {
    delegations::table
        .filter(delegations::delegator_tax_code.eq(delegator))
        .filter(delegations::delegate_tax_code.eq(delegate))
        .filter(delegations::status.eq("active"))
        .select(DelegationRow::as_select())
        .load(conn)
}

/// Filters of a delegation listing.
#[derive(Debug, Default)]
pub struct ListFilter<'a> {
    /// Only delegations given by this subject.
    pub delegator: Option<&'a str>,
    /// Only delegations given to this intermediary.
    pub delegate: Option<&'a str>,
    /// Either side is this person (`delegator = p OR delegate = p`).
    pub party: Option<&'a str>,
    /// Only this service.
    pub service: Option<&'a str>,
    /// Only this effective status (`expired` is derived from `valid_until < today`).
    pub status: Option<&'a str>,
    /// Today, to derive expiry.
    pub today: Option<Date>,
}

/// A page of delegations, newest first, after the keyset `cursor` (created_at, id).
pub fn list(
    conn: &mut PgConnection,
    filter: &ListFilter<'_>,
    cursor: Option<(OffsetDateTime, uuid::Uuid)>,
    limit: i64,
) -> QueryResult<Vec<DelegationRow>> {
    let mut query = delegations::table.into_boxed();
    if let Some(d) = filter.delegator {
        query = query.filter(delegations::delegator_tax_code.eq(d));
    }
    if let Some(d) = filter.delegate {
        query = query.filter(delegations::delegate_tax_code.eq(d));
    }
    if let Some(p) = filter.party {
        query = query.filter(
            delegations::delegator_tax_code
                .eq(p)
                .or(delegations::delegate_tax_code.eq(p)),
        );
    }
    if let Some(s) = filter.service {
        query = query.filter(delegations::service.eq(s));
    }
    if let (Some(status), Some(today)) = (filter.status, filter.today) {
        let live = delegations::status.eq_any(["active", "pending"]);
        query = match status {
            "expired" => query.filter(
                delegations::status
                    .eq("expired")
                    .or(live.and(delegations::valid_until.lt(today))),
            ),
            "active" | "pending" => query
                .filter(delegations::status.eq(status))
                .filter(delegations::valid_until.ge(today)),
            other => query.filter(delegations::status.eq(other)),
        };
    }
    if let Some((at, id)) = cursor {
        query = query.filter(
            delegations::created_at
                .lt(at)
                .or(delegations::created_at.eq(at).and(delegations::id.lt(id))),
        );
    }
    query
        .order((delegations::created_at.desc(), delegations::id.desc()))
        .limit(limit)
        .select(DelegationRow::as_select())
        .load(conn)
}

/// Serializes delegation changes of one delegator until the transaction ends, so two
/// concurrent activations cannot both find "no active domestic-work delegation".
pub fn lock_delegator(conn: &mut PgConnection, delegator: &str) -> QueryResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 7))")
        .bind::<diesel::sql_types::Text, _>(delegator)
        .execute(conn)
        .map(drop)
}
