//! Tests for the tax code: published vectors, exhaustive single-character corruption and
//! property tests on generated codes.

use proptest::prelude::*;
use time::macros::date;

use super::*;

const PERSONAL_VECTORS: [&str; 5] = [
    "RSSMRA85T10A562S",
    "RSSMRA45D25F205N",
    "ABCDEF12B23P432P",
    "ABCDEF12B23P43NE",
    "RSSMRA85T10A56NH",
];
const NUMERIC_VECTORS: [&str; 3] = ["00000000000", "02121151001", "12345678903"];
const DIGIT_CLASS: &[u8] = b"0123456789LMNPQRSTUV";
const LETTER_CLASS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";

fn with_check(body: &str) -> String {
    let check = check_letter(body.as_bytes()).unwrap();
    format!("{body}{check}")
}

fn class_of(position: usize) -> &'static [u8] {
    if DIGIT_POSITIONS.contains(&position) {
        DIGIT_CLASS
    } else {
        LETTER_CLASS
    }
}

#[test]
fn every_vector_is_valid_in_every_spelling() {
    for v in PERSONAL_VECTORS.iter().chain(NUMERIC_VECTORS.iter()) {
        let expected = TaxCode::parse(v).unwrap();
        assert_eq!(expected.as_str(), *v);
        for spelling in [
            v.to_lowercase(),
            format!("TINIT-{v}"),
            format!("  tinit-{}\t", v.to_lowercase()),
            format!(" {v} "),
        ] {
            assert_eq!(
                TaxCode::parse(&spelling),
                Ok(expected.clone()),
                "{spelling}"
            );
        }
        assert_eq!(v.parse::<TaxCode>(), Ok(expected));
    }
}

#[test]
fn kinds_and_omocodia() {
    let personal = TaxCode::parse("RSSMRA85T10A562S").unwrap();
    assert_eq!(personal.kind(), TaxCodeKind::Personal);
    assert!(!personal.is_omocodic());
    assert!(TaxCode::parse("RSSMRA85T10A56NH").unwrap().is_omocodic());
    let numeric = TaxCode::parse("02121151001").unwrap();
    assert_eq!(numeric.kind(), TaxCodeKind::Numeric);
    assert!(!numeric.is_omocodic());
    assert_eq!(numeric.sex(), None);
    assert_eq!(numeric.birth_date(date!(2026 - 01 - 01)), None);
    assert_eq!(numeric.birth_place_code(), None);
    assert!(!numeric.is_foreign_born());
}

#[test]
fn decoded_personal_data() {
    let today = date!(2026 - 01 - 01);
    let rossi = TaxCode::parse("RSSMRA85T10A562S").unwrap();
    assert_eq!(rossi.birth_date(today), Some(date!(1985 - 12 - 10)));
    assert_eq!(rossi.sex(), Some(Sex::Male));
    assert_eq!(rossi.birth_place_code().as_deref(), Some("A562"));
    assert!(!rossi.is_foreign_born());
    let omocodic = TaxCode::parse("RSSMRA85T10A56NH").unwrap();
    assert_eq!(omocodic.birth_place_code().as_deref(), Some("A562"));
    let old = TaxCode::parse("RSSMRA45D25F205N").unwrap();
    assert_eq!(old.birth_date(today), Some(date!(1945 - 04 - 25)));
    let young = TaxCode::parse("ABCDEF12B23P43NE").unwrap();
    assert_eq!(young.birth_date(today), Some(date!(2012 - 02 - 23)));
    assert_eq!(young.birth_place_code().as_deref(), Some("P432"));
}

#[test]
fn century_depends_on_the_reference_date() {
    // Born 10 January of a year ending in 25: before that day in 2025 it must be 1925.
    let code = TaxCode::parse(&with_check("RSSMRA25A10H501")).unwrap();
    assert_eq!(
        code.birth_date(date!(2025 - 01 - 09)),
        Some(date!(1925 - 01 - 10))
    );
    assert_eq!(
        code.birth_date(date!(2025 - 01 - 10)),
        Some(date!(2025 - 01 - 10))
    );
    assert_eq!(code.birth_date(date!(1920 - 01 - 01)), None);
}

#[test]
fn female_and_foreign_born() {
    let code = TaxCode::parse(&with_check("BNCLRA90E45Z404")).unwrap();
    assert_eq!(code.sex(), Some(Sex::Female));
    assert_eq!(
        code.birth_date(date!(2026 - 01 - 01)),
        Some(date!(1990 - 05 - 05))
    );
    assert!(code.is_foreign_born());
    assert_eq!(code.birth_place_code().as_deref(), Some("Z404"));
}

#[test]
fn impossible_calendar_day_has_no_birth_date() {
    let code = TaxCode::parse(&with_check("RSSMRA85B31H501")).unwrap();
    assert_eq!(code.birth_date(date!(2026 - 01 - 01)), None);
}

#[test]
fn precise_errors() {
    use TaxCodeError::*;
    assert_eq!(TaxCode::parse("   "), Err(Empty));
    assert_eq!(TaxCode::parse("TINIT-"), Err(Empty));
    assert_eq!(TaxCode::parse("RSSMRA85"), Err(InvalidLength { len: 8 }));
    assert_eq!(
        TaxCode::parse("RSSMRA85T10A562"),
        Err(InvalidLength { len: 15 })
    );
    assert_eq!(TaxCode::parse("RSSMRA85T1-A562S"), Err(InvalidCharacters));
    assert_eq!(TaxCode::parse("RSSMRÀ85T10A562S"), Err(InvalidCharacters));
    assert_eq!(
        TaxCode::parse("RSSMRA8AT10A562S"),
        Err(InvalidFormat { position: 8 })
    );
    assert_eq!(
        TaxCode::parse("0212115100A"),
        Err(InvalidFormat { position: 11 })
    );
    assert_eq!(
        TaxCode::parse("RSSMRA85F10A562S"),
        Err(InvalidMonth { letter: 'F' })
    );
    assert_eq!(
        TaxCode::parse("RSSMRA85T35A562S"),
        Err(InvalidDay { day: 35 })
    );
    assert_eq!(
        TaxCode::parse("RSSMRA85T00A562S"),
        Err(InvalidDay { day: 0 })
    );
    assert_eq!(
        TaxCode::parse("RSSMRA85T10A562T"),
        Err(CheckCharacterMismatch {
            expected: 'S',
            found: 'T'
        })
    );
    assert_eq!(
        TaxCode::parse("02121151002"),
        Err(CheckDigitMismatch {
            expected: 1,
            found: 2
        })
    );
}

#[test]
fn every_single_substitution_of_a_personal_vector_is_refused() {
    for v in PERSONAL_VECTORS {
        for position in 0..PERSONAL_LEN {
            let original = v.as_bytes()[position];
            for &replacement in class_of(position).iter().filter(|&&c| c != original) {
                let mut corrupted = v.as_bytes().to_vec();
                corrupted[position] = replacement;
                let corrupted = String::from_utf8(corrupted).unwrap();
                let result = TaxCode::parse(&corrupted);
                match position {
                    8..=10 => assert!(result.is_err(), "{corrupted} accepted"),
                    _ => assert!(
                        matches!(result, Err(TaxCodeError::CheckCharacterMismatch { .. })),
                        "{corrupted}: {result:?}"
                    ),
                }
            }
        }
    }
}

#[test]
fn every_single_substitution_of_a_numeric_vector_is_refused() {
    for v in NUMERIC_VECTORS {
        for position in 0..NUMERIC_LEN {
            for replacement in (b'0'..=b'9').filter(|&c| c != v.as_bytes()[position]) {
                let mut corrupted = v.as_bytes().to_vec();
                corrupted[position] = replacement;
                let corrupted = String::from_utf8(corrupted).unwrap();
                assert!(
                    matches!(
                        TaxCode::parse(&corrupted),
                        Err(TaxCodeError::CheckDigitMismatch { .. })
                    ),
                    "{corrupted}"
                );
            }
        }
    }
}

#[test]
fn serde_uses_the_plain_string() {
    let code = TaxCode::parse("tinit-rssmra85t10a562s").unwrap();
    let json = serde_json::to_string(&code).unwrap();
    assert_eq!(json, "\"RSSMRA85T10A562S\"");
    assert_eq!(serde_json::from_str::<TaxCode>(&json).unwrap(), code);
    assert!(serde_json::from_str::<TaxCode>("\"RSSMRA85T10A562T\"").is_err());
    assert!(serde_json::from_str::<TaxCode>("12").is_err());
    assert_eq!(code.to_string(), "RSSMRA85T10A562S");
}

/// The first fifteen characters of a plausible, non-omocodic personal code.
fn personal_body() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(b'A'..=b'Z', 6),
        0u8..=99,
        0usize..12,
        1u8..=31,
        any::<bool>(),
        b'A'..=b'Z',
        0u16..=999,
    )
        .prop_map(|(name, yy, month, day, female, place, number)| {
            let name = String::from_utf8(name).unwrap();
            let day = if female { day + 40 } else { day };
            let month = char::from(MONTH_LETTERS[month]);
            let place = char::from(place);
            format!("{name}{yy:02}{month}{day:02}{place}{number:03}")
        })
}

proptest! {
    #[test]
    fn generated_codes_parse_and_round_trip(body in personal_body()) {
        let code = with_check(&body);
        let parsed = TaxCode::parse(&code).unwrap();
        prop_assert_eq!(parsed.to_string(), code.clone());
        prop_assert_eq!(TaxCode::parse(&parsed.to_string()), Ok(parsed));
    }

    #[test]
    fn any_single_substitution_is_refused(
        body in personal_body(),
        position in 0..PERSONAL_LEN,
        pick in any::<prop::sample::Index>(),
    ) {
        let code = with_check(&body);
        let original = code.as_bytes()[position];
        let choices: Vec<u8> =
            class_of(position).iter().copied().filter(|&c| c != original).collect();
        let mut corrupted = code.into_bytes();
        corrupted[position] = *pick.get(&choices);
        let corrupted = String::from_utf8(corrupted).unwrap();
        let result = TaxCode::parse(&corrupted);
        // Only month and day positions can fail before the check character is looked at;
        // everywhere else the checksum alone must catch the change.
        if matches!(position, 8..=10) {
            prop_assert!(result.is_err());
        } else {
            let is_checksum_error =
                matches!(result, Err(TaxCodeError::CheckCharacterMismatch { .. }));
            prop_assert!(is_checksum_error, "{} gave {:?}", corrupted, result);
        }
    }

    #[test]
    fn omocodia_keeps_the_personal_data(body in personal_body(), k in 1usize..=7) {
        let reference = date!(2026 - 01 - 01);
        let original = TaxCode::parse(&with_check(&body)).unwrap();
        let mut bytes = body.into_bytes();
        for &position in DIGIT_POSITIONS.iter().rev().take(k) {
            let digit = usize::from(bytes[position] - b'0');
            bytes[position] = OMOCODIA_LETTERS[digit];
        }
        let omocodic = TaxCode::parse(&with_check(&String::from_utf8(bytes).unwrap())).unwrap();
        prop_assert!(omocodic.is_omocodic());
        prop_assert_eq!(omocodic.birth_date(reference), original.birth_date(reference));
        prop_assert_eq!(omocodic.birth_place_code(), original.birth_place_code());
        prop_assert_eq!(omocodic.sex(), original.sex());
    }
}
