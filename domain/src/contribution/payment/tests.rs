//! Tests for the payment checks.

use proptest::prelude::*;
use time::macros::date;

use super::*;
use crate::contribution::Quarter;

fn terms() -> EmploymentTerms {
    EmploymentTerms {
        start: date!(2015 - 01 - 05),
        end: None,
        weekly_hours: Decimal::new(25, 0),
        hourly_pay: Decimal::new(10, 0),
        fixed_term: false,
        cuaf: true,
    }
}

fn payment(quarter: QuarterId, paid_on: Date, cents: i64) -> RecordPayment {
    RecordPayment {
        quarter,
        notice_number: NoticeNumber::parse("301000000000000011").unwrap(),
        paid_on,
        amount: Money::from_cents(cents).unwrap(),
    }
}

const Q1_2026: QuarterId = QuarterId::new(2026, Quarter::Q1);
const TODAY: Date = date!(2026 - 05 - 04);

#[test]
fn a_payment_of_a_past_quarter_made_after_it_began_and_by_today_is_accepted() {
    assert_eq!(
        check_payment(
            &terms(),
            &payment(Q1_2026, date!(2026 - 04 - 08), 40_300),
            TODAY
        ),
        Ok(())
    );
    // Early payment of the running quarter.
    let q2 = QuarterId::new(2026, Quarter::Q2);
    assert_eq!(
        check_payment(&terms(), &payment(q2, date!(2026 - 04 - 30), 100), TODAY),
        Ok(())
    );
}

#[test]
fn each_check_names_its_field() {
    let cases = [
        (
            payment(
                QuarterId::new(2014, Quarter::Q4),
                date!(2026 - 04 - 08),
                100,
            ),
            Some("quarter"),
        ),
        (
            payment(
                QuarterId::new(2026, Quarter::Q3),
                date!(2026 - 04 - 08),
                100,
            ),
            Some("quarter"),
        ),
        (payment(Q1_2026, date!(2026 - 04 - 08), 0), Some("amount")),
        (
            payment(Q1_2026, date!(2026 - 04 - 08), 100_000_000),
            Some("amount"),
        ),
        (
            payment(Q1_2026, date!(2025 - 12 - 31), 100),
            Some("paid_on"),
        ),
        (
            payment(Q1_2026, date!(2026 - 05 - 05), 100),
            Some("paid_on"),
        ),
    ];
    for (payment, field) in cases {
        let refused = check_payment(&terms(), &payment, TODAY).unwrap_err();
        assert_eq!(refused.field(), field, "{payment:?}: {refused}");
    }
}

#[test]
fn a_quarter_prescribed_on_the_day_of_payment_is_refused() {
    let q1_2015 = QuarterId::new(2015, Quarter::Q1);
    // Due by 10 April 2015, payable until 10 April 2020.
    let today = date!(2021 - 01 - 01);
    assert_eq!(
        check_payment(
            &terms(),
            &payment(q1_2015, date!(2020 - 04 - 10), 100),
            today
        ),
        Ok(())
    );
    assert_eq!(
        check_payment(
            &terms(),
            &payment(q1_2015, date!(2020 - 04 - 11), 100),
            today
        ),
        Err(PaymentRefused::Prescribed {
            quarter: q1_2015,
            payable_until: date!(2020 - 04 - 10)
        })
    );
}

#[test]
fn notice_numbers_are_exactly_18_digits() {
    assert!(NoticeNumber::parse("301000000000000011").is_ok());
    for bad in [
        "30100000000000001",
        "3010000000000000111",
        "30100000000000001a",
        "",
    ] {
        assert_eq!(NoticeNumber::parse(bad), Err(NoticeNumberError), "{bad}");
    }
}

proptest! {
    /// The amount is accepted exactly from one cent to 999999.99.
    #[test]
    fn amounts_are_accepted_exactly_within_the_bounds(cents in 0i64..200_000_000) {
        let result = check_payment(&terms(), &payment(Q1_2026, date!(2026 - 04 - 08), cents), TODAY);
        let inside = (1..=99_999_999).contains(&cents);
        prop_assert_eq!(result.is_ok(), inside);
    }
}
