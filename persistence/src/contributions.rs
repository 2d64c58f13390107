//! Contribution rate tables and the payments recorded against quarters.

use diesel::prelude::*;
use rust_decimal::Decimal;
use time::{Date, OffsetDateTime};

use crate::schema::{contribution_payments, contribution_rates};

/// One band of one year's rate table.
#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = contribution_rates)]
pub struct RateRow {
    /// Year.
    pub year: i32,
    /// `band1`, `band2`, `band3`, `over_24_hours`.
    pub band: String,
    /// Upper bound of the hourly pay (bands 1 and 2).
    pub max_hourly_pay: Option<Decimal>,
    /// Open-ended, with CUAF.
    pub open_ended_cuaf: Decimal,
    /// Open-ended, without CUAF.
    pub open_ended_no_cuaf: Decimal,
    /// Fixed-term, with CUAF.
    pub fixed_term_cuaf: Decimal,
    /// Fixed-term, without CUAF.
    pub fixed_term_no_cuaf: Decimal,
    /// Where the numbers come from.
    pub source: String,
}

/// Every rate row (a few per year).
pub fn all_rates(conn: &mut PgConnection) -> QueryResult<Vec<RateRow>> {
    contribution_rates::table
        .order((contribution_rates::year, contribution_rates::band))
        .select(RateRow::as_select())
        .load(conn)
}

/// A recorded payment.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = contribution_payments)]
pub struct PaymentRow {
    /// Identifier.
    pub id: uuid::Uuid,
    /// Codice rapporto.
    pub employment_code: String,
    /// Year of the quarter paid.
    pub year: i32,
    /// Quarter paid (1..=4).
    pub quarter: i32,
    /// pagoPA notice number (18 digits).
    pub pagopa_notice_number: String,
    /// Day of payment.
    pub paid_on: Date,
    /// Amount (EUR).
    pub amount: Decimal,
    /// When it was recorded.
    pub recorded_at: OffsetDateTime,
    /// Who recorded it.
    pub recorded_by: Option<String>,
}

/// Records a payment. The notice number is unique: a second recording of it is a violation of
/// `contribution_payments_pagopa_notice_number_key`.
pub fn insert_payment(conn: &mut PgConnection, row: &PaymentRow) -> QueryResult<()> {
    diesel::insert_into(contribution_payments::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Every payment of an employment, oldest first.
pub fn payments_of(conn: &mut PgConnection, employment_code: &str) -> QueryResult<Vec<PaymentRow>> {
    contribution_payments::table
        .filter(contribution_payments::employment_code.eq(employment_code))
        .order((contribution_payments::paid_on, contribution_payments::id))
        .select(PaymentRow::as_select())
        .load(conn)
}
