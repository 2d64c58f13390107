//! Occasional-work services (prestazioni) and the year's totals they add up to.
//!
//! Totals are sums over the year's services that are not revoked. The caller locks the client
//! row, then the worker row ([`crate::occasional::find_client`],
//! [`crate::occasional::find_worker`] with `lock`), always in that order, before reading totals
//! and writing a service: every write that changes the totals of a worker, a client or a pair
//! holds both locks, so the totals read are final until the transaction commits.

use std::str::FromStr as _;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date as SqlDate, Text, Uuid as SqlUuid};
use inps_domain::money::Money;
use inps_domain::occasional::limits::{Usage, YearTotals};
use inps_domain::occasional::service::{
    Activity, Amounts, Channel, ServiceDraft, ServiceStatus, Terms,
};
use inps_domain::tax_code::TaxCode;
use time::{Date, Month, OffsetDateTime, Time};

use crate::corrupt::{CorruptRow, parse_column};
use crate::occasional::LoadError;
use crate::schema::{employments, occasional_services};

/// A service as stored (and an earlier version, in `occasional_service_versions`).
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = occasional_services, treat_none_as_null = true)]
pub struct ServiceRow {
    pub id: uuid::Uuid,
    pub client_id: uuid::Uuid,
    pub worker_tax_code: String,
    pub channel: String,
    pub status: String,
    pub work_date: Date,
    pub start_time: Time,
    pub minutes: i32,
    pub activity: String,
    pub place: Option<String>,
    pub titles: Option<i32>,
    pub gross_cents: i64,
    pub net_cents: i64,
    pub pension_cents: i64,
    pub inail_cents: i64,
    pub management_cents: i64,
    pub weighted_cents: i64,
    pub presto_minutes: i32,
    pub rules_effective_from: Date,
    pub late_report_deadline: Option<Date>,
    pub revocable_until: Option<OffsetDateTime>,
    pub version: i32,
    pub recorded_at: OffsetDateTime,
    pub recorded_by: Option<String>,
    pub revoked_at: Option<OffsetDateTime>,
}

/// A recorded service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// Identifier.
    pub id: uuid::Uuid,
    /// The client.
    pub client_id: uuid::Uuid,
    /// The worker.
    pub worker: TaxCode,
    /// When, how long, what, and the channel's terms.
    pub draft: ServiceDraft,
    /// Where the work is done.
    pub place: Option<String>,
    /// What it costs and pays.
    pub amounts: Amounts,
    /// What it adds to the totals.
    pub usage: Usage,
    /// Its status.
    pub status: ServiceStatus,
    /// The first day of the rule set that judged it.
    pub rules_effective_from: Date,
    /// The reporting deadline a late Libretto Famiglia report missed.
    pub late_report: Option<Date>,
    /// Until when it may be revoked.
    pub revocable_until: Option<OffsetDateTime>,
    /// Version (ETag).
    pub version: i32,
    /// When recorded.
    pub recorded_at: OffsetDateTime,
    /// When revoked.
    pub revoked_at: Option<OffsetDateTime>,
}

fn count(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

impl ServiceRow {
    /// The row of `service`, recorded by `by`.
    pub fn of(service: &Service, by: Option<&str>) -> Self {
        let a = &service.amounts;
        Self {
            id: service.id,
            client_id: service.client_id,
            worker_tax_code: service.worker.as_str().to_owned(),
            channel: service.draft.channel().as_str().to_owned(),
            status: service.status.as_str().to_owned(),
            work_date: service.draft.date,
            start_time: service.draft.start,
            minutes: count(service.draft.minutes),
            activity: service.draft.activity.as_str().to_owned(),
            place: service.place.clone(),
            titles: a.titles.map(count),
            gross_cents: a.gross.cents(),
            net_cents: a.net.cents(),
            pension_cents: a.pension.cents(),
            inail_cents: a.inail.cents(),
            management_cents: a.management.cents(),
            weighted_cents: service.usage.weighted.cents(),
            presto_minutes: count(service.usage.presto_minutes),
            rules_effective_from: service.rules_effective_from,
            late_report_deadline: service.late_report,
            revocable_until: service.revocable_until,
            version: service.version,
            recorded_at: service.recorded_at,
            recorded_by: by.map(str::to_owned),
            revoked_at: service.revoked_at,
        }
    }
}

impl TryFrom<ServiceRow> for Service {
    type Error = CorruptRow;

    fn try_from(row: ServiceRow) -> Result<Self, CorruptRow> {
        const T: &str = "occasional_services";
        let key = row.id;
        let bad = |column: &'static str, reason: &dyn std::fmt::Display| CorruptRow {
            table: T,
            key: key.to_string(),
            column,
            reason: reason.to_string(),
        };
        let money = |column: &'static str, cents: i64| {
            Money::from_cents(cents).map_err(|e| bad(column, &e))
        };
        let unsigned =
            |column: &'static str, value: i32| u32::try_from(value).map_err(|e| bad(column, &e));
        let channel = parse_column(T, &key, "channel", &row.channel, Channel::from_str)?;
        let net = money("net_cents", row.net_cents)?;
        let terms = match channel {
            Channel::LibrettoFamiglia => Terms::LibrettoFamiglia,
            Channel::Presto => Terms::Presto { pay: net },
        };
        Ok(Self {
            id: row.id,
            client_id: row.client_id,
            worker: parse_column(
                T,
                &key,
                "worker_tax_code",
                &row.worker_tax_code,
                TaxCode::parse,
            )?,
            draft: ServiceDraft {
                date: row.work_date,
                start: row.start_time,
                minutes: unsigned("minutes", row.minutes)?,
                activity: parse_column(T, &key, "activity", &row.activity, Activity::from_str)?,
                terms,
            },
            place: row.place,
            amounts: Amounts {
                titles: row.titles.map(|t| unsigned("titles", t)).transpose()?,
                gross: money("gross_cents", row.gross_cents)?,
                net,
                pension: money("pension_cents", row.pension_cents)?,
                inail: money("inail_cents", row.inail_cents)?,
                management: money("management_cents", row.management_cents)?,
            },
            usage: Usage {
                net,
                weighted: money("weighted_cents", row.weighted_cents)?,
                presto_minutes: unsigned("presto_minutes", row.presto_minutes)?,
            },
            status: parse_column(T, &key, "status", &row.status, ServiceStatus::from_str)?,
            rules_effective_from: row.rules_effective_from,
            late_report: row.late_report_deadline,
            revocable_until: row.revocable_until,
            version: row.version,
            recorded_at: row.recorded_at,
            revoked_at: row.revoked_at,
        })
    }
}

/// Inserts a service.
pub fn insert(conn: &mut PgConnection, row: &ServiceRow) -> QueryResult<()> {
    diesel::insert_into(occasional_services::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The service `id`, locked for update when `lock`.
pub fn find(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    lock: bool,
) -> Result<Option<Service>, LoadError> {
    let query = occasional_services::table
        .find(id)
        .select(ServiceRow::as_select());
    let row = if lock {
        query.for_update().first(conn).optional()?
    } else {
        query.first(conn).optional()?
    };
    Ok(row.map(Service::try_from).transpose()?)
}

/// Keeps the current version of service `id` among its earlier versions.
pub fn archive_version(conn: &mut PgConnection, id: uuid::Uuid) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO occasional_service_versions SELECT * FROM occasional_services WHERE id = $1",
    )
    .bind::<SqlUuid, _>(id)
    .execute(conn)
    .map(drop)
}

/// Replaces the stored service with `row` (a new version; archive the old one first).
pub fn replace(conn: &mut PgConnection, row: &ServiceRow) -> QueryResult<()> {
    diesel::update(occasional_services::table.find(row.id))
        .set(row)
        .execute(conn)
        .map(drop)
}

/// The earlier versions of service `id`, newest first.
pub fn earlier_versions(
    conn: &mut PgConnection,
    id: uuid::Uuid,
) -> Result<Vec<Service>, LoadError> {
    diesel::sql_query(
        "SELECT * FROM occasional_service_versions WHERE id = $1 ORDER BY version DESC",
    )
    .bind::<SqlUuid, _>(id)
    .load::<ServiceRow>(conn)?
    .into_iter()
    .map(|row| Service::try_from(row).map_err(LoadError::from))
    .collect()
}

/// Marks the service `id` revoked at `now` (a new version).
pub fn revoke(conn: &mut PgConnection, id: uuid::Uuid, now: OffsetDateTime) -> QueryResult<()> {
    use occasional_services as s;
    diesel::update(s::table.find(id))
        .set((
            s::status.eq(ServiceStatus::Revoked.as_str()),
            s::revoked_at.eq(now),
            s::version.eq(s::version + 1),
        ))
        .execute(conn)
        .map(drop)
}

/// The first and the day after the last day of `year`.
pub fn year_bounds(year: i32) -> Option<(Date, Date)> {
    Some((
        Date::from_calendar_date(year, Month::January, 1).ok()?,
        Date::from_calendar_date(year.checked_add(1)?, Month::January, 1).ok()?,
    ))
}

#[derive(QueryableByName)]
struct TotalsRow {
    #[diesel(sql_type = BigInt)]
    worker_net: i64,
    #[diesel(sql_type = BigInt)]
    client_weighted: i64,
    #[diesel(sql_type = BigInt)]
    pair_net: i64,
    #[diesel(sql_type = BigInt)]
    pair_minutes: i64,
}

/// What `worker`, client `client_id` and their pair used in `year` (services not revoked).
pub fn year_totals(
    conn: &mut PgConnection,
    worker: &str,
    client_id: uuid::Uuid,
    year: i32,
) -> Result<YearTotals, LoadError> {
    let (from, to) = year_bounds(year).ok_or(diesel::result::Error::NotFound)?;
    let row: TotalsRow = diesel::sql_query(
        "SELECT \
           COALESCE(SUM(net_cents) FILTER (WHERE worker_tax_code = $1), 0)::bigint AS worker_net, \
           COALESCE(SUM(weighted_cents) FILTER (WHERE client_id = $2), 0)::bigint AS client_weighted, \
           COALESCE(SUM(net_cents) FILTER (WHERE worker_tax_code = $1 AND client_id = $2), 0)::bigint AS pair_net, \
           COALESCE(SUM(presto_minutes) FILTER (WHERE worker_tax_code = $1 AND client_id = $2), 0)::bigint AS pair_minutes \
         FROM occasional_services \
         WHERE (worker_tax_code = $1 OR client_id = $2) AND status <> 'revoked' \
           AND work_date >= $3 AND work_date < $4",
    )
    .bind::<Text, _>(worker)
    .bind::<SqlUuid, _>(client_id)
    .bind::<SqlDate, _>(from)
    .bind::<SqlDate, _>(to)
    .get_result(conn)?;
    let corrupt = |column: &'static str, e: &dyn std::fmt::Display| CorruptRow {
        table: "occasional_services",
        key: format!("totals {worker} {client_id} {year}"),
        column,
        reason: e.to_string(),
    };
    let money = |column, cents| Money::from_cents(cents).map_err(|e| corrupt(column, &e));
    Ok(YearTotals {
        worker: money("net_cents", row.worker_net)?,
        client: money("weighted_cents", row.client_weighted)?,
        pair: money("net_cents", row.pair_net)?,
        presto_pair_minutes: u32::try_from(row.pair_minutes)
            .map_err(|e| corrupt("presto_minutes", &e))?,
    })
}

/// What one pair's services (not revoked) of a year add up to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairTotals {
    /// The client.
    pub client_id: uuid::Uuid,
    /// The worker.
    pub worker: String,
    /// Net pay, in cents.
    pub net_cents: i64,
    /// Pay as the client limit counts it, in cents.
    pub weighted_cents: i64,
    /// PrestO minutes.
    pub presto_minutes: i64,
}

/// A pair's sums as the database returns them.
type PairSums = (
    uuid::Uuid,
    String,
    Option<rust_decimal::Decimal>,
    Option<rust_decimal::Decimal>,
    Option<i64>,
);

/// What a worker's or a client's services (not revoked) in `year` add up to, per pair.
pub fn year_usage_by_pair(
    conn: &mut PgConnection,
    worker: Option<&str>,
    client_id: Option<uuid::Uuid>,
    year: i32,
) -> QueryResult<Vec<PairTotals>> {
    use diesel::dsl::sum;
    use occasional_services as s;
    let Some((from, to)) = year_bounds(year) else {
        return Ok(Vec::new());
    };
    let mut query = s::table
        .filter(s::status.ne(ServiceStatus::Revoked.as_str()))
        .filter(s::work_date.ge(from).and(s::work_date.lt(to)))
        .group_by((s::client_id, s::worker_tax_code))
        .select((
            s::client_id,
            s::worker_tax_code,
            sum(s::net_cents),
            sum(s::weighted_cents),
            sum(s::presto_minutes),
        ))
        .order((s::client_id, s::worker_tax_code))
        .into_boxed();
    if let Some(worker) = worker {
        query = query.filter(s::worker_tax_code.eq(worker.to_owned()));
    }
    if let Some(client_id) = client_id {
        query = query.filter(s::client_id.eq(client_id));
    }
    let rows: Vec<PairSums> = query.load(conn)?;
    let cents = |d: Option<rust_decimal::Decimal>| {
        d.and_then(|d| i64::try_from(d).ok()).unwrap_or_default()
    };
    Ok(rows
        .into_iter()
        .map(|(client_id, worker, net, weighted, minutes)| PairTotals {
            client_id,
            worker,
            net_cents: cents(net),
            weighted_cents: cents(weighted),
            presto_minutes: minutes.unwrap_or_default(),
        })
        .collect())
}

/// The last day of the latest domestic employment of `worker` by `employer` started by
/// `date` (for one still running, `date`): the fact the former-employer rule reads.
pub fn last_employment_day(
    conn: &mut PgConnection,
    employer: &str,
    worker: &str,
    date: Date,
) -> QueryResult<Option<Date>> {
    let ends: Vec<Option<Date>> = employments::table
        .filter(employments::employer_tax_code.eq(employer))
        .filter(employments::worker_tax_code.eq(worker))
        .filter(employments::start_date.le(date))
        .select(employments::end_date)
        .load(conn)?;
    Ok(ends
        .into_iter()
        .map(|end| end.unwrap_or(date).min(date))
        .max())
}

/// Filters of a list of services; every present field narrows it.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Only this client's.
    pub client_id: Option<uuid::Uuid>,
    /// Only this worker's.
    pub worker: Option<String>,
    /// Only those of clients with these ids or of this worker (what a non-operator may see
    /// without naming a party): `(client ids, worker)`.
    pub party_of: Option<(Vec<uuid::Uuid>, String)>,
    /// From this day.
    pub from: Option<Date>,
    /// Up to this day.
    pub to: Option<Date>,
    /// In this status.
    pub status: Option<String>,
    /// Of this activity.
    pub activity: Option<String>,
    /// Only those of workers whose full name (given and family, folded by
    /// `occasional_name_key`: no accents, lower case) contains every one of these words.
    pub worker_name: Vec<String>,
    /// Only those of workers paid this way (`iban_transfer`, ...).
    pub payment_method: Option<String>,
    /// Only those where one of these subjects is the worker or the client (an intermediary's
    /// portfolio: the subjects that delegated them).
    pub subjects: Option<Vec<String>>,
}

diesel::define_sql_function! {
    /// Folds a name for matching: Latin accents removed, lower case (see the migration
    /// `service_lists`).
    fn occasional_name_key(name: Text) -> Text;
}

/// `word` as a `LIKE` pattern matching any text that contains it (`%`, `_` and `\` escaped).
fn contains_pattern(word: &str) -> String {
    let mut pattern = String::with_capacity(word.len() + 2);
    pattern.push('%');
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Up to `limit` services matching `filter` after `cursor` (date, id), latest date first.
pub fn list(
    conn: &mut PgConnection,
    filter: &ListFilter,
    cursor: Option<(Date, uuid::Uuid)>,
    limit: i64,
) -> Result<Vec<Service>, LoadError> {
    use occasional_services as s;
    let mut query = s::table.select(ServiceRow::as_select()).into_boxed();
    if let Some(client_id) = filter.client_id {
        query = query.filter(s::client_id.eq(client_id));
    }
    if let Some(worker) = &filter.worker {
        query = query.filter(s::worker_tax_code.eq(worker.clone()));
    }
    if let Some((clients, worker)) = &filter.party_of {
        query = query.filter(
            s::client_id
                .eq_any(clients.clone())
                .or(s::worker_tax_code.eq(worker.clone())),
        );
    }
    if let Some(from) = filter.from {
        query = query.filter(s::work_date.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(s::work_date.le(to));
    }
    if let Some(status) = &filter.status {
        query = query.filter(s::status.eq(status.clone()));
    }
    if let Some(activity) = &filter.activity {
        query = query.filter(s::activity.eq(activity.clone()));
    }
    if !filter.worker_name.is_empty() {
        use crate::schema::persons as p;
        let mut named = p::table.select(p::tax_code).into_boxed();
        for word in &filter.worker_name {
            let full = p::given_name.concat(" ").concat(p::family_name);
            named = named.filter(
                occasional_name_key(full).like(occasional_name_key(contains_pattern(word))),
            );
        }
        query = query.filter(s::worker_tax_code.eq_any(named));
    }
    if let Some(method) = &filter.payment_method {
        use crate::schema::occasional_workers as w;
        let paid = w::table
            .filter(w::payment_method.eq(method.clone()))
            .select(w::tax_code);
        query = query.filter(s::worker_tax_code.eq_any(paid));
    }
    if let Some(subjects) = &filter.subjects {
        use crate::schema::occasional_clients as c;
        let clients = c::table
            .filter(c::tax_code.eq_any(subjects.clone()))
            .select(c::id);
        query = query.filter(
            s::client_id
                .eq_any(clients)
                .or(s::worker_tax_code.eq_any(subjects.clone())),
        );
    }
    if let Some((date, id)) = cursor {
        query = query.filter(
            s::work_date
                .lt(date)
                .or(s::work_date.eq(date).and(s::id.lt(id))),
        );
    }
    query
        .order((s::work_date.desc(), s::id.desc()))
        .limit(limit)
        .load(conn)?
        .into_iter()
        .map(|row| Service::try_from(row).map_err(LoadError::from))
        .collect()
}

/// The ids of the clients `person` acts for: themselves, and the businesses they represent.
pub fn clients_of(conn: &mut PgConnection, person: &str) -> QueryResult<Vec<uuid::Uuid>> {
    use crate::schema::occasional_clients as c;
    c::table
        .filter(
            c::tax_code
                .eq(person)
                .or(c::legal_representative.eq(person)),
        )
        .select(c::id)
        .load(conn)
}

/// Sets the status of service `id` (a new version, like a revocation: the terms are unchanged).
pub fn set_status(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    status: ServiceStatus,
) -> QueryResult<()> {
    use occasional_services as s;
    diesel::update(s::table.find(id))
        .set((s::status.eq(status.as_str()), s::version.eq(s::version + 1)))
        .execute(conn)
        .map(drop)
}

/// The subject (the person or the business) of each client among `ids`.
pub fn client_subjects(
    conn: &mut PgConnection,
    ids: &[uuid::Uuid],
) -> QueryResult<Vec<(uuid::Uuid, String)>> {
    use crate::schema::occasional_clients as c;
    c::table
        .filter(c::id.eq_any(ids))
        .select((c::id, c::tax_code))
        .load(conn)
}
