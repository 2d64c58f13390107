//! Tests for free-text cleaning.

use proptest::prelude::*;

use super::*;

#[test]
fn surrounding_whitespace_is_trimmed_before_the_length_is_checked() {
    assert_eq!(clean_text("  Anna \t", 4), Ok("Anna".to_owned()));
    assert_eq!(
        clean_text(&format!(" {} ", "a".repeat(100)), 100),
        Ok("a".repeat(100))
    );
    assert_eq!(
        clean_text(&"a".repeat(101), 100),
        Err(TextError::TooLong {
            max: 100,
            found: 101
        })
    );
    // Characters, not bytes.
    assert_eq!(clean_text("àèìòù", 5), Ok("àèìòù".to_owned()));
}

#[test]
fn blank_texts_and_nul_are_refused() {
    for blank in ["", " ", "\t\n ", "\u{3000}"] {
        assert_eq!(clean_text(blank, 100), Err(TextError::Blank), "{blank:?}");
    }
    assert_eq!(clean_text("a\0b", 100), Err(TextError::Nul));
    assert_eq!(clean_optional(None, 10), Ok(None));
    assert_eq!(clean_optional(Some("  "), 10), Err(TextError::Blank));
}

proptest! {
    /// Whatever the padding, a text is accepted exactly when its trimmed length is within 1..=max.
    #[test]
    fn accepted_exactly_within_the_range(core in "[a-zA-Z0-9àé]{0,12}", pad in " {0,3}", max in 1usize..10) {
        let raw = format!("{pad}{core}{pad}");
        let len = core.chars().count();
        match clean_text(&raw, max) {
            Ok(text) => {
                prop_assert_eq!(&text, &core);
                prop_assert!((1..=max).contains(&len));
            }
            Err(TextError::Blank) => prop_assert_eq!(len, 0),
            Err(TextError::TooLong { found, .. }) => {
                prop_assert!(len > max);
                prop_assert_eq!(found, len);
            }
            Err(TextError::Nul) => prop_assert!(false, "no NUL generated"),
        }
    }
}
