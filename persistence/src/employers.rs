//! Household employers (datori di lavoro domestico) and their employments (rapporti di lavoro).

use diesel::prelude::*;
use rust_decimal::Decimal;
use time::{Date, OffsetDateTime};

use crate::schema::{employers, employments};

/// An employer.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = employers)]
pub struct EmployerRow {
    /// Codice fiscale.
    pub tax_code: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Street and number.
    pub address_street: Option<String>,
    /// CAP.
    pub address_postal_code: Option<String>,
    /// Comune.
    pub address_municipality: Option<String>,
    /// Province (two letters).
    pub address_province: Option<String>,
    /// When the record was created.
    pub created_at: OffsetDateTime,
}

/// Inserts an employer or updates its names and address.
pub fn upsert(conn: &mut PgConnection, row: &EmployerRow) -> QueryResult<()> {
    diesel::insert_into(employers::table)
        .values(row)
        .on_conflict(employers::tax_code)
        .do_update()
        .set((
            employers::given_name.eq(&row.given_name),
            employers::family_name.eq(&row.family_name),
            employers::address_street.eq(&row.address_street),
            employers::address_postal_code.eq(&row.address_postal_code),
            employers::address_municipality.eq(&row.address_municipality),
            employers::address_province.eq(&row.address_province),
        ))
        .execute(conn)
        .map(drop)
}

/// The employer with `tax_code`.
pub fn find(conn: &mut PgConnection, tax_code: &str) -> QueryResult<Option<EmployerRow>> {
    employers::table
        .find(tax_code)
        .select(EmployerRow::as_select())
        .first(conn)
        .optional()
}

/// An employment.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = employments)]
pub struct EmploymentRow {
    /// Codice rapporto.
    pub code: String,
    /// The employer.
    pub employer_tax_code: String,
    /// The worker.
    pub worker_tax_code: String,
    /// Worker's given name.
    pub worker_given_name: String,
    /// Worker's family name.
    pub worker_family_name: String,
    /// `colf`, `badante`, `baby_sitter`.
    pub employment_type: String,
    /// First day.
    pub start_date: Date,
    /// Last day, when ended.
    pub end_date: Option<Date>,
    /// Contractual weekly hours.
    pub weekly_hours: Decimal,
    /// Effective hourly pay (EUR).
    pub hourly_pay: Decimal,
    /// Convivente.
    pub live_in: bool,
    /// Tempo determinato.
    pub fixed_term: bool,
    /// CUAF due (not for spouses and relatives living together).
    pub cuaf: bool,
    /// When it was recorded.
    pub created_at: OffsetDateTime,
    /// Who recorded it (operator, or null for imports).
    pub created_by: Option<String>,
}

/// The next 9-digit sequence number for an employment code.
pub fn next_code_sequence(conn: &mut PgConnection) -> QueryResult<i64> {
    diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "nextval('employment_code_seq')",
    ))
    .get_result(conn)
}

/// Stores an employment.
pub fn insert_employment(conn: &mut PgConnection, row: &EmploymentRow) -> QueryResult<()> {
    diesel::insert_into(employments::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The employment with `code`.
pub fn find_employment(conn: &mut PgConnection, code: &str) -> QueryResult<Option<EmploymentRow>> {
    employments::table
        .find(code)
        .select(EmploymentRow::as_select())
        .first(conn)
        .optional()
}

/// A page of the employer's employments, newest start first, after `cursor` (start, code).
pub fn employments_of(
    conn: &mut PgConnection,
    employer: &str,
    cursor: Option<(Date, String)>,
    limit: i64,
) -> QueryResult<Vec<EmploymentRow>> {
    let mut query = employments::table
        .filter(employments::employer_tax_code.eq(employer))
        .into_boxed();
    if let Some((start, code)) = cursor {
        query = query.filter(
            employments::start_date.lt(start).or(employments::start_date
                .eq(start)
                .and(employments::code.lt(code))),
        );
    }
    query
        .order((employments::start_date.desc(), employments::code.desc()))
        .limit(limit)
        .select(EmploymentRow::as_select())
        .load(conn)
}
