//! Tests for employment relationships: the code format and its check digit, the wire names of
//! the employment type and the checks on hours, pay and period.

use proptest::prelude::*;
use time::macros::date;

use super::*;

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn code(text: &str) -> EmploymentCode {
    EmploymentCode::parse(text).unwrap()
}

#[test]
fn parses_a_valid_code() {
    // 123456789 has the textbook Luhn check digit 7.
    assert_eq!(code("1234567897").as_str(), "1234567897");
    assert_eq!(code("  1234567897\n").as_str(), "1234567897", "trimmed");
    assert_eq!(code("0000000000").as_str(), "0000000000");
    assert_eq!(
        "1234567897".parse::<EmploymentCode>(),
        Ok(code("1234567897"))
    );
    assert_eq!(code("1234567897").to_string(), "1234567897");
}

#[test]
fn refuses_malformed_codes() {
    use EmploymentCodeError::*;
    assert_eq!(EmploymentCode::parse(""), Err(Empty));
    assert_eq!(EmploymentCode::parse(" \t "), Err(Empty));
    assert_eq!(EmploymentCode::parse("123"), Err(InvalidLength { len: 3 }));
    assert_eq!(
        EmploymentCode::parse("12345678970"),
        Err(InvalidLength { len: 11 })
    );
    assert_eq!(
        EmploymentCode::parse("12345 67897"),
        Err(InvalidLength { len: 11 }),
        "no separators inside"
    );
    assert_eq!(
        EmploymentCode::parse("DL-1234567"),
        Err(NotDigits),
        "no prefix"
    );
    assert_eq!(EmploymentCode::parse("123456789X"), Err(NotDigits));
    // Ten characters but more than ten bytes: counted as characters, refused as non-digits.
    assert_eq!(EmploymentCode::parse("١٢٣٤٥٦٧٨٩٧"), Err(NotDigits));
    assert_eq!(
        EmploymentCode::parse("1234567890"),
        Err(CheckDigitMismatch {
            expected: 7,
            found: 0
        })
    );
}

#[test]
fn from_sequence_builds_codes_and_stops_at_nine_digits() {
    assert_eq!(
        EmploymentCode::from_sequence(123_456_789),
        Some(code("1234567897"))
    );
    assert_eq!(EmploymentCode::from_sequence(0), Some(code("0000000000")));
    assert_eq!(
        EmploymentCode::from_sequence(1).map(|c| c.to_string()),
        Some("0000000018".to_owned()),
        "zero-padded to nine digits"
    );
    assert!(EmploymentCode::from_sequence(MAX_EMPLOYMENT_SEQUENCE).is_some());
    assert_eq!(
        EmploymentCode::from_sequence(MAX_EMPLOYMENT_SEQUENCE + 1),
        None
    );
    assert_eq!(EmploymentCode::from_sequence(u64::MAX), None);
}

#[test]
fn luhn_misses_only_the_09_90_swap() {
    // 000000090 and 000000009 differ by swapping "90" into "09" and share the check digit 1.
    let ninety = EmploymentCode::from_sequence(90).unwrap();
    assert_eq!(ninety.as_str(), "0000000901");
    assert_eq!(
        code("0000000091"),
        EmploymentCode::from_sequence(9).unwrap()
    );
    // Any other adjacent swap, such as "12" into "21", is caught.
    let twelve = EmploymentCode::from_sequence(12).unwrap();
    let swapped = format!("0000000{}{}", "21", &twelve.as_str()[9..]);
    assert!(matches!(
        EmploymentCode::parse(&swapped),
        Err(EmploymentCodeError::CheckDigitMismatch { .. })
    ));
}

#[test]
fn code_json_is_a_string() {
    let c = code("1234567897");
    assert_eq!(serde_json::to_string(&c).unwrap(), "\"1234567897\"");
    assert_eq!(
        serde_json::from_str::<EmploymentCode>("\"1234567897\"").unwrap(),
        c
    );
    assert!(serde_json::from_str::<EmploymentCode>("\"1234567890\"").is_err());
    assert!(serde_json::from_str::<EmploymentCode>("1234567897").is_err());
}

#[test]
fn employment_type_wire_names() {
    let names: Vec<&str> = EmploymentType::ALL.iter().map(|t| t.as_str()).collect();
    assert_eq!(names, ["colf", "badante", "baby_sitter"]);
    for t in EmploymentType::ALL {
        assert_eq!(t.as_str().parse::<EmploymentType>(), Ok(t));
        assert_eq!(t.to_string(), t.as_str());
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            format!("\"{}\"", t.as_str())
        );
    }
    assert_eq!(
        "BabySitter".parse::<EmploymentType>(),
        Err(ParseError {
            kind: "employment type",
            value: "BabySitter".to_owned()
        })
    );
}

#[test]
fn weekly_hours() {
    use EmploymentError::*;
    assert_eq!(validate_weekly_hours(dec("0.01")), Ok(()));
    assert_eq!(validate_weekly_hours(dec("25")), Ok(()));
    assert_eq!(validate_weekly_hours(dec("24.50")), Ok(()));
    assert_eq!(validate_weekly_hours(dec("54")), Ok(()));
    assert_eq!(
        validate_weekly_hours(dec("54.000")),
        Ok(()),
        "trailing zeros"
    );
    assert_eq!(validate_weekly_hours(dec("0")), Err(WeeklyHoursNotPositive));
    assert_eq!(
        validate_weekly_hours(dec("-1")),
        Err(WeeklyHoursNotPositive)
    );
    assert_eq!(
        validate_weekly_hours(dec("54.01")),
        Err(WeeklyHoursAboveMax {
            max: dec("54"),
            hours: dec("54.01")
        })
    );
    assert_eq!(
        validate_weekly_hours(dec("10.125")),
        Err(WeeklyHoursTooPrecise)
    );
}

#[test]
fn hourly_pay() {
    use EmploymentError::*;
    assert_eq!(validate_hourly_pay(dec("0.01")), Ok(()));
    assert_eq!(validate_hourly_pay(dec("9.42")), Ok(()));
    assert_eq!(validate_hourly_pay(dec("1000")), Ok(()));
    assert_eq!(validate_hourly_pay(dec("9.500")), Ok(()), "trailing zeros");
    assert_eq!(validate_hourly_pay(dec("0.00")), Err(HourlyPayNotPositive));
    assert_eq!(validate_hourly_pay(dec("-9.42")), Err(HourlyPayNotPositive));
    assert_eq!(
        validate_hourly_pay(dec("1000.01")),
        Err(HourlyPayAboveMax {
            max: dec("1000"),
            pay: dec("1000.01")
        })
    );
    assert_eq!(validate_hourly_pay(dec("9.425")), Err(HourlyPayTooPrecise));
}

#[test]
fn period() {
    let start = date!(2026 - 03 - 01);
    assert_eq!(validate_period(start, None), Ok(()));
    assert_eq!(validate_period(start, Some(start)), Ok(()), "one-day");
    assert_eq!(validate_period(start, Some(date!(2027 - 02 - 28))), Ok(()));
    assert_eq!(
        validate_period(start, Some(date!(2026 - 02 - 28))),
        Err(EmploymentError::EndBeforeStart {
            start,
            end: date!(2026 - 02 - 28)
        })
    );
}

/// `code` with the digit at `index` replaced by `digit`.
fn with_digit(code: &str, index: usize, digit: u8) -> String {
    let mut bytes = code.as_bytes().to_vec();
    bytes[index] = b'0' + digit;
    String::from_utf8(bytes).unwrap()
}

proptest! {
    #[test]
    fn from_sequence_round_trips(n in 0..=MAX_EMPLOYMENT_SEQUENCE) {
        let built = EmploymentCode::from_sequence(n).unwrap();
        prop_assert_eq!(built.as_str().len(), EMPLOYMENT_CODE_LEN);
        prop_assert_eq!(&built.as_str()[..9], format!("{n:09}"));
        let parsed = EmploymentCode::parse(built.as_str()).unwrap();
        prop_assert_eq!(&parsed, &built);
        let json = serde_json::to_string(&built).unwrap();
        prop_assert_eq!(serde_json::from_str::<EmploymentCode>(&json).unwrap(), built);
    }

    #[test]
    fn every_single_digit_change_is_refused(
        n in 0..=MAX_EMPLOYMENT_SEQUENCE,
        index in 0..EMPLOYMENT_CODE_LEN,
        shift in 1u8..10,
    ) {
        let valid = EmploymentCode::from_sequence(n).unwrap();
        let old = valid.as_str().as_bytes()[index] - b'0';
        let typo = with_digit(valid.as_str(), index, (old + shift) % 10);
        prop_assert!(
            matches!(
                EmploymentCode::parse(&typo),
                Err(EmploymentCodeError::CheckDigitMismatch { .. })
            ),
            "{} accepted as a typo of {}", typo, valid
        );
    }

    #[test]
    fn adjacent_transpositions_are_refused_except_09_90(
        n in 0..=MAX_EMPLOYMENT_SEQUENCE,
        index in 0..EMPLOYMENT_CODE_LEN - 1,
        a in 0u8..10,
        b in 0u8..10,
    ) {
        prop_assume!(a != b);
        // Force the pair under test, then fix the check digit so the code is valid (unless the
        // pair involves the check digit itself, in which case the pair is kept only if valid).
        let seeded = EmploymentCode::from_sequence(n).unwrap();
        let forced = with_digit(&with_digit(seeded.as_str(), index, a), index + 1, b);
        let payload: u64 = forced[..9].parse().unwrap();
        let valid = EmploymentCode::from_sequence(payload).unwrap();
        let v = valid.as_str().as_bytes();
        prop_assume!(v[index] - b'0' == a && v[index + 1] - b'0' == b);

        let swapped = with_digit(&with_digit(valid.as_str(), index, b), index + 1, a);
        let accepted = EmploymentCode::parse(&swapped).is_ok();
        let zero_nine = (a == 0 && b == 9) || (a == 9 && b == 0);
        prop_assert_eq!(
            accepted, zero_nine,
            "swap at {} turns {} into {}", index, valid, swapped
        );
    }
}
