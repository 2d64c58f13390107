//! The odd/even character tables shared by the codice fiscale check character and the Italian
//! BBAN CIN.
//!
//! Both checks come from the same Ministry of Finance algorithm, so they live in one place: a fix
//! to a table must reach both the tax code and the IBAN.

/// Odd-position values of `A`..`Z`; a digit is worth the same as the letter at the same index
/// (`0` = `A`, `1` = `B`, ...).
const ODD_VALUES: [u32; 26] = [
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];

/// Value of `c` at an odd 1-based position, or `None` for a non-alphanumeric byte.
fn odd_value(c: u8) -> Option<u32> {
    let index = match c {
        b'0'..=b'9' => c - b'0',
        b'A'..=b'Z' => c - b'A',
        _ => return None,
    };
    ODD_VALUES.get(usize::from(index)).copied()
}

/// Value of `c` at an even 1-based position, or `None` for a non-alphanumeric byte.
fn even_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A')),
        _ => None,
    }
}

/// Check letter over `chars` (uppercase ASCII alphanumerics), or `None` if any byte is outside
/// that set.
pub(crate) fn check_letter(chars: &[u8]) -> Option<char> {
    let mut sum: u32 = 0;
    for (index, &c) in chars.iter().enumerate() {
        // Index 0 is the first 1-based position, which is odd.
        let value = if index % 2 == 0 {
            odd_value(c)?
        } else {
            even_value(c)?
        };
        sum += value;
    }
    let offset = u8::try_from(sum % 26).ok()?;
    Some(char::from(b'A' + offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_table_is_a_permutation_so_single_substitutions_change_the_sum() {
        let mut values = ODD_VALUES.to_vec();
        values.sort_unstable();
        assert_eq!(values, (0..26).collect::<Vec<u32>>());
    }

    #[test]
    fn known_check_letters() {
        assert_eq!(check_letter(b"RSSMRA85T10A562"), Some('S'));
        assert_eq!(check_letter(b"0542811101000000123456"), Some('X'));
    }

    #[test]
    fn rejects_non_alphanumerics() {
        assert_eq!(check_letter(b"RSS-"), None);
        assert_eq!(check_letter(b"rss"), None);
    }
}
