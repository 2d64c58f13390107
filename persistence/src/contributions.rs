//! Contribution rate tables and the payments recorded against quarters.

use std::collections::BTreeMap;

use diesel::prelude::*;
use inps_domain::contribution::payment::{ContributionPayment, NoticeNumber};
use inps_domain::contribution::{Quarter, QuarterId, RateBand, YearRates};
use inps_domain::money::Money;
use rust_decimal::Decimal;
use time::{Date, OffsetDateTime};

use crate::corrupt::{CorruptRow, parse_column};
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

impl RateRow {
    fn band(&self) -> RateBand {
        RateBand {
            rate_open_ended_cuaf: self.open_ended_cuaf,
            rate_open_ended_no_cuaf: self.open_ended_no_cuaf,
            rate_fixed_term_cuaf: self.fixed_term_cuaf,
            rate_fixed_term_no_cuaf: self.fixed_term_no_cuaf,
        }
    }
}

/// The rate tables, one per year, from their rows: a year needs its four bands (`band1`,
/// `band2` with their pay thresholds, `band3`, `over_24_hours`); anything else is a corrupt row.
pub fn year_rates(rows: &[RateRow]) -> Result<Vec<YearRates>, CorruptRow> {
    let mut by_year: BTreeMap<i32, BTreeMap<&str, &RateRow>> = BTreeMap::new();
    for row in rows {
        by_year
            .entry(row.year)
            .or_default()
            .insert(row.band.as_str(), row);
    }
    by_year
        .into_iter()
        .map(|(year, bands)| {
            let corrupt = |column: &'static str, reason: &str| CorruptRow {
                table: "contribution_rates",
                key: year.to_string(),
                column,
                reason: reason.to_owned(),
            };
            if let Some(other) = bands
                .keys()
                .find(|b| !["band1", "band2", "band3", "over_24_hours"].contains(b))
            {
                return Err(corrupt("band", &format!("unknown band {other:?}")));
            }
            let band = |name: &str| {
                bands
                    .get(name)
                    .copied()
                    .ok_or_else(|| corrupt("band", &format!("the year has no {name}")))
            };
            let threshold = |row: &RateRow| {
                row.max_hourly_pay
                    .ok_or_else(|| corrupt("max_hourly_pay", &format!("{} has none", row.band)))
            };
            let (b1, b2, b3, over) = (
                band("band1")?,
                band("band2")?,
                band("band3")?,
                band("over_24_hours")?,
            );
            Ok(YearRates {
                year,
                band1_max_pay: threshold(b1)?,
                band2_max_pay: threshold(b2)?,
                band1: b1.band(),
                band2: b2.band(),
                band3: b3.band(),
                over_24_hours: over.band(),
            })
        })
        .collect()
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

impl PaymentRow {
    /// The row storing `payment` of `employment_code`, recorded at `now` by `by`.
    pub fn of(
        employment_code: &str,
        payment: &ContributionPayment<uuid::Uuid>,
        now: OffsetDateTime,
        by: Option<String>,
    ) -> Self {
        Self {
            id: payment.id,
            employment_code: employment_code.to_owned(),
            year: payment.quarter.year,
            quarter: i32::from(payment.quarter.quarter.number()),
            pagopa_notice_number: payment.notice_number.as_str().to_owned(),
            paid_on: payment.paid_on,
            amount: payment.amount.amount(),
            recorded_at: now,
            recorded_by: by,
        }
    }
}

impl TryFrom<PaymentRow> for ContributionPayment<uuid::Uuid> {
    type Error = CorruptRow;

    fn try_from(row: PaymentRow) -> Result<Self, CorruptRow> {
        let key = row.id;
        let quarter = u8::try_from(row.quarter)
            .ok()
            .and_then(Quarter::from_number)
            .ok_or_else(|| CorruptRow {
                table: "contribution_payments",
                key: key.to_string(),
                column: "quarter",
                reason: format!("{} is not 1 to 4", row.quarter),
            })?;
        Ok(Self {
            id: row.id,
            quarter: QuarterId::new(row.year, quarter),
            notice_number: parse_column(
                "contribution_payments",
                &key,
                "pagopa_notice_number",
                &row.pagopa_notice_number,
                NoticeNumber::parse,
            )?,
            paid_on: row.paid_on,
            amount: parse_column(
                "contribution_payments",
                &key,
                "amount",
                &row.amount.to_string(),
                |_| Money::eur(row.amount),
            )?,
        })
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(year: i32, band: &str, max: Option<i64>) -> RateRow {
        let r = Decimal::new(124, 2);
        RateRow {
            year,
            band: band.to_owned(),
            max_hourly_pay: max.map(|m| Decimal::new(m, 2)),
            open_ended_cuaf: r,
            open_ended_no_cuaf: r,
            fixed_term_cuaf: r,
            fixed_term_no_cuaf: r,
            source: "test".to_owned(),
        }
    }

    fn table(year: i32) -> Vec<RateRow> {
        vec![
            rate(year, "band1", Some(961)),
            rate(year, "band2", Some(1170)),
            rate(year, "band3", None),
            rate(year, "over_24_hours", None),
        ]
    }

    #[test]
    fn a_complete_year_is_one_table() {
        let tables = year_rates(&[table(2025), table(2026)].concat()).unwrap();
        let years: Vec<i32> = tables.iter().map(|t| t.year).collect();
        assert_eq!(years, [2025, 2026]);
        assert_eq!(tables[1].band2_max_pay, Decimal::new(1170, 2));
    }

    #[test]
    fn an_incomplete_or_unknown_table_is_corrupt_not_missing() {
        let mut rows = table(2026);
        rows.remove(2);
        let corrupt = year_rates(&rows).unwrap_err();
        assert_eq!(
            (corrupt.table, corrupt.key.as_str(), corrupt.column),
            ("contribution_rates", "2026", "band")
        );
        let mut rows = table(2026);
        rows[0].max_hourly_pay = None;
        assert_eq!(year_rates(&rows).unwrap_err().column, "max_hourly_pay");
        let mut rows = table(2026);
        rows.push(rate(2026, "band4", None));
        assert!(year_rates(&rows).unwrap_err().reason.contains("band4"));
    }

    #[test]
    fn a_payment_row_with_a_bad_quarter_or_notice_is_corrupt() {
        let row = PaymentRow {
            id: uuid::Uuid::nil(),
            employment_code: "1000000016".to_owned(),
            year: 2026,
            quarter: 1,
            pagopa_notice_number: "301000000000000011".to_owned(),
            paid_on: time::macros::date!(2026 - 04 - 08),
            amount: Decimal::new(40300, 2),
            recorded_at: time::macros::datetime!(2026-04-08 10:00 UTC),
            recorded_by: None,
        };
        let payment = ContributionPayment::try_from(row.clone()).unwrap();
        assert_eq!(payment.quarter, QuarterId::new(2026, Quarter::Q1));
        assert_eq!(payment.amount, Money::from_cents(40300).unwrap());
        let bad_quarter = PaymentRow {
            quarter: 5,
            ..row.clone()
        };
        assert_eq!(
            ContributionPayment::try_from(bad_quarter)
                .unwrap_err()
                .column,
            "quarter"
        );
        let bad_notice = PaymentRow {
            pagopa_notice_number: "12".to_owned(),
            ..row
        };
        assert_eq!(
            ContributionPayment::try_from(bad_notice)
                .unwrap_err()
                .column,
            "pagopa_notice_number"
        );
    }
}
