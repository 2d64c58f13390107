//! Delegations (deleghe) from a subject to a qualified intermediary.

use std::str::FromStr;

use diesel::pg::Pg;
use diesel::prelude::*;
use inps_domain::authorization::DelegationFact;
use inps_domain::delegation::{DelegationStatus, Scope, Service, StoredStatusMatch, UntilBound};
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
    /// Keyed hash (HMAC-SHA-256 under the server's secret) of the verification code handed to
    /// the intermediary.
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

/// A stored delegation, its columns read once into domain types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDelegation {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The subject who delegates.
    pub delegator: TaxCode,
    /// The intermediary.
    pub delegate: TaxCode,
    /// The service.
    pub service: Service,
    /// Scopes granted.
    pub scopes: Vec<Scope>,
    /// First day in force.
    pub valid_from: Date,
    /// Last day in force.
    pub valid_until: Date,
    /// Stored status (expiry by date is derived by the domain).
    pub status: DelegationStatus,
    /// Keyed hash of the verification code.
    pub verification_code_hash: Vec<u8>,
    /// Wrong verification codes tried.
    pub failed_attempts: u32,
    /// Increases at every change (the ETag).
    pub version: i32,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// When it became active.
    pub activated_at: Option<OffsetDateTime>,
    /// When it was rejected, revoked or superseded.
    pub closed_at: Option<OffsetDateTime>,
}

impl TryFrom<DelegationRow> for StoredDelegation {
    type Error = CorruptRow;

    fn try_from(row: DelegationRow) -> Result<Self, CorruptRow> {
        let key = row.id;
        let tax_code =
            |column, value: &str| parse_column("delegations", &key, column, value, TaxCode::parse);
        Ok(Self {
            id: row.id,
            delegator: tax_code("delegator_tax_code", &row.delegator_tax_code)?,
            delegate: tax_code("delegate_tax_code", &row.delegate_tax_code)?,
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
            verification_code_hash: row.verification_code_hash,
            failed_attempts: u32::try_from(row.failed_attempts).map_err(|e| CorruptRow {
                table: "delegations",
                key: key.to_string(),
                column: "failed_attempts",
                reason: e.to_string(),
            })?,
            version: row.version,
            created_at: row.created_at,
            activated_at: row.activated_at,
            closed_at: row.closed_at,
        })
    }
}

impl From<&StoredDelegation> for DelegationFact {
    fn from(d: &StoredDelegation) -> Self {
        Self {
            id: d.id.to_string(),
            delegator: d.delegator.clone(),
            delegate: d.delegate.clone(),
            service: d.service,
            scopes: d.scopes.clone(),
            status: d.status,
            valid_from: d.valid_from,
            valid_until: d.valid_until,
        }
    }
}

impl TryFrom<DelegationRow> for DelegationFact {
    type Error = CorruptRow;

    fn try_from(row: DelegationRow) -> Result<Self, CorruptRow> {
        StoredDelegation::try_from(row).map(|d| Self::from(&d))
    }
}

/// A new delegation, as the use case decided it.
#[derive(Debug, Clone)]
pub struct NewDelegation<'a> {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The subject who delegates.
    pub delegator: &'a TaxCode,
    /// The intermediary.
    pub delegate: &'a TaxCode,
    /// The service.
    pub service: Service,
    /// Scopes granted.
    pub scopes: &'a [Scope],
    /// First day in force.
    pub valid_from: Date,
    /// Last day in force.
    pub valid_until: Date,
    /// Keyed hash of the verification code.
    pub verification_code_hash: Vec<u8>,
    /// When.
    pub now: OffsetDateTime,
}

/// Stores a new pending delegation.
pub fn create(conn: &mut PgConnection, new: &NewDelegation<'_>) -> QueryResult<DelegationRow> {
    let row = DelegationRow {
        id: new.id,
        delegator_tax_code: new.delegator.as_str().to_owned(),
        delegate_tax_code: new.delegate.as_str().to_owned(),
        service: new.service.as_str().to_owned(),
        scopes: new.scopes.iter().map(|s| s.as_str().to_owned()).collect(),
        valid_from: new.valid_from,
        valid_until: new.valid_until,
        status: DelegationStatus::Pending.as_str().to_owned(),
        verification_code_hash: new.verification_code_hash.clone(),
        failed_attempts: 0,
        version: 1,
        created_at: new.now,
        created_by: new.delegator.as_str().to_owned(),
        activated_at: None,
        closed_at: None,
        closed_by: None,
    };
    insert(conn, &row)?;
    Ok(row)
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

/// Moves a delegation to `status`, bumping its version: activation records `activated_at`,
/// any other status `closed_at` and `by`.
pub fn set_status(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    status: DelegationStatus,
    by: &str,
    now: OffsetDateTime,
) -> QueryResult<DelegationRow> {
    let target = delegations::table.find(id);
    let activated = status == DelegationStatus::Active;
    let query = diesel::update(target).set((
        delegations::status.eq(status.as_str()),
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

/// The delegation of `delegator` for `service` stored as active, locked (for a service where
/// the domain allows only one).
pub fn stored_active_of(
    conn: &mut PgConnection,
    delegator: &str,
    service: Service,
) -> QueryResult<Option<DelegationRow>> {
    delegations::table
        .filter(delegations::delegator_tax_code.eq(delegator))
        .filter(delegations::service.eq(service.as_str()))
        .filter(delegations::status.eq(DelegationStatus::Active.as_str()))
        .for_update()
        .select(DelegationRow::as_select())
        .first(conn)
        .optional()
}

/// Delegations of `delegator` for `service` stored as active (whether each is in force today is
/// the domain's call).
pub fn stored_active_from(
    conn: &mut PgConnection,
    delegator: &str,
    service: Service,
) -> QueryResult<Vec<DelegationRow>> {
    delegations::table
        .filter(delegations::delegator_tax_code.eq(delegator))
        .filter(delegations::service.eq(service.as_str()))
        .filter(delegations::status.eq(DelegationStatus::Active.as_str()))
        .select(DelegationRow::as_select())
        .load(conn)
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
        .filter(delegations::status.eq(DelegationStatus::Active.as_str()))
        .select(DelegationRow::as_select())
        .load(conn)
}

/// Filters of a delegation listing, given as data: the persistence applies them, the domain
/// decides what they mean (an effective status is a list of [`StoredStatusMatch`]es).
#[derive(Debug, Default)]
pub struct DelegationQuery<'a> {
    /// Only delegations given by this subject.
    pub delegator: Option<&'a str>,
    /// Only delegations given to this intermediary.
    pub delegate: Option<&'a str>,
    /// Either side is this person (`delegator = p OR delegate = p`).
    pub party: Option<&'a str>,
    /// Only this service.
    pub service: Option<Service>,
    /// When given, only delegations satisfying one of these (see
    /// `inps_domain::delegation::stored_status_matches`).
    pub status: Option<Vec<StoredStatusMatch>>,
}

/// The filters of [`list`], with names as text: kept for callers not yet moved to
/// [`DelegationQuery`]. Expiry is not decided here: [`list`] asks the domain
/// (`stored_status_matches`) what `status` on `today` means.
#[derive(Debug, Default)]
pub struct ListFilter<'a> {
    /// Only delegations given by this subject.
    pub delegator: Option<&'a str>,
    /// Only delegations given to this intermediary.
    pub delegate: Option<&'a str>,
    /// Either side is this person.
    pub party: Option<&'a str>,
    /// Only this service (its storage name).
    pub service: Option<&'a str>,
    /// Only this effective status (its storage name).
    pub status: Option<&'a str>,
    /// The day the effective status is taken on (required with `status`).
    pub today: Option<Date>,
}

fn bad_filter(e: impl std::error::Error + Send + Sync + 'static) -> diesel::result::Error {
    diesel::result::Error::QueryBuilderError(Box::new(e))
}

/// [`query`] with a [`ListFilter`].
pub fn list(
    conn: &mut PgConnection,
    filter: &ListFilter<'_>,
    cursor: Option<(OffsetDateTime, uuid::Uuid)>,
    limit: i64,
) -> QueryResult<Vec<DelegationRow>> {
    let service = filter
        .service
        .map(Service::from_str)
        .transpose()
        .map_err(bad_filter)?;
    let status = match (filter.status, filter.today) {
        (Some(status), Some(today)) => Some(inps_domain::delegation::stored_status_matches(
            DelegationStatus::from_str(status).map_err(bad_filter)?,
            today,
        )),
        _ => None,
    };
    let delegations = DelegationQuery {
        delegator: filter.delegator,
        delegate: filter.delegate,
        party: filter.party,
        service,
        status,
    };
    query(conn, &delegations, cursor, limit)
}

type Condition =
    Box<dyn BoxableExpression<delegations::table, Pg, SqlType = diesel::sql_types::Bool>>;

fn condition(m: &StoredStatusMatch) -> Condition {
    let stored =
        delegations::status.eq_any(m.stored.iter().map(|s| s.as_str()).collect::<Vec<_>>());
    match m.until {
        UntilBound::Any => Box::new(stored),
        UntilBound::Before(day) => Box::new(stored.and(delegations::valid_until.lt(day))),
        UntilBound::OnOrAfter(day) => Box::new(stored.and(delegations::valid_until.ge(day))),
    }
}

/// A page of delegations, newest first, after the keyset `cursor` (created_at, id), filtered in
/// the query.
pub fn query(
    conn: &mut PgConnection,
    filter: &DelegationQuery<'_>,
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
        query = query.filter(delegations::service.eq(s.as_str()));
    }
    if let Some(matches) = &filter.status {
        let any = matches
            .iter()
            .map(condition)
            .reduce(|a, b| Box::new(a.or(b)))
            .unwrap_or_else(|| Box::new(diesel::dsl::sql::<diesel::sql_types::Bool>("false")));
        query = query.filter(any);
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

/// Active (stored status) delegations to `delegate` for `service`, from every delegator: an
/// intermediary's portfolio. Whether each is in force today, and grants a scope, is the
/// domain's to decide.
pub fn active_to(
    conn: &mut PgConnection,
    delegate: &str,
    service: &str,
) -> QueryResult<Vec<DelegationRow>> {
    delegations::table
        .filter(delegations::delegate_tax_code.eq(delegate))
        .filter(delegations::service.eq(service))
        .filter(delegations::status.eq(DelegationStatus::Active.as_str()))
        .select(DelegationRow::as_select())
        .load(conn)
}
