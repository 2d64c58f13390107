//! Tests for the IBAN: known-good accounts, exhaustive single-character corruption and property
//! tests on generated Italian accounts.

use proptest::prelude::*;

use super::*;

const VECTORS: [&str; 3] = [
    "IT60X0542811101000000123456",
    "DE89370400440532013000",
    "GB29NWBK60161331926819",
];
const ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS: &[u8] = b"0123456789";
const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// Other characters of the same class as `c`.
///
/// A letter stands for two digits in mod 97, so swapping a digit for a letter is not a single
/// substitution and slips through about once in 97 tries; outside Italy nothing else would catch
/// it, because only the Italian BBAN layout is checked.
fn same_class_replacements(c: u8) -> Vec<u8> {
    let class = if c.is_ascii_digit() { DIGITS } else { LETTERS };
    class.iter().copied().filter(|&r| r != c).collect()
}

/// Builds a complete IBAN from country and BBAN by computing the check digits.
fn with_check_digits(country: &str, bban: &str) -> String {
    let probe = format!("{country}00{bban}");
    let check = 98 - mod97(&rearranged(probe.as_bytes()));
    format!("{country}{check:02}{bban}")
}

#[test]
fn vectors_are_valid_in_any_spelling() {
    for v in VECTORS {
        let iban = Iban::parse(v).unwrap();
        assert_eq!(iban.as_str(), v);
        assert_eq!(Iban::parse(&iban.formatted()), Ok(iban.clone()));
        assert_eq!(
            Iban::parse(&format!("  {}  ", v.to_lowercase())),
            Ok(iban.clone())
        );
        assert_eq!(v.parse::<Iban>(), Ok(iban));
    }
}

#[test]
fn accessors() {
    let it = Iban::parse("it60 x054 2811 1010 0000 0123 456").unwrap();
    assert_eq!(it.formatted(), "IT60 X054 2811 1010 0000 0123 456");
    assert_eq!(it.to_string(), "IT60X0542811101000000123456");
    assert_eq!(it.country_code(), "IT");
    assert!(it.is_italian());
    assert_eq!(it.abi(), Some("05428"));
    assert_eq!(it.cab(), Some("11101"));
    assert_eq!(it.bban(), "X0542811101000000123456");
    let de = Iban::parse("DE89370400440532013000").unwrap();
    assert!(!de.is_italian());
    assert_eq!(de.abi(), None);
    assert_eq!(de.cab(), None);
    assert_eq!(de.formatted(), "DE89 3704 0044 0532 0130 00");
}

#[test]
fn san_marino_uses_the_italian_structure() {
    let body = "0854309801000000178010";
    let cin = check_letter(body.as_bytes()).unwrap();
    let sm = Iban::parse(&with_check_digits("SM", &format!("{cin}{body}"))).unwrap();
    assert!(!sm.is_italian());
    assert_eq!(sm.abi(), Some("08543"));
}

#[test]
fn precise_errors() {
    use IbanError::*;
    assert_eq!(Iban::parse(" "), Err(Empty));
    assert_eq!(Iban::parse("IT60-X054"), Err(InvalidCharacters));
    assert_eq!(
        Iban::parse("1T60X0542811101000000123456"),
        Err(InvalidHeader)
    );
    assert_eq!(Iban::parse("I"), Err(InvalidHeader));
    assert_eq!(
        Iban::parse("ITX0X0542811101000000123456"),
        Err(InvalidHeader)
    );
    assert_eq!(
        Iban::parse("US60X0542811101000000123456"),
        Err(UnsupportedCountry {
            country: "US".to_owned()
        })
    );
    assert_eq!(
        Iban::parse("IT60X054281110100000012345"),
        Err(InvalidLength {
            expected: 27,
            found: 26
        })
    );
    assert_eq!(Iban::parse("DE88370400440532013000"), Err(InvalidChecksum));
    assert_eq!(
        Iban::parse("IT6000542811101000000123456"),
        Err(InvalidItalianBban)
    );
    assert_eq!(
        Iban::parse("IT60X05428111010000001234_6"),
        Err(InvalidCharacters)
    );
    assert_eq!(
        Iban::parse("IT60XA542811101000000123456"),
        Err(InvalidItalianBban)
    );
    // Check digits recomputed so only the CIN is wrong.
    let wrong_cin = with_check_digits("IT", "Y0542811101000000123456");
    assert_eq!(
        Iban::parse(&wrong_cin),
        Err(CinMismatch {
            expected: 'X',
            found: 'Y'
        })
    );
}

#[test]
fn check_digits_never_issued_are_refused() {
    // 99, 00 and 01 are congruent mod 97 to 02, 97 and 98, so they pass the bare mod-97 test.
    for (issued, never_issued) in [
        ("DE02370400440000000024", "DE99370400440000000024"),
        ("DE97370400440000000060", "DE00370400440000000060"),
        ("DE98370400440000000042", "DE01370400440000000042"),
    ] {
        assert!(Iban::parse(issued).is_ok(), "{issued}");
        assert_eq!(mod97(&rearranged(never_issued.as_bytes())), 1);
        assert_eq!(Iban::parse(never_issued), Err(IbanError::InvalidChecksum));
    }
}

#[test]
fn every_single_substitution_of_a_vector_is_refused() {
    for v in VECTORS {
        for position in 0..v.len() {
            let original = v.as_bytes()[position];
            for replacement in same_class_replacements(original) {
                let mut corrupted = v.as_bytes().to_vec();
                corrupted[position] = replacement;
                let corrupted = String::from_utf8(corrupted).unwrap();
                assert!(Iban::parse(&corrupted).is_err(), "{corrupted} accepted");
            }
        }
    }
}

#[test]
fn serde_uses_the_electronic_form() {
    let iban = Iban::parse("GB29 NWBK 6016 1331 9268 19").unwrap();
    let json = serde_json::to_string(&iban).unwrap();
    assert_eq!(json, "\"GB29NWBK60161331926819\"");
    assert_eq!(serde_json::from_str::<Iban>(&json).unwrap(), iban);
    assert!(serde_json::from_str::<Iban>("\"GB28NWBK60161331926819\"").is_err());
}

/// ABI, CAB and account number of a random Italian account.
fn italian_body() -> impl Strategy<Value = String> {
    (
        0u32..100_000,
        0u32..100_000,
        proptest::collection::vec(prop::sample::select(ALPHANUMERIC), 12),
    )
        .prop_map(|(abi, cab, account)| {
            let account = String::from_utf8(account).unwrap();
            format!("{abi:05}{cab:05}{account}")
        })
}

fn italian_iban(body: &str) -> String {
    let cin = check_letter(body.as_bytes()).unwrap();
    with_check_digits("IT", &format!("{cin}{body}"))
}

proptest! {
    #[test]
    fn generated_italian_ibans_parse(body in italian_body()) {
        let text = italian_iban(&body);
        let iban = Iban::parse(&text).unwrap();
        prop_assert_eq!(iban.as_str(), text.as_str());
        prop_assert_eq!(iban.abi(), Some(&body[..5]));
        prop_assert_eq!(iban.cab(), Some(&body[5..10]));
    }

    #[test]
    fn altering_one_character_is_refused(
        body in italian_body(),
        position in 0usize..27,
        pick in any::<prop::sample::Index>(),
    ) {
        let text = italian_iban(&body);
        let original = text.as_bytes()[position];
        let choices = same_class_replacements(original);
        let mut corrupted = text.into_bytes();
        corrupted[position] = *pick.get(&choices);
        let corrupted = String::from_utf8(corrupted).unwrap();
        prop_assert!(Iban::parse(&corrupted).is_err(), "{} accepted", corrupted);
    }

    #[test]
    fn altering_one_character_fails_the_checksum_even_without_the_cin(
        body in italian_body(),
        position in 0usize..27,
        pick in any::<prop::sample::Index>(),
    ) {
        // Mod 97 on its own must catch every substitution; the CIN is a second line of defence.
        let text = italian_iban(&body);
        let original = text.as_bytes()[position];
        let choices = same_class_replacements(original);
        let mut corrupted = text.into_bytes();
        corrupted[position] = *pick.get(&choices);
        prop_assert_ne!(mod97(&rearranged(&corrupted)), 1);
    }
}
