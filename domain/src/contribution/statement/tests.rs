//! Tests for the contribution statement: which quarters, their status, the totals, the window
//! and the filters.

use time::macros::date;

use super::*;
use crate::contribution::RateBand;
use crate::contribution::payment::NoticeNumber;

fn band(rate: i64) -> RateBand {
    let r = Decimal::new(rate, 2);
    RateBand {
        rate_open_ended_cuaf: r,
        rate_open_ended_no_cuaf: r,
        rate_fixed_term_cuaf: r,
        rate_fixed_term_no_cuaf: r,
    }
}

fn rates(year: i32) -> Option<YearRates> {
    (year == 2026).then(|| YearRates {
        year,
        band1_max_pay: Decimal::new(961, 2),
        band2_max_pay: Decimal::new(1170, 2),
        band1: band(170),
        band2: band(192),
        band3: band(234),
        over_24_hours: band(124),
    })
}

fn terms(start: Date) -> EmploymentTerms {
    EmploymentTerms {
        start,
        end: None,
        weekly_hours: Decimal::new(25, 0),
        hourly_pay: Decimal::new(10, 0),
        fixed_term: false,
        cuaf: true,
    }
}

fn paid(quarter: QuarterId, notice: &str, cents: i64) -> ContributionPayment<u32> {
    ContributionPayment {
        id: 1,
        quarter,
        notice_number: NoticeNumber::parse(notice).unwrap(),
        paid_on: quarter.next().first_day(),
        amount: Money::from_cents(cents).unwrap(),
    }
}

fn eur(cents: i64) -> Money {
    Money::from_cents(cents).unwrap()
}

const Q1: QuarterId = QuarterId::new(2026, Quarter::Q1);
const Q2: QuarterId = QuarterId::new(2026, Quarter::Q2);
const Q3: QuarterId = QuarterId::new(2026, Quarter::Q3);

#[test]
fn quarters_most_recent_first_with_status_and_totals() {
    let today = date!(2026 - 07 - 15);
    let terms = terms(date!(2026 - 01 - 05));
    // Q1: 12 weeks × 25 h × 1.24 = 372.00, paid in two parts; Q2 unpaid past 10 July; Q3 running.
    let payments = [
        paid(Q1, "301000000000000001", 20_000),
        paid(Q1, "301000000000000002", 17_200),
    ];
    let filter = StatementFilter::new(None, None, None, today).unwrap();
    let statement = contribution_statement(&terms, rates, &payments, &filter, today).unwrap();
    let quarters: Vec<_> = statement.quarters.iter().map(|l| l.quarter).collect();
    assert_eq!(quarters, [Q3, Q2, Q1]);
    let q1 = &statement.quarters[2];
    assert_eq!(
        (q1.weeks, q1.amount_due, q1.amount_paid),
        (12, Some(eur(37_200)), eur(37_200))
    );
    assert_eq!(q1.status, ContributionStatus::Paid);
    assert_eq!(q1.payments.len(), 2);
    assert_eq!(statement.quarters[1].status, ContributionStatus::Overdue);
    assert_eq!(statement.quarters[0].status, ContributionStatus::Due);
    assert_eq!(statement.totals.paid, eur(37_200));
    assert_eq!(statement.totals.prescribed, Money::zero());
    // Q2: 13 weeks × 25 h × 1.24 = 403.00; Q3 (2 weeks so far) is due too.
    let q3_due = statement.quarters[0].amount_due.unwrap();
    assert_eq!(
        statement.totals.outstanding,
        eur(40_300).checked_add(q3_due).unwrap()
    );
}

#[test]
fn the_status_filter_keeps_only_that_status_and_its_totals() {
    let today = date!(2026 - 07 - 15);
    let terms = terms(date!(2026 - 01 - 05));
    let payments = [paid(Q1, "301000000000000001", 37_200)];
    let filter =
        StatementFilter::new(None, None, Some(ContributionStatus::Overdue), today).unwrap();
    let statement = contribution_statement(&terms, rates, &payments, &filter, today).unwrap();
    let quarters: Vec<_> = statement.quarters.iter().map(|l| l.quarter).collect();
    assert_eq!(quarters, [Q2]);
    assert_eq!(statement.totals.paid, Money::zero());
    assert_eq!(statement.totals.outstanding, eur(40_300));
}

#[test]
fn a_year_without_a_table_has_no_amount_and_paying_anything_makes_it_paid() {
    let today = date!(2026 - 02 - 15);
    let terms = terms(date!(2025 - 10 - 06));
    let q4 = QuarterId::new(2025, Quarter::Q4);
    let filter = StatementFilter::new(Some(q4), Some(q4), None, today).unwrap();
    let unpaid: Statement<u32> =
        contribution_statement(&terms, rates, &[], &filter, today).unwrap();
    let line = &unpaid.quarters[0];
    assert!(line.rate_missing());
    assert_eq!((line.hourly_rate, line.amount_due), (None, None));
    assert_eq!(line.status, ContributionStatus::Overdue);
    assert_eq!(
        unpaid.totals.outstanding,
        Money::zero(),
        "an unknown amount is never guessed"
    );
    let paid = contribution_statement(
        &terms,
        rates,
        &[paid(q4, "301000000000000003", 100)],
        &filter,
        today,
    )
    .unwrap();
    assert_eq!(paid.quarters[0].status, ContributionStatus::Paid);
}

#[test]
fn the_default_window_starts_five_years_and_one_quarter_back() {
    assert_eq!(
        default_from(date!(2026 - 05 - 04)),
        QuarterId::new(2021, Quarter::Q1)
    );
    assert_eq!(
        default_from(date!(2026 - 02 - 01)),
        QuarterId::new(2020, Quarter::Q4)
    );
    let filter = StatementFilter::new(None, None, None, date!(2026 - 05 - 04)).unwrap();
    assert_eq!(
        (filter.from, filter.to),
        (QuarterId::new(2021, Quarter::Q1), Q2)
    );
}

#[test]
fn filter_quarters_outside_the_plausible_dates_name_their_field() {
    let today = date!(2026 - 05 - 04);
    let early = StatementFilter::new(Some(QuarterId::new(1, Quarter::Q1)), None, None, today);
    assert_eq!(early.map_err(|e| e.field), Err("from"));
    let late = StatementFilter::new(None, Some(QuarterId::new(9999, Quarter::Q4)), None, today);
    assert_eq!(late.map_err(|e| e.field), Err("to"));
    assert!(
        StatementFilter::new(
            Some(QuarterId::new(1900, Quarter::Q1)),
            Some(QuarterId::new(2027, Quarter::Q2)),
            None,
            today
        )
        .is_ok()
    );
}
