//! The registry of qualified intermediaries (circ. INPS 49/2011): only they can be delegates.

use std::str::FromStr as _;

use diesel::prelude::*;
use inps_domain::identity::IntermediaryQualification;
use inps_domain::tax_code::TaxCode;
use time::OffsetDateTime;

use crate::corrupt::{CorruptRow, parse_column};

use crate::schema::intermediaries;

/// A registered intermediary.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = intermediaries)]
pub struct IntermediaryRow {
    /// Codice fiscale of the professional or body.
    pub tax_code: String,
    /// Given name (or the body's name).
    pub given_name: String,
    /// Family name (or the body's legal form).
    pub family_name: String,
    /// Qualification under circ. 49/2011.
    pub qualification: String,
    /// Number in the professional register, if any.
    pub registration_number: Option<String>,
    /// Whether it may act today.
    pub active: bool,
    /// When it was registered.
    pub registered_at: OffsetDateTime,
    /// Which operator registered it.
    pub registered_by: Option<String>,
}

/// Registers an intermediary; false when the tax code is already registered.
pub fn insert(conn: &mut PgConnection, row: &IntermediaryRow) -> QueryResult<bool> {
    diesel::insert_into(intermediaries::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(conn)
        .map(|n| n == 1)
}

/// The intermediary with `tax_code`.
pub fn find(conn: &mut PgConnection, tax_code: &str) -> QueryResult<Option<IntermediaryRow>> {
    intermediaries::table
        .find(tax_code)
        .select(IntermediaryRow::as_select())
        .first(conn)
        .optional()
}

/// A registered intermediary, its columns read once into domain types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intermediary {
    /// Codice fiscale of the professional or body.
    pub tax_code: TaxCode,
    /// Given name (or the body's name).
    pub given_name: String,
    /// Family name (or the body's legal form).
    pub family_name: String,
    /// Qualification under circ. 49/2011.
    pub qualification: IntermediaryQualification,
    /// Number in the professional register, if any.
    pub registration_number: Option<String>,
    /// Whether it may act today.
    pub active: bool,
    /// When it was registered.
    pub registered_at: OffsetDateTime,
}

impl TryFrom<IntermediaryRow> for Intermediary {
    type Error = CorruptRow;

    fn try_from(row: IntermediaryRow) -> Result<Self, CorruptRow> {
        let key = row.tax_code.clone();
        Ok(Self {
            tax_code: parse_column(
                "intermediaries",
                &key,
                "tax_code",
                &row.tax_code,
                TaxCode::parse,
            )?,
            qualification: parse_column(
                "intermediaries",
                &key,
                "qualification",
                &row.qualification,
                IntermediaryQualification::from_str,
            )?,
            given_name: row.given_name,
            family_name: row.family_name,
            registration_number: row.registration_number,
            active: row.active,
            registered_at: row.registered_at,
        })
    }
}
