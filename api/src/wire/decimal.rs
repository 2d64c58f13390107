//! Patterned decimal strings on the wire: a decimal field accepts exactly what its documented
//! `pattern` says, digits with an optional dot and decimals. `rust_decimal::serde::str` would
//! also take `1e1`, `+5`, ` 5` or `5.`, which the contract does not allow.

use rust_decimal::Decimal;
use serde::{Deserialize as _, Deserializer, Serializer};

/// `text` as a decimal when it is 1 to `max_integer_digits` digits, optionally followed by a
/// dot and 1 to `max_decimals` digits; `None` otherwise.
pub fn parse_plain(text: &str, max_integer_digits: usize, max_decimals: usize) -> Option<Decimal> {
    let (integer, fraction) = match text.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (text, None),
    };
    let digits =
        |s: &str, max: usize| (1..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(integer, max_integer_digits) || fraction.is_some_and(|f| !digits(f, max_decimals)) {
        return None;
    }
    text.parse().ok()
}

/// Weekly hours: `^[0-9]{1,2}(\.[0-9]{1,2})?$` (`#[serde(with = "crate::wire::decimal::hours")]`).
pub mod hours {
    use super::*;

    /// The documented pattern.
    pub const PATTERN: &str = "^[0-9]{1,2}(\\.[0-9]{1,2})?$";

    /// Writes the decimal as a string.
    pub fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    /// Reads a string matching [`PATTERN`].
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse_plain(&text, 2, 2).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "expected a decimal string matching {PATTERN}, found {text:?}"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_digits_with_an_optional_dot_are_accepted() {
        for ok in ["5", "25", "25.5", "25.50", "0.25", "00"] {
            assert!(parse_plain(ok, 2, 2).is_some(), "{ok}");
        }
        for bad in [
            "1e1", "1E1", "+5", "-5", " 5", "5 ", "5.", ".5", "", "123", "1.234", "1_0", "0x1",
        ] {
            assert_eq!(parse_plain(bad, 2, 2), None, "{bad}");
        }
        assert_eq!(parse_plain("25.50", 2, 2), Some(Decimal::new(2550, 2)));
    }

    #[test]
    fn hours_deserialize_only_what_the_pattern_allows() {
        #[derive(serde::Deserialize)]
        struct Body {
            #[serde(with = "super::hours")]
            h: Decimal,
        }
        let ok: Body = serde_json::from_str(r#"{"h": "24.50"}"#).unwrap();
        assert_eq!(ok.h, Decimal::new(2450, 2));
        assert!(serde_json::from_str::<Body>(r#"{"h": "1e1"}"#).is_err());
        assert!(serde_json::from_str::<Body>(r#"{"h": 10}"#).is_err());
    }
}
