//! Disputes: who may do what, in which state.

use time::macros::datetime;

use crate::occasional::dispute::{
    DisputeAction, DisputeError, DisputeParty, DisputeState, Reason, Timeline, message, open,
    service_status, transition,
};
use crate::occasional::service::ServiceStatus;
use crate::test_support::assert_names_round_trip;
use crate::text::TextError;

#[test]
fn names_round_trip() {
    assert_names_round_trip(Reason::ALL, Reason::as_str);
    assert_names_round_trip(DisputeState::ALL, DisputeState::as_str);
    assert_names_round_trip(DisputeAction::ALL, DisputeAction::as_str);
    assert_names_round_trip(DisputeParty::ALL, DisputeParty::as_str);
}

#[test]
fn only_the_worker_opens_a_dispute_on_a_recorded_or_rectified_service() {
    let request = open(
        ServiceStatus::Recorded,
        DisputeParty::Worker,
        Reason::WrongHours,
        " 3 hours, not 2 ",
    )
    .unwrap();
    assert_eq!(request.text, "3 hours, not 2");
    assert!(
        open(
            ServiceStatus::Rectified,
            DisputeParty::Worker,
            Reason::Other,
            "why?"
        )
        .is_ok()
    );
    for by in [DisputeParty::Client, DisputeParty::Operator] {
        assert_eq!(
            open(ServiceStatus::Recorded, by, Reason::Other, "x"),
            Err(DisputeError::OnlyWorkerOpens)
        );
    }
    for status in [
        ServiceStatus::Disputed,
        ServiceStatus::Revoked,
        ServiceStatus::Paid,
    ] {
        assert_eq!(
            open(status, DisputeParty::Worker, Reason::NotPerformed, "x"),
            Err(DisputeError::ServiceNotDisputable(status))
        );
    }
    assert_eq!(
        open(
            ServiceStatus::Recorded,
            DisputeParty::Worker,
            Reason::Other,
            "  "
        ),
        Err(DisputeError::Text(TextError::Blank))
    );
    assert!(message(&"x".repeat(2001)).is_err());
}

#[test]
fn every_transition_by_every_party() {
    use DisputeAction::{Answer, Close, Rectify, Reopen};
    use DisputeParty::{Client, Operator, Worker};
    use DisputeState::{Answered, Closed, Opened, Rectified};

    let allowed = [
        (Opened, Answer, Client, Answered),
        (Opened, Rectify, Client, Rectified),
        (Answered, Rectify, Client, Rectified),
        (Answered, Reopen, Worker, Opened),
        (Opened, Close, Worker, Closed),
        (Answered, Close, Worker, Closed),
        (Rectified, Close, Worker, Closed),
        (Opened, Close, Operator, Closed),
        (Answered, Close, Operator, Closed),
        (Rectified, Close, Operator, Closed),
    ];
    for &state in DisputeState::ALL {
        for &action in DisputeAction::ALL {
            for &by in DisputeParty::ALL {
                let expected = allowed
                    .iter()
                    .find(|(from, a, who, _)| (*from, *a, *who) == (state, action, by))
                    .map(|(_, _, _, to)| *to);
                let result = transition(state, action, by);
                match expected {
                    Some(to) => assert_eq!(result, Ok(to), "{state} {action} {by}"),
                    None => assert!(result.is_err(), "{state} {action} {by}"),
                }
            }
        }
    }
    // Permission is checked before state: the client never learns a dispute is closed.
    assert_eq!(
        transition(Closed, Close, Client),
        Err(DisputeError::NotAllowed {
            action: Close,
            by: Client
        })
    );
    assert_eq!(
        transition(Closed, Answer, Client),
        Err(DisputeError::WrongState {
            from: Closed,
            action: Answer
        })
    );
}

#[test]
fn the_service_status_follows_the_dispute() {
    use DisputeState::{Answered, Closed, Opened, Rectified};
    assert_eq!(
        service_status(Opened, ServiceStatus::Recorded, false),
        ServiceStatus::Disputed
    );
    assert_eq!(
        service_status(Answered, ServiceStatus::Recorded, false),
        ServiceStatus::Disputed
    );
    assert_eq!(
        service_status(Rectified, ServiceStatus::Recorded, true),
        ServiceStatus::Rectified
    );
    assert_eq!(
        service_status(Closed, ServiceStatus::Recorded, false),
        ServiceStatus::Recorded
    );
    assert_eq!(
        service_status(Closed, ServiceStatus::Recorded, true),
        ServiceStatus::Rectified
    );
}

#[test]
fn each_step_is_stamped() {
    let timeline = Timeline::opened(datetime!(2026-03-12 10:00 UTC))
        .stamp(DisputeAction::Answer, datetime!(2026-03-13 10:00 UTC))
        .stamp(DisputeAction::Close, datetime!(2026-03-14 10:00 UTC));
    assert_eq!(timeline.answered_at, Some(datetime!(2026-03-13 10:00 UTC)));
    assert_eq!(timeline.closed_at, Some(datetime!(2026-03-14 10:00 UTC)));
    assert_eq!(timeline.rectified_at, None);
    assert_eq!(timeline.reopened_at, None);
}
