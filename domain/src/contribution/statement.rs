//! The contribution statement of one employment (estratto contributivo): every quarter of the
//! window with its weeks, hours, rate, amount, payment window, what was paid and its status, and
//! the totals, computed from facts (the employment's terms, the rate tables, the payments) and
//! today.

use rust_decimal::Decimal;
use time::Date;

use super::payment::ContributionPayment;
use super::{
    ContributionError, ContributionStatus, EmploymentTerms, Quarter, QuarterId, YearRates,
    due_window, paid_weeks, prescription_date, quarter_contribution, quarters_of, status,
    status_of_unknown_amount,
};
use crate::dates::{DateError, check_plausible};
use crate::money::{Money, MoneyError};

/// Years of quarters shown by default (besides everything due), as prescription is 5 years.
const DEFAULT_WINDOW_YEARS: i32 = 5;

/// Which quarters a statement shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatementFilter {
    /// The first quarter shown.
    pub from: QuarterId,
    /// The last quarter shown.
    pub to: QuarterId,
    /// Only quarters in this status, when given.
    pub status: Option<ContributionStatus>,
}

/// A filter quarter outside the plausible dates ([`crate::dates`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {error}")]
pub struct FilterError {
    /// `from` or `to`.
    pub field: &'static str,
    /// Why.
    pub error: DateError,
}

impl StatementFilter {
    /// The filter asked for on `today`: by default from the quarter five years and one quarter
    /// ago (so the most recently prescribed quarter is still shown) to the current one. A quarter
    /// given must begin within the plausible dates.
    pub fn new(
        from: Option<QuarterId>,
        to: Option<QuarterId>,
        status: Option<ContributionStatus>,
        today: Date,
    ) -> Result<Self, FilterError> {
        let plausible = |field, quarter: Option<QuarterId>| {
            quarter
                .map(|q| {
                    check_plausible(q.first_day(), today)
                        .map(|_| q)
                        .map_err(|error| FilterError { field, error })
                })
                .transpose()
        };
        Ok(Self {
            from: plausible("from", from)?.unwrap_or_else(|| default_from(today)),
            to: plausible("to", to)?.unwrap_or_else(|| QuarterId::containing(today)),
            status,
        })
    }
}

/// The first quarter of the default window on `today`: the quarter five years ago, less one.
pub fn default_from(today: Date) -> QuarterId {
    let back = today
        .replace_year(today.year() - DEFAULT_WINDOW_YEARS)
        .unwrap_or(today);
    let five_years_ago = QuarterId::containing(back);
    match five_years_ago.quarter {
        Quarter::Q1 => QuarterId::new(five_years_ago.year - 1, Quarter::Q4),
        q => Quarter::from_number(q.number() - 1).map_or(five_years_ago, |prev| {
            QuarterId::new(five_years_ago.year, prev)
        }),
    }
}

/// One quarter of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarterLine<Id> {
    /// The quarter.
    pub quarter: QuarterId,
    /// Paid weeks counted ([`paid_weeks`]).
    pub weeks: u32,
    /// Weekly hours × weeks.
    pub hours: Decimal,
    /// Hourly contribution of the year's table; `None` when the year has no table.
    pub hourly_rate: Option<Money>,
    /// Amount due; `None` when the year has no table (never a guessed zero).
    pub amount_due: Option<Money>,
    /// Paid so far.
    pub amount_paid: Money,
    /// First day of the payment window.
    pub due_from: Date,
    /// Deadline.
    pub due_by: Date,
    /// Last day it can still be paid.
    pub payable_until: Date,
    /// Status on the statement's day.
    pub status: ContributionStatus,
    /// The payments recorded for the quarter, oldest first.
    pub payments: Vec<ContributionPayment<Id>>,
}

impl<Id> QuarterLine<Id> {
    /// Whether the year's rate table is missing, so the amount is unknown.
    pub fn rate_missing(&self) -> bool {
        self.amount_due.is_none()
    }

    /// What is left to pay: the amount due less what was paid, never below zero (zero when the
    /// amount is unknown).
    pub fn rest(&self) -> Money {
        self.amount_due
            .and_then(|due| due.checked_sub(self.amount_paid).ok())
            .unwrap_or_else(Money::zero)
    }
}

/// The totals of the quarters shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatementTotals {
    /// Paid in the quarters shown.
    pub paid: Money,
    /// Still to pay and still payable (due, overdue, partial).
    pub outstanding: Money,
    /// Unpaid and prescribed: can no longer be paid.
    pub prescribed: Money,
}

/// The statement of one employment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement<Id> {
    /// The quarters shown, most recent first.
    pub quarters: Vec<QuarterLine<Id>>,
    /// Their totals.
    pub totals: StatementTotals,
}

/// The statement of the employment with `terms` on `today`: each of its quarters up to today
/// within `filter`, priced with the table of its year (`rates_for_year`), with its `payments`,
/// most recent first, and the totals of the quarters shown.
pub fn contribution_statement<Id: Clone>(
    terms: &EmploymentTerms,
    rates_for_year: impl Fn(i32) -> Option<YearRates>,
    payments: &[ContributionPayment<Id>],
    filter: &StatementFilter,
    today: Date,
) -> Result<Statement<Id>, ContributionError> {
    let mut quarters = Vec::new();
    for quarter in quarters_of(terms, today) {
        if quarter < filter.from || quarter > filter.to {
            continue;
        }
        let line = quarter_line(terms, quarter, &rates_for_year, payments, today)?;
        if filter.status.is_none_or(|wanted| line.status == wanted) {
            quarters.push(line);
        }
    }
    quarters.reverse();
    let totals = totals(&quarters)?;
    Ok(Statement { quarters, totals })
}

fn quarter_line<Id: Clone>(
    terms: &EmploymentTerms,
    quarter: QuarterId,
    rates_for_year: impl Fn(i32) -> Option<YearRates>,
    payments: &[ContributionPayment<Id>],
    today: Date,
) -> Result<QuarterLine<Id>, ContributionError> {
    let paid: Vec<ContributionPayment<Id>> = payments
        .iter()
        .filter(|p| p.quarter == quarter)
        .cloned()
        .collect();
    let amount_paid = paid
        .iter()
        .try_fold(Money::zero(), |sum, p| sum.checked_add(p.amount))?;
    let (due_from, due_by) = due_window(quarter, terms);
    let weeks = paid_weeks(terms, quarter);
    let hours = terms
        .weekly_hours
        .checked_mul(Decimal::from(weeks))
        .ok_or(MoneyError::Overflow)?;
    let (hourly_rate, amount_due) = match quarter_contribution(terms, quarter, rates_for_year) {
        Ok(c) => (Some(Money::eur(c.hourly_rate)?), Some(c.amount)),
        Err(ContributionError::NoRatesForYear { .. }) => (None, None),
        Err(e) => return Err(e),
    };
    let status = match amount_due {
        Some(amount) => status(amount, amount_paid, due_by, today),
        None => status_of_unknown_amount(amount_paid, due_by, today),
    };
    Ok(QuarterLine {
        quarter,
        weeks,
        hours,
        hourly_rate,
        amount_due,
        amount_paid,
        due_from,
        due_by,
        payable_until: prescription_date(due_by),
        status,
        payments: paid,
    })
}

fn totals<Id>(quarters: &[QuarterLine<Id>]) -> Result<StatementTotals, MoneyError> {
    let mut totals = StatementTotals {
        paid: Money::zero(),
        outstanding: Money::zero(),
        prescribed: Money::zero(),
    };
    for line in quarters {
        totals.paid = totals.paid.checked_add(line.amount_paid)?;
        match line.status {
            ContributionStatus::Paid => {}
            ContributionStatus::Prescribed => {
                totals.prescribed = totals.prescribed.checked_add(line.rest())?;
            }
            ContributionStatus::Due | ContributionStatus::Overdue | ContributionStatus::Partial => {
                totals.outstanding = totals.outstanding.checked_add(line.rest())?;
            }
        }
    }
    Ok(totals)
}

#[cfg(test)]
mod tests;
