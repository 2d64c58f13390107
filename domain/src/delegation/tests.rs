//! Tests for the delegation rules: wire names, terms validation, month arithmetic, the state
//! machine and the in-force checks.

use proptest::prelude::*;
use time::macros::date;

use super::*;
use crate::test_support::assert_names_round_trip;

fn rossi() -> TaxCode {
    TaxCode::parse("RSSMRA85T10A562S").unwrap()
}

fn studio() -> TaxCode {
    TaxCode::parse("02121151001").unwrap()
}

const TODAY: Date = date!(2026 - 03 - 15);

fn terms(service: Service, scopes: &[Scope], from: Date, until: Date) -> DelegationTerms {
    DelegationTerms {
        service,
        scopes: scopes.to_vec(),
        valid_from: from,
        valid_until: until,
    }
}

fn validate(t: DelegationTerms) -> Result<NormalizedTerms, TermsError> {
    validate_terms(&rossi(), &studio(), t, TODAY)
}

#[test]
fn names_round_trip() {
    assert_names_round_trip(&Service::ALL, Service::as_str);
    assert_names_round_trip(&Scope::ALL, Scope::as_str);
    assert_names_round_trip(&DelegationStatus::ALL, DelegationStatus::as_str);
    assert_names_round_trip(&DelegationAction::ALL, DelegationAction::as_str);
    assert_names_round_trip(&Party::ALL, Party::as_str);

    assert_eq!(Service::DomesticWork.as_str(), "domestic_work");
    assert_eq!(Service::OccasionalWork.as_str(), "occasional_work");
    let scopes: Vec<_> = Scope::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        scopes,
        [
            "read",
            "inquiries",
            "appointments",
            "services",
            "payments",
            "registration"
        ]
    );
}

#[test]
fn service_rules() {
    use Scope::*;
    assert_eq!(
        Service::DomesticWork.allowed_scopes(),
        [Read, Inquiries, Appointments]
    );
    assert_eq!(
        Service::OccasionalWork.allowed_scopes(),
        [Read, Services, Payments, Registration]
    );
    assert!(Service::DomesticWork.single_active_delegation());
    assert!(!Service::OccasionalWork.single_active_delegation());
}

#[test]
fn valid_terms_are_normalised() {
    use Scope::*;
    let ok = validate(terms(
        Service::OccasionalWork,
        &[Payments, Services, Payments],
        TODAY,
        date!(2027 - 03 - 15),
    ))
    .unwrap();
    assert_eq!(ok.service(), Service::OccasionalWork);
    assert_eq!(ok.scopes(), [Read, Services, Payments]);
    assert_eq!(ok.valid_from(), TODAY);
    assert_eq!(ok.valid_until(), date!(2027 - 03 - 15));

    let read_only = validate(terms(Service::DomesticWork, &[Read, Read], TODAY, TODAY)).unwrap();
    assert_eq!(read_only.scopes(), [Read]);
}

#[test]
fn invalid_terms() {
    use Scope::*;
    use Service::*;
    let far = date!(2026 - 06 - 30);
    assert_eq!(
        validate(terms(OccasionalWork, &[], TODAY, far)),
        Err(TermsError::NoScopes)
    );
    assert_eq!(
        validate(terms(
            DomesticWork,
            &[Read, Inquiries, Payments, Services],
            TODAY,
            far
        )),
        Err(TermsError::ScopeNotAllowed {
            scope: Payments,
            service: DomesticWork
        })
    );
    assert_eq!(
        validate(terms(OccasionalWork, &[Appointments], TODAY, far)),
        Err(TermsError::ScopeNotAllowed {
            scope: Appointments,
            service: OccasionalWork
        })
    );
    assert_eq!(
        validate(terms(OccasionalWork, &[Read], date!(2026 - 03 - 14), far)),
        Err(TermsError::StartsInThePast)
    );
    assert_eq!(
        validate(terms(OccasionalWork, &[Read], far, date!(2026 - 06 - 29))),
        Err(TermsError::EndsBeforeStart)
    );
    assert_eq!(
        validate_terms(
            &rossi(),
            &rossi(),
            terms(OccasionalWork, &[Read], TODAY, far),
            TODAY
        ),
        Err(TermsError::SelfDelegation)
    );
    assert_eq!(
        TermsError::ScopeNotAllowed {
            scope: Payments,
            service: DomesticWork
        }
        .to_string(),
        "scope 'payments' is not available for service 'domestic_work'"
    );
}

#[test]
fn maximum_length() {
    use Service::*;
    let read = &[Scope::Read];
    // Occasional work: 12 months to the day, inclusive.
    assert!(validate(terms(OccasionalWork, read, TODAY, date!(2027 - 03 - 15))).is_ok());
    assert_eq!(
        validate(terms(OccasionalWork, read, TODAY, date!(2027 - 03 - 16))),
        Err(TermsError::TooLong { max_months: 12 })
    );
    // Domestic work: 5 years.
    assert!(validate(terms(DomesticWork, read, TODAY, date!(2031 - 03 - 15))).is_ok());
    assert_eq!(
        validate(terms(DomesticWork, read, TODAY, date!(2031 - 03 - 16))),
        Err(TermsError::TooLong { max_months: 60 })
    );
    // 29 February + 12 months is clamped to 28 February.
    let leap_today = date!(2028 - 02 - 29);
    let from_leap = |until| {
        validate_terms(
            &rossi(),
            &studio(),
            terms(OccasionalWork, read, leap_today, until),
            leap_today,
        )
    };
    assert!(from_leap(date!(2029 - 02 - 28)).is_ok());
    assert_eq!(
        from_leap(date!(2029 - 03 - 01)),
        Err(TermsError::TooLong { max_months: 12 })
    );
}

#[test]
fn month_arithmetic() {
    assert_eq!(
        add_months(date!(2026 - 01 - 31), 1),
        Some(date!(2026 - 02 - 28))
    );
    assert_eq!(
        add_months(date!(2028 - 01 - 31), 1),
        Some(date!(2028 - 02 - 29))
    );
    assert_eq!(
        add_months(date!(2028 - 02 - 29), 12),
        Some(date!(2029 - 02 - 28))
    );
    assert_eq!(
        add_months(date!(2028 - 02 - 29), 48),
        Some(date!(2032 - 02 - 29))
    );
    assert_eq!(
        add_months(date!(2026 - 11 - 30), 3),
        Some(date!(2027 - 02 - 28))
    );
    assert_eq!(
        add_months(date!(2026 - 05 - 15), 0),
        Some(date!(2026 - 05 - 15))
    );
    assert_eq!(add_months(date!(9999 - 06 - 01), 12), None);
    assert_eq!(add_months(date!(9999 - 06 - 01), u32::MAX), None);
}

#[test]
fn state_machine_table() {
    use DelegationAction::*;
    use DelegationStatus::*;
    use Party::{Delegate, Delegator};
    let not_allowed = |action, by| Err(TransitionError::NotAllowed { action, by });
    let wrong = |from, action| Err(TransitionError::WrongState { from, action });

    // (current, action, by, expected)
    let table = [
        (Pending, Accept, Delegate, Ok(Active)),
        (Pending, Reject, Delegate, Ok(Rejected)),
        (Pending, Accept, Delegator, not_allowed(Accept, Delegator)),
        (
            Pending,
            Accept,
            Party::Operator,
            not_allowed(Accept, Party::Operator),
        ),
        (Pending, Reject, Delegator, not_allowed(Reject, Delegator)),
        (Pending, Revoke, Delegator, Ok(Revoked)),
        (Pending, Revoke, Delegate, Ok(Revoked)),
        (Pending, Revoke, Party::Operator, Ok(Revoked)),
        (Active, Revoke, Delegator, Ok(Revoked)),
        (Active, Revoke, Delegate, Ok(Revoked)),
        (Active, Revoke, Party::Operator, Ok(Revoked)),
        (Active, Accept, Delegate, wrong(Active, Accept)),
        (Active, Reject, Delegate, wrong(Active, Reject)),
        (Active, Accept, Delegator, not_allowed(Accept, Delegator)),
        (Revoked, Revoke, Delegator, wrong(Revoked, Revoke)),
        (Rejected, Accept, Delegate, wrong(Rejected, Accept)),
        (Expired, Accept, Delegate, wrong(Expired, Accept)),
        (Expired, Revoke, Party::Operator, wrong(Expired, Revoke)),
    ];
    for (current, action, by, expected) in table {
        assert_eq!(
            transition(current, action, by),
            expected,
            "{current} {action} by {by}"
        );
    }
}

#[test]
fn final_states_admit_no_action() {
    for status in DelegationStatus::ALL.into_iter().filter(|s| s.is_final()) {
        for action in DelegationAction::ALL {
            for by in Party::ALL {
                assert!(
                    transition(status, action, by).is_err(),
                    "{status} {action} {by}"
                );
            }
        }
    }
    assert_eq!(
        TransitionError::WrongState {
            from: DelegationStatus::Revoked,
            action: DelegationAction::Accept
        }
        .to_string(),
        "cannot accept a delegation that is revoked"
    );
}

#[test]
fn effective_status_and_in_force() {
    use DelegationStatus::*;
    let from = date!(2026 - 03 - 01);
    let until = date!(2026 - 03 - 31);
    assert_eq!(
        effective_status(Active, until, date!(2026 - 03 - 31)),
        Active
    );
    assert_eq!(
        effective_status(Active, until, date!(2026 - 04 - 01)),
        Expired
    );
    assert_eq!(
        effective_status(Pending, until, date!(2026 - 04 - 01)),
        Expired
    );
    assert_eq!(
        effective_status(Revoked, until, date!(2026 - 04 - 01)),
        Revoked
    );
    assert_eq!(
        effective_status(Rejected, until, date!(2026 - 04 - 01)),
        Rejected
    );

    assert!(!is_in_force(Active, from, until, date!(2026 - 02 - 28)));
    assert!(is_in_force(Active, from, until, from));
    assert!(is_in_force(Active, from, until, until));
    assert!(!is_in_force(Active, from, until, date!(2026 - 04 - 01)));
    for status in [Pending, Rejected, Revoked, Expired] {
        assert!(!is_in_force(status, from, until, date!(2026 - 03 - 15)));
    }
}

fn any_scope() -> impl Strategy<Value = Scope> {
    proptest::sample::select(Scope::ALL.to_vec())
}

fn any_service() -> impl Strategy<Value = Service> {
    proptest::sample::select(Service::ALL.to_vec())
}

proptest! {
    #[test]
    fn accepted_terms_keep_their_invariants(
        service in any_service(),
        scopes in proptest::collection::vec(any_scope(), 0..8),
        from_offset in -3i64..30,
        length in -3i64..2_000,
    ) {
        let from = TODAY + time::Duration::days(from_offset);
        let until = from + time::Duration::days(length);
        let result = validate(terms(service, &scopes, from, until));
        if let Ok(ok) = result {
            prop_assert!(ok.scopes().contains(&Scope::Read));
            prop_assert!(ok.scopes().windows(2).all(|w| w[0] < w[1]));
            prop_assert!(ok.scopes().iter().all(|s| service.allowed_scopes().contains(s)));
            prop_assert!(scopes.iter().all(|s| ok.scopes().contains(s)));
            prop_assert!(ok.valid_from() >= TODAY);
            prop_assert!(ok.valid_until() >= ok.valid_from());
            // Never longer than the maximum months: at most 31 days per month.
            let days = (ok.valid_until() - ok.valid_from()).whole_days();
            prop_assert!(days <= i64::from(service.max_validity_months()) * 31);
        } else {
            let error_is_explained = scopes.is_empty()
                || scopes.iter().any(|s| !service.allowed_scopes().contains(s))
                || from < TODAY
                || until < from
                || matches!(result, Err(TermsError::TooLong { .. }));
            prop_assert!(error_is_explained);
        }
    }

    #[test]
    fn add_months_is_monotonic_and_keeps_the_day_when_it_can(
        offset in 0i64..4_000,
        months in 0u32..120,
    ) {
        let date = date!(2024 - 01 - 01) + time::Duration::days(offset);
        let moved = add_months(date, months).unwrap();
        let next = add_months(date, months + 1).unwrap();
        prop_assert!(moved >= date);
        prop_assert!(next > moved);
        prop_assert!(moved.day() == date.day() || moved.day() == moved.month().length(moved.year()));
    }
}

#[test]
fn only_the_position_holder_may_delegate_the_service() {
    use crate::identity::Role::{Client, Employer, Intermediary, Operator, Worker};
    let table: &[(&[Role], Service, bool)] = &[
        (&[Employer], Service::DomesticWork, true),
        (&[Employer], Service::OccasionalWork, false),
        (&[Worker], Service::OccasionalWork, true),
        (&[Client], Service::OccasionalWork, true),
        (&[Worker, Client], Service::DomesticWork, false),
        (&[Intermediary], Service::DomesticWork, false),
        (&[Operator], Service::DomesticWork, false),
        (&[Operator], Service::OccasionalWork, false),
        (&[], Service::DomesticWork, false),
        (&[Intermediary, Employer], Service::DomesticWork, true),
    ];
    for (roles, service, expected) in table {
        assert_eq!(
            may_delegate(roles, *service),
            *expected,
            "{roles:?} delegating {service}"
        );
    }
}

#[test]
fn a_superseded_delegation_in_force_is_revoked_and_an_expired_one_stays_expired() {
    let until = date!(2026 - 03 - 14);
    // Its last day was yesterday: it had already expired when the new one arrived.
    assert_eq!(
        superseded_status(DelegationStatus::Active, until, TODAY),
        DelegationStatus::Expired
    );
    // Still in force (its last day is today or later): the new one ends it.
    for until in [TODAY, date!(2027 - 01 - 01)] {
        assert_eq!(
            superseded_status(DelegationStatus::Active, until, TODAY),
            DelegationStatus::Revoked
        );
    }
}

proptest! {
    #[test]
    fn stored_status_matches_agree_with_effective_status(
        stored in prop::sample::select(DelegationStatus::ALL.to_vec()),
        wanted in prop::sample::select(DelegationStatus::ALL.to_vec()),
        offset in -3i64..=3,
    ) {
        let until = TODAY + time::Duration::days(offset);
        let matched = stored_status_matches(wanted, TODAY)
            .iter()
            .any(|m| m.stored.contains(&stored) && m.until.contains(until));
        prop_assert_eq!(matched, effective_status(stored, until, TODAY) == wanted);
    }
}

#[test]
fn the_expiry_reminder_comes_a_week_before_the_last_day_and_only_if_still_ahead() {
    assert_eq!(
        expiry_reminder_on(date!(2026 - 12 - 31), date!(2026 - 03 - 02)),
        Some(date!(2026 - 12 - 24))
    );
    // A delegation of a week or less needs no reminder.
    assert_eq!(
        expiry_reminder_on(date!(2026 - 03 - 09), date!(2026 - 03 - 02)),
        None
    );
    assert_eq!(
        expiry_reminder_on(date!(2026 - 03 - 10), date!(2026 - 03 - 02)),
        Some(date!(2026 - 03 - 03))
    );
}

#[test]
fn a_reminder_is_obsolete_once_the_delegation_ended_or_changed() {
    use DelegationStatus::{Active, Revoked};
    let until = date!(2026 - 12 - 31);
    let day = date!(2026 - 12 - 24);
    assert!(expiry_reminder_still_due(Active, until, until, day));
    assert!(!expiry_reminder_still_due(Revoked, until, until, day));
    assert!(!expiry_reminder_still_due(
        Active,
        date!(2027 - 06 - 30),
        until,
        day
    ));
    assert!(!expiry_reminder_still_due(
        Active,
        until,
        until,
        date!(2027 - 01 - 01)
    ));
}
