//! Tests for quesiti: wire names, the answer deadline on the Italian calendar, eligibility for an
//! appointment and the protocol number.

use proptest::prelude::*;
use time::macros::{date, datetime};

use super::*;

const DAYS: u32 = 30;

/// Sent on 2 March 2026 at 11:00 in Italy: with 30 days the deadline is 1 April 2026.
const SENT: OffsetDateTime = datetime!(2026-03-02 10:00 UTC);
const DEADLINE: Date = date!(2026 - 04 - 01);

fn unanswered() -> InquiryFacts {
    InquiryFacts {
        sent_at: SENT,
        answer: None,
        on_active_appointment: false,
    }
}

fn answered(outcome: InquiryOutcome, at: OffsetDateTime) -> InquiryFacts {
    InquiryFacts {
        answer: Some((outcome, at)),
        ..unanswered()
    }
}

const AWAITING: Eligibility =
    Eligibility::NotEligible(NotEligibleBecause::AwaitingAnswer { deadline: DEADLINE });
const LATE: Eligibility = Eligibility::Eligible(EligibleBecause::NoAnswerInTime);

#[test]
fn wire_names() {
    let outcomes: Vec<&str> = InquiryOutcome::ALL.iter().map(|o| o.as_str()).collect();
    assert_eq!(outcomes, ["positive", "negative"]);
    let states: Vec<&str> = InquiryState::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        states,
        ["awaiting_answer", "answered_positive", "answered_negative"]
    );
    for o in InquiryOutcome::ALL {
        assert_eq!(o.as_str().parse::<InquiryOutcome>(), Ok(o));
        assert_eq!(o.to_string(), o.as_str());
        assert_eq!(serde_json::to_string(&o).unwrap(), format!("\"{o}\""));
    }
    for s in InquiryState::ALL {
        assert_eq!(s.as_str().parse::<InquiryState>(), Ok(s));
        assert_eq!(s.to_string(), s.as_str());
        assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{s}\""));
    }
    assert_eq!(
        "Negative".parse::<InquiryOutcome>(),
        Err(ParseError {
            kind: "inquiry outcome",
            value: "Negative".to_owned()
        })
    );
    assert!("answered".parse::<InquiryState>().is_err());
}

#[test]
fn deadline_counts_italian_calendar_days() {
    assert_eq!(answer_deadline(SENT, DAYS), DEADLINE);
    assert_eq!(answer_deadline(SENT, 0), date!(2026 - 03 - 02));
    // 23:30 UTC on 4 January is already 5 January in Italy.
    assert_eq!(
        answer_deadline(datetime!(2026-01-04 23:30 UTC), 10),
        date!(2026 - 01 - 15)
    );
    // Sent at 23:30 the evening before summer time starts: calendar days, not 24-hour blocks.
    assert_eq!(
        answer_deadline(datetime!(2026-03-28 22:30 UTC), 1),
        date!(2026 - 03 - 29)
    );
    assert_eq!(answer_deadline(SENT, u32::MAX), Date::MAX, "saturates");
}

#[test]
fn no_answer_becomes_eligible_the_day_after_the_deadline() {
    let facts = unanswered();
    assert_eq!(
        eligibility(&facts, DAYS, datetime!(2026-03-31 12:00 UTC)),
        AWAITING,
        "the day before the deadline"
    );
    assert_eq!(
        eligibility(&facts, DAYS, datetime!(2026-04-01 00:00 UTC)),
        AWAITING,
        "the deadline day"
    );
    assert_eq!(
        eligibility(&facts, DAYS, datetime!(2026-04-01 21:59 UTC)),
        AWAITING,
        "23:59 of the deadline day in Italy"
    );
    assert_eq!(
        eligibility(&facts, DAYS, datetime!(2026-04-02 12:00 UTC)),
        LATE,
        "the day after"
    );
    assert!(!AWAITING.is_eligible());
    assert!(LATE.is_eligible());
}

#[test]
fn italian_midnight_decides_not_utc_midnight() {
    let facts = unanswered();
    // 23:30 UTC on the deadline day is 01:30 of the next day in Italy (summer time).
    assert_eq!(
        eligibility(&facts, DAYS, datetime!(2026-04-01 23:30 UTC)),
        LATE
    );
    assert_eq!(
        eligibility(&facts, DAYS, datetime!(2026-04-01 22:00 UTC)),
        LATE
    );
    // In winter the offset is one hour.
    let winter = InquiryFacts {
        sent_at: datetime!(2026-01-05 10:00 UTC),
        ..facts
    };
    let deadline = date!(2026 - 01 - 15);
    assert_eq!(
        eligibility(&winter, 10, datetime!(2026-01-15 22:59 UTC)),
        Eligibility::NotEligible(NotEligibleBecause::AwaitingAnswer { deadline })
    );
    assert_eq!(
        eligibility(&winter, 10, datetime!(2026-01-15 23:30 UTC)),
        LATE
    );
}

#[test]
fn the_answer_decides_even_when_late() {
    let early = datetime!(2026-03-05 09:00 UTC);
    let late = datetime!(2026-04-20 09:00 UTC);
    let before_deadline = datetime!(2026-03-10 09:00 UTC);
    let after_deadline = datetime!(2026-05-01 09:00 UTC);
    let negative = Eligibility::Eligible(EligibleBecause::NegativeAnswer);
    let positive = Eligibility::NotEligible(NotEligibleBecause::PositiveAnswer);

    let facts = answered(InquiryOutcome::Negative, early);
    assert_eq!(eligibility(&facts, DAYS, before_deadline), negative);
    assert_eq!(eligibility(&facts, DAYS, after_deadline), negative);
    let facts = answered(InquiryOutcome::Negative, late);
    assert_eq!(eligibility(&facts, DAYS, after_deadline), negative);

    let facts = answered(InquiryOutcome::Positive, early);
    assert_eq!(eligibility(&facts, DAYS, before_deadline), positive);
    assert_eq!(eligibility(&facts, DAYS, after_deadline), positive);
    let facts = answered(InquiryOutcome::Positive, late);
    assert_eq!(eligibility(&facts, DAYS, after_deadline), positive);
    assert!(!positive.is_eligible());
}

#[test]
fn already_on_an_active_appointment_is_never_eligible() {
    let on_appointment = Eligibility::NotEligible(NotEligibleBecause::AlreadyOnAppointment);
    let answered_at = datetime!(2026-03-05 09:00 UTC);
    for answer in [
        None,
        Some((InquiryOutcome::Negative, answered_at)),
        Some((InquiryOutcome::Positive, answered_at)),
    ] {
        let facts = InquiryFacts {
            answer,
            on_active_appointment: true,
            ..unanswered()
        };
        for now in [
            datetime!(2026-03-10 09:00 UTC),
            datetime!(2026-06-01 09:00 UTC),
        ] {
            assert_eq!(eligibility(&facts, DAYS, now), on_appointment);
        }
    }
}

#[test]
fn state_follows_the_answer() {
    let at = datetime!(2026-03-05 09:00 UTC);
    assert_eq!(state(&unanswered()), InquiryState::AwaitingAnswer);
    assert_eq!(
        state(&answered(InquiryOutcome::Positive, at)),
        InquiryState::AnsweredPositive
    );
    assert_eq!(
        state(&answered(InquiryOutcome::Negative, at)),
        InquiryState::AnsweredNegative
    );
}

#[test]
fn protocol_numbers() {
    assert_eq!(protocol_number(2026, 1), "INPS.DL.2026.0000001");
    assert_eq!(protocol_number(2026, 1_234_567), "INPS.DL.2026.1234567");
    assert_eq!(protocol_number(2027, 12_345_678), "INPS.DL.2027.12345678");
}

proptest! {
    /// Without an answer, eligibility holds exactly when the Italian date of `now` is past the
    /// deadline.
    #[test]
    fn unanswered_is_eligible_only_after_the_deadline_day(
        // 2000-01-01 to 2100-01-01.
        sent in 946_684_800i64..4_102_444_800,
        days in 0u32..=120,
        elapsed in 0i64..(123 * 86_400),
    ) {
        let sent_at = OffsetDateTime::from_unix_timestamp(sent).unwrap();
        let now = sent_at + Duration::seconds(elapsed);
        let facts = InquiryFacts { sent_at, answer: None, on_active_appointment: false };
        let deadline = answer_deadline(sent_at, days);
        let result = eligibility(&facts, days, now);
        if rome_date(now) <= deadline {
            prop_assert_eq!(
                result,
                Eligibility::NotEligible(NotEligibleBecause::AwaitingAnswer { deadline })
            );
        } else {
            prop_assert_eq!(result, Eligibility::Eligible(EligibleBecause::NoAnswerInTime));
        }
    }
}
