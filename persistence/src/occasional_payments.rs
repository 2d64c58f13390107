//! INPS payouts to occasional workers: runs, payments and the services each pays.
//!
//! Concurrency: a run takes a transaction-scoped advisory lock ([`lock_runs`]), so runs are
//! judged one after the other, and locks the services it reads (`FOR UPDATE`), so a dispute, a
//! rectification or a revocation of one of them waits for the run and then sees it held
//! ([`is_held`]). The unique partial index `occasional_payment_services_held` keeps a service in
//! at most one payment that is not failed, whatever happens above.

use diesel::prelude::*;
use diesel::sql_types::{
    BigInt, Bool, Date as SqlDate, Nullable, Text, Timestamptz, Uuid as SqlUuid,
};
use time::{Date, OffsetDateTime};

use crate::schema::{occasional_payment_runs, occasional_payment_services, occasional_payments};

/// The advisory-lock key of payment runs (any constant no other lock uses: "PAYRUN" in ASCII).
const RUN_LOCK: i64 = 0x5041_5952_554e;

/// A run as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = occasional_payment_runs)]
pub struct RunRow {
    pub id: uuid::Uuid,
    pub month: Date,
    pub run_at: OffsetDateTime,
    pub run_by: Option<String>,
    pub payments: i32,
    pub services: i32,
    pub amount_cents: i64,
}

/// A payment as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = occasional_payments)]
pub struct PaymentRow {
    pub id: uuid::Uuid,
    pub run_id: uuid::Uuid,
    pub worker_tax_code: String,
    pub month: Date,
    pub status: String,
    pub payment_method: String,
    pub iban: Option<String>,
    pub amount_cents: i64,
    pub fee_cents: i64,
    pub credited_cents: i64,
    pub failure_reason: Option<String>,
    pub version: i32,
    pub created_at: OffsetDateTime,
    pub in_payment_at: Option<OffsetDateTime>,
    pub credited_at: Option<OffsetDateTime>,
    pub failed_at: Option<OffsetDateTime>,
}

/// One service of a payment, as paid.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = occasional_payment_services)]
pub struct PaidServiceRow {
    pub payment_id: uuid::Uuid,
    pub service_id: uuid::Uuid,
    pub client_id: uuid::Uuid,
    pub work_date: Date,
    pub net_cents: i64,
    pub gross_cents: i64,
    pub released: bool,
}

/// A service a run may pay, locked.
#[derive(Debug, Clone, QueryableByName)]
pub struct CandidateRow {
    #[diesel(sql_type = SqlUuid)]
    pub id: uuid::Uuid,
    #[diesel(sql_type = Text)]
    pub worker_tax_code: String,
    #[diesel(sql_type = SqlUuid)]
    pub client_id: uuid::Uuid,
    #[diesel(sql_type = SqlDate)]
    pub work_date: Date,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub revocable_until: Option<OffsetDateTime>,
    #[diesel(sql_type = BigInt)]
    pub net_cents: i64,
    #[diesel(sql_type = BigInt)]
    pub gross_cents: i64,
    #[diesel(sql_type = Bool)]
    pub held: bool,
}

/// One service of a year as the dashboards count it.
#[derive(Debug, Clone, QueryableByName)]
pub struct CountedRow {
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = BigInt)]
    pub net_cents: i64,
    #[diesel(sql_type = BigInt)]
    pub gross_cents: i64,
    #[diesel(sql_type = Bool)]
    pub in_payment: bool,
}

/// Serializes payment runs until the transaction ends.
pub fn lock_runs(conn: &mut PgConnection) -> QueryResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
        .bind::<BigInt, _>(RUN_LOCK)
        .execute(conn)
        .map(drop)
}

/// The `recorded` and `rectified` services worked in `[from, to)`, locked, with whether a
/// payment that is not failed holds them; by worker, then day.
pub fn candidates(conn: &mut PgConnection, from: Date, to: Date) -> QueryResult<Vec<CandidateRow>> {
    diesel::sql_query(
        "SELECT s.id, s.worker_tax_code, s.client_id, s.work_date, s.status, s.revocable_until, \
                s.net_cents, s.gross_cents, \
                EXISTS (SELECT 1 FROM occasional_payment_services ps \
                        WHERE ps.service_id = s.id AND NOT ps.released) AS held \
         FROM occasional_services s \
         WHERE s.work_date >= $1 AND s.work_date < $2 AND s.status IN ('recorded', 'rectified') \
         ORDER BY s.worker_tax_code, s.work_date, s.id \
         FOR UPDATE OF s",
    )
    .bind::<SqlDate, _>(from)
    .bind::<SqlDate, _>(to)
    .load(conn)
}

/// Whether a payment that is not failed holds the service `id`.
pub fn is_held(conn: &mut PgConnection, id: uuid::Uuid) -> QueryResult<bool> {
    use occasional_payment_services as ps;
    diesel::select(diesel::dsl::exists(
        ps::table.filter(ps::service_id.eq(id).and(ps::released.eq(false))),
    ))
    .get_result(conn)
}

/// Inserts a run.
pub fn insert_run(conn: &mut PgConnection, row: &RunRow) -> QueryResult<()> {
    diesel::insert_into(occasional_payment_runs::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Inserts a payment with its services.
pub fn insert_payment(
    conn: &mut PgConnection,
    row: &PaymentRow,
    services: &[PaidServiceRow],
) -> QueryResult<()> {
    diesel::insert_into(occasional_payments::table)
        .values(row)
        .execute(conn)?;
    diesel::insert_into(occasional_payment_services::table)
        .values(services)
        .execute(conn)
        .map(drop)
}

/// The payment `id`, locked for update when `lock`.
pub fn find(
    conn: &mut PgConnection,
    id: uuid::Uuid,
    lock: bool,
) -> QueryResult<Option<PaymentRow>> {
    let query = occasional_payments::table
        .find(id)
        .select(PaymentRow::as_select());
    if lock {
        query.for_update().first(conn).optional()
    } else {
        query.first(conn).optional()
    }
}

/// The services of payment `id`, by day.
pub fn services_of(conn: &mut PgConnection, id: uuid::Uuid) -> QueryResult<Vec<PaidServiceRow>> {
    use occasional_payment_services as ps;
    ps::table
        .filter(ps::payment_id.eq(id))
        .order((ps::work_date.asc(), ps::service_id.asc()))
        .select(PaidServiceRow::as_select())
        .load(conn)
}

/// Up to `limit` payments of `worker` after `cursor` (month, id), latest month first.
pub fn of_worker(
    conn: &mut PgConnection,
    worker: &str,
    cursor: Option<(Date, uuid::Uuid)>,
    limit: i64,
) -> QueryResult<Vec<PaymentRow>> {
    use occasional_payments as p;
    let mut query = p::table
        .filter(p::worker_tax_code.eq(worker))
        .select(PaymentRow::as_select())
        .order((p::month.desc(), p::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some((month, id)) = cursor {
        query = query.filter(p::month.lt(month).or(p::month.eq(month).and(p::id.lt(id))));
    }
    query.load(conn)
}

/// Stores the new state of a payment (a new version).
pub fn update_status(conn: &mut PgConnection, row: &PaymentRow) -> QueryResult<()> {
    use occasional_payments as p;
    diesel::update(p::table.find(row.id))
        .set((
            p::status.eq(&row.status),
            p::failure_reason.eq(&row.failure_reason),
            p::in_payment_at.eq(row.in_payment_at),
            p::credited_at.eq(row.credited_at),
            p::failed_at.eq(row.failed_at),
            p::version.eq(p::version + 1),
        ))
        .execute(conn)
        .map(drop)
}

/// Releases the services of the failed payment `id`: a later run may pay them.
pub fn release(conn: &mut PgConnection, id: uuid::Uuid) -> QueryResult<()> {
    use occasional_payment_services as ps;
    diesel::update(ps::table.filter(ps::payment_id.eq(id)))
        .set(ps::released.eq(true))
        .execute(conn)
        .map(drop)
}

/// Every service worked in `[from, to)` by `worker` or for `client_id`, as the dashboards count
/// it.
pub fn counted(
    conn: &mut PgConnection,
    worker: Option<&str>,
    client_id: Option<uuid::Uuid>,
    (from, to): (Date, Date),
) -> QueryResult<Vec<CountedRow>> {
    diesel::sql_query(
        "SELECT s.status, s.net_cents, s.gross_cents, \
                EXISTS (SELECT 1 FROM occasional_payment_services ps \
                        JOIN occasional_payments p ON p.id = ps.payment_id \
                        WHERE ps.service_id = s.id AND NOT ps.released \
                          AND p.status IN ('scheduled', 'in_payment')) AS in_payment \
         FROM occasional_services s \
         WHERE ($1::text IS NULL OR s.worker_tax_code = $1) \
           AND ($2::uuid IS NULL OR s.client_id = $2) \
           AND s.work_date >= $3 AND s.work_date < $4",
    )
    .bind::<Nullable<Text>, _>(worker)
    .bind::<Nullable<SqlUuid>, _>(client_id)
    .bind::<SqlDate, _>(from)
    .bind::<SqlDate, _>(to)
    .load(conn)
}

/// The run `id` and its payments.
pub fn find_run(
    conn: &mut PgConnection,
    id: uuid::Uuid,
) -> QueryResult<Option<(RunRow, Vec<PaymentRow>)>> {
    use occasional_payments as p;
    let Some(run) = occasional_payment_runs::table
        .find(id)
        .select(RunRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let payments = p::table
        .filter(p::run_id.eq(id))
        .order((p::worker_tax_code.asc(), p::id.asc()))
        .select(PaymentRow::as_select())
        .load(conn)?;
    Ok(Some((run, payments)))
}
