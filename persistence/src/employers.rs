//! Household employers (datori di lavoro domestico) and their employments (rapporti di lavoro).

use std::str::FromStr as _;

use diesel::prelude::*;
use inps_domain::employment::{
    Address, Employer, Employment, EmploymentCode, EmploymentType, PersonName,
};
use inps_domain::money::Money;
use inps_domain::tax_code::TaxCode;
use rust_decimal::Decimal;
use time::{Date, OffsetDateTime};

use crate::corrupt::{CorruptRow, parse_column};
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

impl EmployerRow {
    /// The row storing `employer`, created at `now`.
    pub fn of(employer: &Employer, now: OffsetDateTime) -> Self {
        Self {
            tax_code: employer.name.tax_code.as_str().to_owned(),
            given_name: employer.name.given_name.clone(),
            family_name: employer.name.family_name.clone(),
            address_street: employer.address.street.clone(),
            address_postal_code: employer.address.postal_code.clone(),
            address_municipality: employer.address.municipality.clone(),
            address_province: employer.address.province.clone(),
            created_at: now,
        }
    }
}

impl TryFrom<EmployerRow> for Employer {
    type Error = CorruptRow;

    fn try_from(row: EmployerRow) -> Result<Self, CorruptRow> {
        let tax_code = parse_column(
            "employers",
            &row.tax_code,
            "tax_code",
            &row.tax_code,
            TaxCode::parse,
        )?;
        Ok(Self {
            name: PersonName {
                tax_code,
                given_name: row.given_name,
                family_name: row.family_name,
            },
            address: Address {
                street: row.address_street,
                postal_code: row.address_postal_code,
                municipality: row.address_municipality,
                province: row.address_province,
            },
        })
    }
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

impl EmploymentRow {
    /// The row storing `employment`, recorded at `now` by `by` (`None` for the command line).
    pub fn of(employment: &Employment, now: OffsetDateTime, by: Option<String>) -> Self {
        Self {
            code: employment.code.as_str().to_owned(),
            employer_tax_code: employment.employer.as_str().to_owned(),
            worker_tax_code: employment.worker.tax_code.as_str().to_owned(),
            worker_given_name: employment.worker.given_name.clone(),
            worker_family_name: employment.worker.family_name.clone(),
            employment_type: employment.employment_type.as_str().to_owned(),
            start_date: employment.start,
            end_date: employment.end,
            weekly_hours: employment.weekly_hours,
            hourly_pay: employment.hourly_pay.amount(),
            live_in: employment.live_in,
            fixed_term: employment.fixed_term,
            cuaf: employment.cuaf,
            created_at: now,
            created_by: by,
        }
    }
}

impl TryFrom<EmploymentRow> for Employment {
    type Error = CorruptRow;

    fn try_from(row: EmploymentRow) -> Result<Self, CorruptRow> {
        let key = row.code.clone();
        let column =
            |column, value: &str| parse_column("employments", &key, column, value, TaxCode::parse);
        Ok(Self {
            code: parse_column(
                "employments",
                &key,
                "code",
                &row.code,
                EmploymentCode::parse,
            )?,
            employer: column("employer_tax_code", &row.employer_tax_code)?,
            worker: PersonName {
                tax_code: column("worker_tax_code", &row.worker_tax_code)?,
                given_name: row.worker_given_name,
                family_name: row.worker_family_name,
            },
            employment_type: parse_column(
                "employments",
                &key,
                "employment_type",
                &row.employment_type,
                EmploymentType::from_str,
            )?,
            start: row.start_date,
            end: row.end_date,
            weekly_hours: row.weekly_hours,
            hourly_pay: parse_column(
                "employments",
                &key,
                "hourly_pay",
                &row.hourly_pay.to_string(),
                |_| Money::eur(row.hourly_pay),
            )?,
            live_in: row.live_in,
            fixed_term: row.fixed_term,
            cuaf: row.cuaf,
        })
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> EmploymentRow {
        EmploymentRow {
            code: "1000000016".to_owned(),
            employer_tax_code: "RSSMRA85T10A562S".to_owned(),
            worker_tax_code: "RSSMRA85T10A562S".to_owned(),
            worker_given_name: "Anna".to_owned(),
            worker_family_name: "Bianchi".to_owned(),
            employment_type: "badante".to_owned(),
            start_date: time::macros::date!(2026 - 01 - 05),
            end_date: None,
            weekly_hours: Decimal::new(2500, 2),
            hourly_pay: Decimal::new(1000, 2),
            live_in: false,
            fixed_term: false,
            cuaf: true,
            created_at: time::macros::datetime!(2026-01-05 10:00 UTC),
            created_by: None,
        }
    }

    #[test]
    fn a_row_reads_back_as_the_employment_it_stored() {
        let employment = Employment::try_from(row()).unwrap();
        assert_eq!(employment.employment_type, EmploymentType::Badante);
        let again = EmploymentRow::of(&employment, row().created_at, None);
        assert_eq!(Employment::try_from(again).unwrap(), employment);
    }

    #[test]
    fn each_unreadable_column_is_named() {
        for (broken, column) in [
            (
                EmploymentRow {
                    code: "1000000017".to_owned(),
                    ..row()
                },
                "code",
            ),
            (
                EmploymentRow {
                    employment_type: "gardener".to_owned(),
                    ..row()
                },
                "employment_type",
            ),
            (
                EmploymentRow {
                    worker_tax_code: "X".to_owned(),
                    ..row()
                },
                "worker_tax_code",
            ),
            (
                EmploymentRow {
                    hourly_pay: Decimal::new(-1, 0),
                    ..row()
                },
                "hourly_pay",
            ),
        ] {
            let corrupt = Employment::try_from(broken).unwrap_err();
            assert_eq!((corrupt.table, corrupt.column), ("employments", column));
        }
    }
}
