//! Weekly recurring rules of occasional-work services and their occurrences. An occurrence is
//! generated at most once: the generator locks the rule row ([`find_rule`] with `lock`), checks
//! [`occurrence_exists`], records the service and [`insert_occurrence`]s the outcome, all in one
//! transaction; the primary key `(rule_id, on_date)` backs it.

use diesel::prelude::*;
use time::{Date, OffsetDateTime, Time};

use crate::schema::{occasional_recurring_occurrences as occ, occasional_recurring_rules as rules};

/// A rule as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = rules)]
pub struct RuleRow {
    pub id: uuid::Uuid,
    pub client_id: uuid::Uuid,
    pub worker_tax_code: String,
    pub channel: String,
    /// ISO weekday numbers (1 = Monday), sorted.
    pub weekdays: Vec<i16>,
    pub start_time: Time,
    pub minutes: i32,
    pub activity: String,
    pub place: Option<String>,
    pub pay_cents: Option<i64>,
    pub first_date: Date,
    pub last_date: Date,
    pub status: String,
    pub created_by: Option<String>,
    pub created_at: OffsetDateTime,
    pub stopped_at: Option<OffsetDateTime>,
    pub stopped_by: Option<String>,
}

/// One occurrence's outcome: the service generated, or the refusal.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = occ)]
pub struct OccurrenceRow {
    pub rule_id: uuid::Uuid,
    pub on_date: Date,
    pub service_id: Option<uuid::Uuid>,
    /// The problem type slug of the refusal.
    pub problem: Option<String>,
    /// The rule the refusal names.
    pub rule: Option<String>,
    pub detail: Option<String>,
    pub residual: Option<serde_json::Value>,
    pub generated_at: OffsetDateTime,
}

/// Inserts a rule.
pub fn insert_rule(conn: &mut PgConnection, row: &RuleRow) -> QueryResult<()> {
    diesel::insert_into(rules::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The rule `id`, locked for the transaction when `lock`.
pub fn find_rule(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    lock: bool,
) -> QueryResult<Option<RuleRow>> {
    let query = rules::table.find(id).select(RuleRow::as_select());
    if lock {
        query.for_update().first(conn).optional()
    } else {
        query.first(conn).optional()
    }
}

/// The rules of client `client_id`, newest first.
pub fn rules_of_client(
    conn: &mut PgConnection,
    client_id: uuid::Uuid,
) -> QueryResult<Vec<RuleRow>> {
    rules::table
        .filter(rules::client_id.eq(client_id))
        .order((rules::created_at.desc(), rules::id.desc()))
        .limit(500)
        .select(RuleRow::as_select())
        .load(conn)
}

/// Stops the rule `id`: it generates nothing more.
pub fn stop_rule(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    by: Option<&str>,
    now: OffsetDateTime,
) -> QueryResult<()> {
    diesel::update(rules::table.find(id))
        .set((
            rules::status.eq("stopped"),
            rules::stopped_at.eq(Some(now)),
            rules::stopped_by.eq(by),
        ))
        .execute(conn)
        .map(drop)
}

/// Whether the occurrence of rule `rule_id` on `on_date` was already generated (or refused).
pub fn occurrence_exists(
    conn: &mut PgConnection,
    rule_id: uuid::Uuid,
    on_date: Date,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        occ::table
            .filter(occ::rule_id.eq(rule_id))
            .filter(occ::on_date.eq(on_date)),
    ))
    .get_result(conn)
}

/// Records an occurrence's outcome.
pub fn insert_occurrence(conn: &mut PgConnection, row: &OccurrenceRow) -> QueryResult<()> {
    diesel::insert_into(occ::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The occurrences of rule `rule_id`, in date order.
pub fn occurrences(
    conn: &mut PgConnection,
    rule_id: uuid::Uuid,
) -> QueryResult<Vec<OccurrenceRow>> {
    occ::table
        .filter(occ::rule_id.eq(rule_id))
        .order(occ::on_date)
        .select(OccurrenceRow::as_select())
        .load(conn)
}

/// How many Libretto Famiglia services of client `client_id` from `from` to `to` are not
/// revoked.
pub fn libretto_services_in(
    conn: &mut PgConnection,
    client_id: uuid::Uuid,
    from: Date,
    to: Date,
) -> QueryResult<i64> {
    use crate::schema::occasional_services as s;
    s::table
        .filter(s::client_id.eq(client_id))
        .filter(s::channel.eq("libretto_famiglia"))
        .filter(s::status.ne("revoked"))
        .filter(s::work_date.between(from, to))
        .count()
        .get_result(conn)
}
