//! Tests for the person rules: name mismatch, contact replacement, consents and onboarding.

use time::macros::datetime;

use super::*;
use crate::test_support::assert_names_round_trip;

fn names<'a>(given_name: &'a str, family_name: &'a str) -> Names<'a> {
    Names {
        given_name,
        family_name,
    }
}

#[test]
fn names_round_trip() {
    assert_names_round_trip(&Document::ALL, Document::as_str);
}

#[test]
fn case_and_outer_spaces_are_no_mismatch_any_other_difference_is() {
    let registry = names("MARIO", "ROSSI");
    assert!(!name_mismatch(registry, names("Mario", "Rossi")));
    assert!(!name_mismatch(registry, names(" mario ", "rossi")));
    assert!(name_mismatch(registry, names("Maria", "Rossi")));
    assert!(name_mismatch(registry, names("Mario", "Rossini")));
    assert!(name_mismatch(registry, names("Mario", "De Rossi")));
}

#[test]
fn a_changed_contact_loses_its_verification_and_an_unchanged_one_keeps_it() {
    let old = Contacts {
        email: Some("mario@example.it".into()),
        email_verified: true,
        pec: Some("mario@pec.example.it".into()),
        pec_verified: true,
        mobile: Some("+393331234567".into()),
        mobile_verified: true,
    };
    let new = old.replaced(
        Some(" MARIO@example.it "),
        Some("altro@pec.example.it"),
        Some(" "),
    );
    assert_eq!(new.email.as_deref(), Some("mario@example.it"));
    assert!(new.email_verified, "same address, only spelled differently");
    assert!(!new.pec_verified, "a new address is not verified");
    assert_eq!(new.mobile, None, "blank removes");
    assert!(!new.mobile_verified);
    assert!(new.any());
    assert!(!Contacts::default().any());
}

#[test]
fn onboarding_asks_for_current_consents_and_a_contact() {
    let current = CurrentVersions {
        privacy_notice: "2026-01",
        terms_of_use: "2026-01",
    };
    let consent = |document, version: &str| Consent {
        document,
        version: version.into(),
        given_at: datetime!(2026-03-02 09:00 UTC),
    };
    let with_mail = Contacts {
        email: Some("a@b.it".into()),
        ..Contacts::default()
    };
    let fresh = onboarding(&[], &current, &Contacts::default());
    assert_eq!(
        fresh.steps(),
        vec![OnboardingStep::GiveConsents, OnboardingStep::AddContact]
    );
    // An old version of one document does not count.
    let stale = [
        consent(Document::PrivacyNotice, "2025-01"),
        consent(Document::TermsOfUse, "2026-01"),
    ];
    assert_eq!(
        onboarding(&stale, &current, &with_mail).steps(),
        vec![OnboardingStep::GiveConsents]
    );
    let done = [
        consent(Document::PrivacyNotice, "2026-01"),
        consent(Document::TermsOfUse, "2026-01"),
    ];
    let state = onboarding(&done, &current, &with_mail);
    assert!(state.consents_given && state.contacts_given);
    assert!(state.steps().is_empty());
    assert!(check_consent(Document::TermsOfUse, "2026-01", &current).is_ok());
    assert_eq!(
        check_consent(Document::TermsOfUse, "2025-01", &current)
            .unwrap_err()
            .current,
        "2026-01"
    );
}
