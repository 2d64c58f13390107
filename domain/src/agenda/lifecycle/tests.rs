//! Tests for the state changes of an appointment: every change from every state.

use proptest::prelude::*;
use time::Duration;
use time::macros::datetime;

use super::*;
use crate::test_support::assert_names_round_trip;

const NOW: OffsetDateTime = datetime!(2026-05-11 10:00 UTC);
const START: OffsetDateTime = datetime!(2026-05-12 08:00 UTC);

fn facts(state: AppointmentState) -> AppointmentFacts {
    AppointmentFacts {
        state,
        start: START,
        draft_expires_at: NOW + Duration::hours(1),
    }
}

const OTHER_STATES: [AppointmentState; 3] = [
    AppointmentState::Draft,
    AppointmentState::ClosedResolved,
    AppointmentState::Cancelled,
];

#[test]
fn names_round_trip() {
    assert_names_round_trip(AppointmentState::ALL, AppointmentState::as_str);
    assert_names_round_trip(CancelledBy::ALL, CancelledBy::as_str);
    assert_names_round_trip(HistoryKind::ALL, HistoryKind::as_str);
}

#[test]
fn a_draft_is_confirmed_before_it_expires_and_before_its_slot() {
    let done = transition(&facts(AppointmentState::Draft), Change::Confirm, NOW).unwrap();
    assert_eq!(
        done,
        Transition {
            state: AppointmentState::Confirmed,
            start: START,
            cancelled_by: None,
            reason: None,
            history: HistoryKind::Confirmed,
        }
    );
    let expired_at = NOW + Duration::hours(1);
    assert_eq!(
        transition(&facts(AppointmentState::Draft), Change::Confirm, expired_at),
        Err(TransitionRefusal::DraftExpired { expired_at })
    );
    let late = AppointmentFacts {
        draft_expires_at: START + Duration::hours(1),
        ..facts(AppointmentState::Draft)
    };
    assert_eq!(
        transition(&late, Change::Confirm, START),
        Err(TransitionRefusal::AlreadyStarted { start: START })
    );
}

#[test]
fn only_a_draft_is_confirmed() {
    for state in [
        AppointmentState::Confirmed,
        AppointmentState::ClosedResolved,
        AppointmentState::Cancelled,
    ] {
        assert_eq!(
            transition(&facts(state), Change::Confirm, NOW),
            Err(TransitionRefusal::NotDraft { state })
        );
    }
}

#[test]
fn the_user_cancels_a_confirmed_appointment_before_it_starts() {
    let confirmed = facts(AppointmentState::Confirmed);
    let done = transition(&confirmed, Change::CancelByUser { reason: None }, NOW).unwrap();
    assert_eq!(done.state, AppointmentState::Cancelled);
    assert_eq!(done.cancelled_by, Some(CancelledBy::User));
    assert_eq!(done.reason, None);
    assert_eq!(done.history, HistoryKind::CancelledByUser);
    let with_reason = Change::CancelByUser {
        reason: Some("  impegno di lavoro "),
    };
    assert_eq!(
        transition(&confirmed, with_reason, NOW).unwrap().reason,
        Some("impegno di lavoro".to_owned())
    );
    for at in [START, START + Duration::minutes(1)] {
        assert_eq!(
            transition(&confirmed, Change::CancelByUser { reason: None }, at),
            Err(TransitionRefusal::AlreadyStarted { start: START })
        );
    }
    assert_eq!(
        transition(
            &confirmed,
            Change::CancelByUser {
                reason: Some("   ")
            },
            NOW
        ),
        Err(TransitionRefusal::Reason(TextError::Blank))
    );
}

#[test]
fn the_office_cancels_with_a_reason_even_after_the_start() {
    let confirmed = facts(AppointmentState::Confirmed);
    let change = Change::CancelByOffice {
        reason: " Ufficio chiuso ",
    };
    for at in [NOW, START + Duration::hours(2)] {
        let done = transition(&confirmed, change, at).unwrap();
        assert_eq!(done.state, AppointmentState::Cancelled);
        assert_eq!(done.cancelled_by, Some(CancelledBy::Office));
        assert_eq!(done.reason, Some("Ufficio chiuso".to_owned()));
        assert_eq!(done.history, HistoryKind::CancelledByOffice);
    }
    for reason in ["", " \n "] {
        assert_eq!(
            transition(&confirmed, Change::CancelByOffice { reason }, NOW),
            Err(TransitionRefusal::Reason(TextError::Blank))
        );
    }
    let long = "a".repeat(MAX_REASON_CHARS + 1);
    assert_eq!(
        transition(&confirmed, Change::CancelByOffice { reason: &long }, NOW),
        Err(TransitionRefusal::Reason(TextError::TooLong {
            max: MAX_REASON_CHARS,
            found: MAX_REASON_CHARS + 1
        }))
    );
}

#[test]
fn the_office_closes_a_confirmed_appointment() {
    let done = transition(&facts(AppointmentState::Confirmed), Change::Close, NOW).unwrap();
    assert_eq!(done.state, AppointmentState::ClosedResolved);
    assert_eq!(done.history, HistoryKind::ClosedResolved);
    assert_eq!(done.cancelled_by, None);
}

#[test]
fn the_office_reschedules_into_the_future_only() {
    let confirmed = facts(AppointmentState::Confirmed);
    let later = START + Duration::days(2);
    let done = transition(&confirmed, Change::Reschedule { start: later }, NOW).unwrap();
    assert_eq!(done.state, AppointmentState::Confirmed);
    assert_eq!(done.start, later);
    assert_eq!(done.history, HistoryKind::Rescheduled);
    for start in [NOW, NOW - Duration::minutes(1)] {
        assert_eq!(
            transition(&confirmed, Change::Reschedule { start }, NOW),
            Err(TransitionRefusal::RescheduleIntoPast { start })
        );
    }
}

#[test]
fn changes_other_than_confirming_need_a_confirmed_appointment() {
    for state in OTHER_STATES {
        for change in [
            Change::CancelByUser { reason: None },
            Change::CancelByOffice { reason: "motivo" },
            Change::Close,
            Change::Reschedule {
                start: START + Duration::days(1),
            },
        ] {
            assert_eq!(
                transition(&facts(state), change, NOW),
                Err(TransitionRefusal::NotConfirmed { state }),
                "{state} {change:?}"
            );
        }
    }
}

proptest! {
    #[test]
    fn final_states_never_change(minutes in -10_000i64..10_000, final_state in prop::sample::select(vec![AppointmentState::ClosedResolved, AppointmentState::Cancelled])) {
        let now = START + Duration::minutes(minutes);
        for change in [
            Change::Confirm,
            Change::CancelByUser { reason: None },
            Change::CancelByOffice { reason: "motivo" },
            Change::Close,
            Change::Reschedule { start: now + Duration::days(1) },
        ] {
            prop_assert!(transition(&facts(final_state), change, now).is_err());
        }
    }

    #[test]
    fn the_user_may_cancel_exactly_while_the_start_is_ahead(minutes in -10_000i64..10_000) {
        let now = START + Duration::minutes(minutes);
        let result = transition(&facts(AppointmentState::Confirmed), Change::CancelByUser { reason: None }, now);
        prop_assert_eq!(result.is_ok(), now < START);
    }
}
