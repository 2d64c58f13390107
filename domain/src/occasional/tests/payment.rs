//! The payment run's rules: which services are paid, one batch per worker, the state machine,
//! the masked IBAN and the dashboards' sums.

use time::macros::{date, datetime};

use super::super::payment::{
    Batch, Candidate, Counted, NotPayable, Outcome, OutcomeError, PayMonth, PaymentStatus,
    YearSummary, advance, batches, credited_amount, masked_iban, payable,
};
use super::super::service::ServiceStatus;
use super::eur;

fn month(text: &str) -> PayMonth {
    text.parse().unwrap()
}

fn candidate(
    worker: &str,
    service: u32,
    status: ServiceStatus,
    net: &str,
) -> Candidate<String, u32> {
    Candidate {
        worker: worker.to_owned(),
        service,
        date: date!(2026 - 10 - 12),
        status,
        revocable_until: Some(datetime!(2026-11-03 23:00 UTC)),
        held: false,
        net: eur(net),
    }
}

#[test]
fn months_parse_strictly_and_end_on_the_first_of_the_next() {
    let october = month("2026-10");
    assert_eq!(october.to_string(), "2026-10");
    assert_eq!(october.first_day(), date!(2026 - 10 - 01));
    assert_eq!(october.end(), Some(date!(2026 - 11 - 01)));
    assert_eq!(month("2026-12").end(), Some(date!(2027 - 01 - 01)));
    for bad in [
        "2026-13",
        "2026-00",
        "2026-1",
        "26-10",
        "2026/10",
        "2016-12",
        "2101-01",
        "",
        "२०२६-10",
    ] {
        assert!(bad.parse::<PayMonth>().is_err(), "{bad}");
    }
    assert!(!october.is_over(date!(2026 - 10 - 31)));
    assert!(october.is_over(date!(2026 - 11 - 01)));
}

#[test]
fn only_recorded_or_rectified_services_past_their_window_and_not_held_are_payable() {
    let october = month("2026-10");
    let after = datetime!(2026-11-03 23:00 UTC);
    let ok = candidate("W", 1, ServiceStatus::Recorded, "8.00");
    assert_eq!(payable(&ok, october, after), Ok(()));
    let rectified = candidate("W", 1, ServiceStatus::Rectified, "8.00");
    assert_eq!(payable(&rectified, october, after), Ok(()));
    // One second before the window closes: still revocable.
    assert_eq!(
        payable(&ok, october, datetime!(2026-11-03 22:59:59 UTC)),
        Err(NotPayable::Revocable)
    );
    for status in [
        ServiceStatus::Disputed,
        ServiceStatus::Revoked,
        ServiceStatus::Paid,
    ] {
        let c = candidate("W", 1, status, "8.00");
        assert_eq!(payable(&c, october, after), Err(NotPayable::Status(status)));
    }
    let held = Candidate {
        held: true,
        ..ok.clone()
    };
    assert_eq!(payable(&held, october, after), Err(NotPayable::Held));
    assert_eq!(
        payable(&ok, month("2026-09"), after),
        Err(NotPayable::OtherMonth)
    );
}

#[test]
fn a_run_makes_one_batch_per_worker_summing_net_pay() {
    let now = datetime!(2026-11-10 09:00 UTC);
    let list = vec![
        candidate("A", 1, ServiceStatus::Recorded, "8.00"),
        candidate("B", 2, ServiceStatus::Recorded, "36.00"),
        candidate("A", 3, ServiceStatus::Rectified, "16.00"),
        candidate("A", 4, ServiceStatus::Disputed, "24.00"),
        candidate("B", 5, ServiceStatus::Revoked, "40.00"),
    ];
    let out = batches(&list, month("2026-10"), now).unwrap();
    assert_eq!(
        out,
        vec![
            Batch {
                worker: "A".to_owned(),
                services: vec![1, 3],
                amount: eur("24.00"),
            },
            Batch {
                worker: "B".to_owned(),
                services: vec![2],
                amount: eur("36.00"),
            },
        ]
    );
    assert!(batches(&list, month("2026-11"), now).unwrap().is_empty());
}

#[test]
fn the_fee_is_deducted_and_never_makes_a_payout_negative() {
    assert_eq!(credited_amount(eur("24.00"), eur("1.75")), eur("22.25"));
    assert_eq!(credited_amount(eur("3.00"), eur("3.84")), eur("0.00"));
}

#[test]
fn payments_move_scheduled_in_payment_credited_or_fail_before_credit() {
    use PaymentStatus as P;
    let failed = Outcome::Failed {
        reason: "conto estinto".to_owned(),
    };
    assert_eq!(advance(P::Scheduled, &Outcome::InPayment), Ok(P::InPayment));
    assert_eq!(advance(P::Scheduled, &failed), Ok(P::Failed));
    assert_eq!(advance(P::InPayment, &Outcome::Credited), Ok(P::Credited));
    assert_eq!(advance(P::InPayment, &failed), Ok(P::Failed));
    for (from, outcome) in [
        (P::Scheduled, Outcome::Credited),
        (P::InPayment, Outcome::InPayment),
        (P::Credited, failed.clone()),
        (P::Credited, Outcome::InPayment),
        (P::Failed, Outcome::Credited),
        (P::Failed, Outcome::InPayment),
    ] {
        assert!(
            matches!(
                advance(from, &outcome),
                Err(OutcomeError::Transition { .. })
            ),
            "{from} -> {outcome:?}"
        );
    }
    for reason in ["", "   ", &"x".repeat(501)] {
        let outcome = Outcome::Failed {
            reason: reason.to_owned(),
        };
        assert_eq!(advance(P::Scheduled, &outcome), Err(OutcomeError::Reason));
    }
    let longest = Outcome::Failed {
        reason: "x".repeat(500),
    };
    assert_eq!(advance(P::Scheduled, &longest), Ok(P::Failed));
    assert!(P::Credited.holds_services() && !P::Failed.holds_services());
}

#[test]
fn a_receipt_shows_only_the_last_four_characters_of_the_iban() {
    assert_eq!(
        masked_iban("IT60X0542811101000000123456"),
        "***********************3456"
    );
    assert_eq!(
        masked_iban("IT60 X054 2811 1010 0000 0123 456"),
        masked_iban("IT60X0542811101000000123456")
    );
    assert_eq!(masked_iban("123"), "123");
}

#[test]
fn a_year_summary_splits_earned_pay_by_where_it_is() {
    let c = |status, in_payment, net: &str, gross: &str| Counted {
        status,
        in_payment,
        net: eur(net),
        gross: eur(gross),
    };
    let summary = YearSummary::of(&[
        c(ServiceStatus::Paid, false, "8.00", "10.00"),
        c(ServiceStatus::Recorded, true, "16.00", "20.00"),
        c(ServiceStatus::Rectified, false, "36.00", "49.86"),
        c(ServiceStatus::Disputed, false, "24.00", "30.00"),
        c(ServiceStatus::Revoked, false, "40.00", "50.00"),
    ])
    .unwrap();
    assert_eq!(summary.earned, eur("84.00"));
    assert_eq!(summary.paid, eur("8.00"));
    assert_eq!(summary.not_yet_paid, eur("52.00"));
    assert_eq!(summary.in_payment, eur("16.00"));
    assert_eq!(summary.disputed, eur("24.00"));
    assert_eq!(summary.spent, eur("109.86"));
}
