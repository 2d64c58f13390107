//! The registry of qualified intermediaries (circ. INPS 49/2011): only they can be delegates.

use diesel::prelude::*;
use time::OffsetDateTime;

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
