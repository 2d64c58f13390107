//! Self-declarations, their formal checks and payment methods.

use time::macros::date;

use super::*;
use crate::occasional::rules::PayoutFees;
use crate::occasional::worker::{
    Alert, Category, DeclarationError, PaymentMethod, PaymentMethodError, PaymentMethodKind,
    PensionKind, SelfDeclaration, age_on, check_declaration,
};
use crate::test_support::assert_names_round_trip;
use crate::text::TextError;

/// Born 15 July 2001 in Rome: 25 on 15 July 2026.
fn student_code() -> TaxCode {
    person("RSSMRA01L15H501")
}

#[test]
fn names_round_trip() {
    assert_names_round_trip(Category::ALL, Category::as_str);
    assert_names_round_trip(PensionKind::ALL, PensionKind::as_str);
    assert_names_round_trip(PaymentMethodKind::ALL, PaymentMethodKind::as_str);
}

#[test]
fn a_student_turning_25_is_inconsistent_from_the_birthday_on() {
    let declaration = SelfDeclaration::student("Università di Roma La Sapienza").unwrap();
    let code = student_code();
    assert_eq!(
        check_declaration(&declaration, &code, date!(2026 - 07 - 14)),
        []
    );
    let alerts = check_declaration(&declaration, &code, date!(2026 - 07 - 15));
    assert_eq!(
        alerts,
        [Alert::StudentNotUnder25 {
            birth_date: date!(2001 - 07 - 15),
            age: 25
        }]
    );
    assert!(
        alerts[0].blocks_services(),
        "a pending action blocking new services"
    );
    assert_eq!(alerts[0].code(), "student_not_under_25");
}

#[test]
fn a_student_without_a_readable_birth_date_only_warns() {
    let declaration = SelfDeclaration::student("Liceo Tasso").unwrap();
    let alerts = check_declaration(
        &declaration,
        &TaxCode::parse("02121151001").unwrap(),
        date!(2026 - 01 - 10),
    );
    assert_eq!(alerts, [Alert::AgeNotVerifiable]);
    assert!(!alerts[0].blocks_services());
}

#[test]
fn unemployment_must_start_by_the_work_date() {
    let declaration = SelfDeclaration::Unemployed {
        since: date!(2026 - 03 - 01),
    };
    let code = student_code();
    assert_eq!(
        check_declaration(&declaration, &code, date!(2026 - 03 - 01)),
        []
    );
    let alerts = check_declaration(&declaration, &code, date!(2026 - 02 - 28));
    assert_eq!(
        alerts,
        [Alert::UnemployedAfterWorkDate {
            since: date!(2026 - 03 - 01)
        }]
    );
    assert!(alerts[0].blocks_services());
}

#[test]
fn other_categories_have_nothing_to_contradict() {
    let old = person("RSSMRA45D25F205");
    for declaration in [
        SelfDeclaration::Pensioner {
            pension: PensionKind::OldAge,
        },
        SelfDeclaration::income_support("cassa integrazione").unwrap(),
        SelfDeclaration::Other,
    ] {
        assert_eq!(
            check_declaration(&declaration, &old, date!(2026 - 01 - 10)),
            []
        );
    }
}

#[test]
fn declaration_details_are_trimmed_and_required() {
    assert_eq!(
        SelfDeclaration::student("  Liceo Tasso "),
        Ok(SelfDeclaration::StudentUnder25 {
            institution: "Liceo Tasso".to_owned()
        })
    );
    assert_eq!(
        SelfDeclaration::income_support("   "),
        Err(DeclarationError::Details(TextError::Blank))
    );
    let json = serde_json::to_value(SelfDeclaration::Pensioner {
        pension: PensionKind::Invalidity,
    })
    .unwrap();
    assert_eq!(
        json,
        serde_json::json!({"category": "pensioner", "pension": "invalidity"})
    );
    assert_eq!(SelfDeclaration::Other.category(), Category::Other);
    let student = serde_json::to_value(SelfDeclaration::student("Liceo Tasso").unwrap()).unwrap();
    assert_eq!(
        student,
        serde_json::json!({"category": "student_under_25", "institution": "Liceo Tasso"})
    );
}

#[test]
fn ages_count_completed_years() {
    assert_eq!(age_on(date!(2001 - 07 - 15), date!(2026 - 07 - 14)), 24);
    assert_eq!(age_on(date!(2001 - 07 - 15), date!(2026 - 07 - 15)), 25);
    assert_eq!(age_on(date!(2004 - 02 - 29), date!(2029 - 02 - 28)), 24);
    assert_eq!(age_on(date!(2004 - 02 - 29), date!(2029 - 03 - 01)), 25);
}

#[test]
fn payment_methods() {
    let iban = PaymentMethod::new(
        PaymentMethodKind::IbanTransfer,
        Some("it60 x054 2811 1010 0000 0123 456"),
    )
    .unwrap();
    assert_eq!(iban.kind(), PaymentMethodKind::IbanTransfer);
    assert_eq!(
        PaymentMethod::new(PaymentMethodKind::IbanTransfer, None),
        Err(PaymentMethodError::MissingIban)
    );
    assert!(matches!(
        PaymentMethod::new(
            PaymentMethodKind::IbanTransfer,
            Some("IT60X0542811101000000123457")
        ),
        Err(PaymentMethodError::InvalidIban(_))
    ));
    assert_eq!(
        PaymentMethod::new(
            PaymentMethodKind::PostOfficeMandate,
            Some("IT60X0542811101000000123456")
        ),
        Err(PaymentMethodError::UnexpectedIban)
    );
    let domiciliato = PaymentMethod::new(PaymentMethodKind::BonificoDomiciliato, None).unwrap();
    let fees: PayoutFees = rules().payout_fees;
    assert_eq!(domiciliato.payout_fee(&fees), eur("3.84"));
    assert_eq!(iban.payout_fee(&fees), eur("1.75"));
    assert_eq!(
        PaymentMethod::new(PaymentMethodKind::PostOfficeMandate, None)
            .unwrap()
            .payout_fee(&fees),
        eur("1.75")
    );
}
