//! The selection of eligible quesiti agrees with the eligibility rule.

use proptest::prelude::*;
use time::Duration;
use time::macros::datetime;

use super::*;

fn outcome(n: u8) -> Option<InquiryOutcome> {
    match n {
        0 => None,
        1 => Some(InquiryOutcome::Positive),
        _ => Some(InquiryOutcome::Negative),
    }
}

proptest! {
    /// For any answer and deadline, a quesito is selected as eligible exactly when the rule says
    /// it is eligible, and as not eligible exactly when it says it is not.
    #[test]
    fn the_selection_agrees_with_the_rule(n in 0u8..3, deadline_days in -40i64..40, minutes in 0i64..2880, on_appointment: bool) {
        let now = datetime!(2026-03-30 00:00 UTC) + Duration::minutes(minutes);
        let deadline = rome_date(now) + Duration::days(deadline_days);
        let facts = InquiryFacts {
            sent_at: now - Duration::days(60),
            answer: outcome(n).map(|o| (o, now)),
            on_active_appointment: on_appointment,
        };
        let eligible = eligibility_by(&facts, deadline, now).is_eligible();
        let selected = |wanted: bool| {
            eligibility_selection(wanted, now).matches(outcome(n), deadline, on_appointment)
        };
        prop_assert_eq!(selected(true), eligible);
        prop_assert_eq!(selected(false), !eligible);
    }
}
