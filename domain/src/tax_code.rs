//! The Italian tax code (codice fiscale): the 16-character personal code and the 11-digit numeric
//! code used by companies and as a temporary code.
//!
//! A [`TaxCode`] only exists once its layout and check character have been verified, so code past
//! the API edge never has to re-validate it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Month};

use crate::check_tables::check_letter;

/// Prefix some sources (e.g. the health card barcode, EU TIN lists) put before the code.
const TIN_PREFIX: &str = "TINIT-";
/// Month letters, January to December.
const MONTH_LETTERS: &[u8; 12] = b"ABCDEHLMPRST";
/// Letters that replace the digits 0..9 when two people would otherwise share a code.
const OMOCODIA_LETTERS: &[u8; 10] = b"LMNPQRSTUV";
/// 0-based positions of a personal code that hold a digit or its omocodia letter.
const DIGIT_POSITIONS: [usize; 7] = [6, 7, 9, 10, 12, 13, 14];
const PERSONAL_LEN: usize = 16;
const NUMERIC_LEN: usize = 11;
/// Women have 40 added to the birth day.
const FEMALE_DAY_OFFSET: u8 = 40;

/// Which of the two tax code layouts a [`TaxCode`] has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaxCodeKind {
    /// 16 characters, assigned to natural persons.
    Personal,
    /// 11 digits, assigned to companies or as a provisional code.
    Numeric,
}

/// Sex as encoded in a personal tax code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    /// Birth day encoded as is.
    #[serde(rename = "M")]
    Male,
    /// Birth day encoded plus 40.
    #[serde(rename = "F")]
    Female,
}

/// Why a string is not a valid tax code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxCodeError {
    /// Nothing left after trimming and removing the `TINIT-` prefix.
    #[error("the tax code is empty")]
    Empty,
    /// Neither 16 nor 11 characters.
    #[error("the tax code must have 16 characters, or 11 digits for companies; found {len}")]
    InvalidLength {
        /// Number of characters found.
        len: usize,
    },
    /// A character other than an ASCII letter or digit.
    #[error("the tax code may contain only letters and digits")]
    InvalidCharacters,
    /// A letter where a digit is required or vice versa.
    #[error("character {position} of the tax code is not allowed in that position")]
    InvalidFormat {
        /// 1-based position of the offending character.
        position: usize,
    },
    /// The ninth character is not one of the twelve month letters.
    #[error("'{letter}' is not a month letter (A B C D E H L M P R S T)")]
    InvalidMonth {
        /// The letter found.
        letter: char,
    },
    /// The encoded day is outside 1..=31 and 41..=71.
    #[error("{day} is not a valid encoded birth day (1-31, or 41-71 for women)")]
    InvalidDay {
        /// The decoded two-digit day.
        day: u8,
    },
    /// The last character of a personal code does not match the other fifteen.
    #[error("the check character should be '{expected}' but is '{found}'")]
    CheckCharacterMismatch {
        /// Check character computed from the first fifteen characters.
        expected: char,
        /// Check character present in the input.
        found: char,
    },
    /// The last digit of a numeric code does not match the other ten.
    #[error("the check digit should be {expected} but is {found}")]
    CheckDigitMismatch {
        /// Check digit computed from the first ten digits.
        expected: u8,
        /// Check digit present in the input.
        found: u8,
    },
}

/// A validated tax code, stored uppercase without any prefix.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaxCode(String);

impl TaxCode {
    /// Parses a tax code, accepting any case, surrounding whitespace and a `TINIT-` prefix.
    pub fn parse(input: &str) -> Result<Self, TaxCodeError> {
        let trimmed = input.trim();
        let body = match trimmed.get(..TIN_PREFIX.len()) {
            Some(prefix) if prefix.eq_ignore_ascii_case(TIN_PREFIX) => {
                trimmed.get(TIN_PREFIX.len()..).unwrap_or_default()
            }
            _ => trimmed,
        };
        if body.is_empty() {
            return Err(TaxCodeError::Empty);
        }
        if !body.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(TaxCodeError::InvalidCharacters);
        }
        let code = body.to_ascii_uppercase();
        match code.len() {
            PERSONAL_LEN => validate_personal(code.as_bytes())?,
            NUMERIC_LEN => validate_numeric(code.as_bytes())?,
            len => return Err(TaxCodeError::InvalidLength { len }),
        }
        Ok(Self(code))
    }

    /// The normalised code: uppercase, no prefix, no whitespace.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Which layout the code has.
    pub fn kind(&self) -> TaxCodeKind {
        if self.0.len() == PERSONAL_LEN {
            TaxCodeKind::Personal
        } else {
            TaxCodeKind::Numeric
        }
    }

    /// Whether any digit of a personal code has been replaced by its omocodia letter.
    pub fn is_omocodic(&self) -> bool {
        self.personal_bytes()
            .is_some_and(|b| DIGIT_POSITIONS.iter().any(|&i| b[i].is_ascii_uppercase()))
    }

    /// Birth date of a personal code.
    ///
    /// The code carries only two year digits, so the century is the most recent one that does not
    /// put the birth after `reference_date` (usually today). A person over 100 years old is
    /// therefore reported a century too young; the code itself cannot tell them apart. Returns
    /// `None` for numeric codes, for day/month combinations that do not exist in that year (e.g.
    /// 31 February) and when even the 1900s date is after `reference_date`.
    pub fn birth_date(&self, reference_date: Date) -> Option<Date> {
        let b = self.personal_bytes()?;
        let yy = i32::from(decode_pair(b, 6)?);
        let month_index = MONTH_LETTERS.iter().position(|&m| m == b[8])?;
        let month = Month::try_from(u8::try_from(month_index + 1).ok()?).ok()?;
        let mut day = decode_pair(b, 9)?;
        if day > FEMALE_DAY_OFFSET {
            day -= FEMALE_DAY_OFFSET;
        }
        let recent = 2000 + yy;
        if recent <= reference_date.year()
            && let Ok(date) = Date::from_calendar_date(recent, month, day)
            && date <= reference_date
        {
            return Some(date);
        }
        let date = Date::from_calendar_date(1900 + yy, month, day).ok()?;
        (date <= reference_date).then_some(date)
    }

    /// Sex encoded in a personal code; `None` for numeric codes.
    pub fn sex(&self) -> Option<Sex> {
        let day = decode_pair(self.personal_bytes()?, 9)?;
        Some(if day > FEMALE_DAY_OFFSET {
            Sex::Female
        } else {
            Sex::Male
        })
    }

    /// Cadastral (Belfiore) code of the birth place, with omocodia letters turned back into
    /// digits; `None` for numeric codes.
    pub fn birth_place_code(&self) -> Option<String> {
        let b = self.personal_bytes()?;
        let mut place = String::with_capacity(4);
        place.push(char::from(b[11]));
        for &c in &b[12..15] {
            place.push(char::from(b'0' + decode_digit(c)?));
        }
        Some(place)
    }

    /// Whether the person was born abroad: foreign countries have Belfiore codes starting with Z.
    pub fn is_foreign_born(&self) -> bool {
        self.personal_bytes().is_some_and(|b| b[11] == b'Z')
    }

    fn personal_bytes(&self) -> Option<&[u8; PERSONAL_LEN]> {
        self.0.as_bytes().try_into().ok()
    }
}

/// Value of a digit or of the omocodia letter standing for it.
fn decode_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        _ => OMOCODIA_LETTERS
            .iter()
            .position(|&l| l == c)
            .and_then(|i| u8::try_from(i).ok()),
    }
}

/// Two-digit number at `start` and `start + 1`, decoding omocodia letters.
fn decode_pair(b: &[u8], start: usize) -> Option<u8> {
    let tens = decode_digit(*b.get(start)?)?;
    let units = decode_digit(*b.get(start + 1)?)?;
    Some(tens * 10 + units)
}

fn validate_personal(b: &[u8]) -> Result<(), TaxCodeError> {
    for (position, &c) in b.iter().enumerate() {
        let fits = if DIGIT_POSITIONS.contains(&position) {
            decode_digit(c).is_some()
        } else {
            c.is_ascii_uppercase()
        };
        if !fits {
            return Err(TaxCodeError::InvalidFormat {
                position: position + 1,
            });
        }
    }
    let month = b[8];
    if !MONTH_LETTERS.contains(&month) {
        return Err(TaxCodeError::InvalidMonth {
            letter: char::from(month),
        });
    }
    let day = decode_pair(b, 9).ok_or(TaxCodeError::InvalidFormat { position: 10 })?;
    if !matches!(day, 1..=31 | 41..=71) {
        return Err(TaxCodeError::InvalidDay { day });
    }
    let expected = check_letter(&b[..15]).ok_or(TaxCodeError::InvalidCharacters)?;
    let found = char::from(b[15]);
    if expected != found {
        return Err(TaxCodeError::CheckCharacterMismatch { expected, found });
    }
    Ok(())
}

/// Check digit of the first ten digits of a numeric code (the partita IVA algorithm).
fn numeric_check_digit(digits: &[u8]) -> Option<u8> {
    let mut sum: u32 = 0;
    for (index, &c) in digits.iter().enumerate() {
        if !c.is_ascii_digit() {
            return None;
        }
        let mut value = u32::from(c - b'0');
        // Index 1 is the second 1-based position, i.e. the first even one.
        if index % 2 == 1 {
            value *= 2;
            if value > 9 {
                value -= 9;
            }
        }
        sum += value;
    }
    u8::try_from((10 - sum % 10) % 10).ok()
}

fn validate_numeric(b: &[u8]) -> Result<(), TaxCodeError> {
    if let Some(index) = b.iter().position(|c| !c.is_ascii_digit()) {
        return Err(TaxCodeError::InvalidFormat {
            position: index + 1,
        });
    }
    let expected =
        numeric_check_digit(&b[..10]).ok_or(TaxCodeError::InvalidFormat { position: 1 })?;
    let found = b[10] - b'0';
    if expected != found {
        return Err(TaxCodeError::CheckDigitMismatch { expected, found });
    }
    Ok(())
}

impl FromStr for TaxCode {
    type Err = TaxCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for TaxCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for TaxCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for TaxCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
