//! International bank account numbers (IBAN) for the SEPA countries, with the extra Italian
//! (and San Marino) CIN check.
//!
//! Payments to and from INPS go through SEPA, so an account outside the SEPA table is refused
//! rather than half-validated.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::check_tables::check_letter;

/// IBAN length of each supported country (ISO 13616 registry, SEPA area).
const COUNTRY_LENGTHS: [(&str, usize); 37] = [
    ("AD", 24),
    ("AT", 20),
    ("BE", 16),
    ("BG", 22),
    ("CH", 21),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("EE", 20),
    ("ES", 24),
    ("FI", 18),
    ("FR", 27),
    ("GB", 22),
    ("GI", 23),
    ("GR", 27),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IS", 26),
    ("IT", 27),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MT", 31),
    ("NL", 18),
    ("NO", 15),
    ("PL", 28),
    ("PT", 25),
    ("RO", 24),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("VA", 22),
];

/// Countries whose BBAN is CIN + ABI + CAB + account.
const ITALIAN_STYLE: [&str; 2] = ["IT", "SM"];
const ITALIAN_BBAN_LEN: usize = 23;

/// Why a string is not a valid IBAN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IbanError {
    /// Nothing but whitespace.
    #[error("the IBAN is empty")]
    Empty,
    /// A character other than an ASCII letter, digit or space.
    #[error("the IBAN may contain only letters, digits and spaces")]
    InvalidCharacters,
    /// The IBAN does not start with two letters followed by two digits.
    #[error("an IBAN starts with a two-letter country code and two check digits")]
    InvalidHeader,
    /// The country code is not in the SEPA table.
    #[error("IBANs from country '{country}' are not supported")]
    UnsupportedCountry {
        /// The two-letter country code found.
        country: String,
    },
    /// Wrong length for the country.
    #[error("an IBAN from this country has {expected} characters, found {found}")]
    InvalidLength {
        /// Length required by the country.
        expected: usize,
        /// Length of the input without spaces.
        found: usize,
    },
    /// The ISO 7064 mod-97 check failed.
    #[error("the IBAN check digits do not match: please check for typing errors")]
    InvalidChecksum,
    /// An Italian or San Marino BBAN is not CIN letter, 5-digit ABI, 5-digit CAB, 12-character
    /// account.
    #[error(
        "the account part must be a CIN letter, 5-digit ABI, 5-digit CAB and 12-character account number"
    )]
    InvalidItalianBban,
    /// The Italian CIN letter does not match ABI, CAB and account.
    #[error("the CIN should be '{expected}' but is '{found}'")]
    CinMismatch {
        /// CIN computed from ABI, CAB and account.
        expected: char,
        /// CIN present in the input.
        found: char,
    },
}

/// A validated IBAN in electronic form: uppercase, no spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Iban(String);

impl Iban {
    /// Parses an IBAN in electronic or printed form (any case, spaces anywhere).
    pub fn parse(input: &str) -> Result<Self, IbanError> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if compact.is_empty() {
            return Err(IbanError::Empty);
        }
        if !compact.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(IbanError::InvalidCharacters);
        }
        let b = compact.as_bytes();
        let country = match b.get(..2) {
            Some(c) if c.iter().all(u8::is_ascii_uppercase) => compact.get(..2).unwrap_or(""),
            _ => return Err(IbanError::InvalidHeader),
        };
        let expected = COUNTRY_LENGTHS
            .iter()
            .find(|(code, _)| *code == country)
            .map(|&(_, len)| len)
            .ok_or_else(|| IbanError::UnsupportedCountry {
                country: country.to_owned(),
            })?;
        if b.len() != expected {
            return Err(IbanError::InvalidLength {
                expected,
                found: b.len(),
            });
        }
        if !b[2..4].iter().all(u8::is_ascii_digit) {
            return Err(IbanError::InvalidHeader);
        }
        let italian_style = ITALIAN_STYLE.contains(&country);
        if italian_style && !is_italian_bban_shape(&b[4..]) {
            return Err(IbanError::InvalidItalianBban);
        }
        // 00, 01 and 99 are congruent to valid check digits but are never issued.
        if matches!(&b[2..4], b"00" | b"01" | b"99") || mod97(&rearranged(b)) != 1 {
            return Err(IbanError::InvalidChecksum);
        }
        if italian_style {
            let expected = check_letter(&b[5..]).ok_or(IbanError::InvalidItalianBban)?;
            let found = char::from(b[4]);
            if expected != found {
                return Err(IbanError::CinMismatch { expected, found });
            }
        }
        Ok(Self(compact))
    }

    /// The electronic form: uppercase, no spaces.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ISO 3166 two-letter country code.
    pub fn country_code(&self) -> &str {
        self.0.get(..2).unwrap_or_default()
    }

    /// Whether the account is held in Italy (San Marino is not Italy, though its BBAN looks the
    /// same).
    pub fn is_italian(&self) -> bool {
        self.country_code() == "IT"
    }

    /// The national part after country code and check digits.
    pub fn bban(&self) -> &str {
        self.0.get(4..).unwrap_or_default()
    }

    /// The printed form: groups of four characters separated by single spaces.
    pub fn formatted(&self) -> String {
        let mut out = String::with_capacity(self.0.len() + self.0.len() / 4);
        for (index, c) in self.0.chars().enumerate() {
            if index > 0 && index % 4 == 0 {
                out.push(' ');
            }
            out.push(c);
        }
        out
    }

    /// The bank's ABI code, for Italian and San Marino IBANs.
    pub fn abi(&self) -> Option<&str> {
        self.italian_part(5..10)
    }

    /// The branch's CAB code, for Italian and San Marino IBANs.
    pub fn cab(&self) -> Option<&str> {
        self.italian_part(10..15)
    }

    fn italian_part(&self, range: std::ops::Range<usize>) -> Option<&str> {
        if ITALIAN_STYLE.contains(&self.country_code()) {
            self.0.get(range)
        } else {
            None
        }
    }
}

fn is_italian_bban_shape(bban: &[u8]) -> bool {
    bban.len() == ITALIAN_BBAN_LEN
        && bban[0].is_ascii_uppercase()
        && bban[1..11].iter().all(u8::is_ascii_digit)
        && bban[11..]
            .iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
}

/// The IBAN with its first four characters moved to the end, as ISO 13616 prescribes.
fn rearranged(iban: &[u8]) -> Vec<u8> {
    let split = iban.len().min(4);
    let mut out = Vec::with_capacity(iban.len());
    out.extend_from_slice(&iban[split..]);
    out.extend_from_slice(&iban[..split]);
    out
}

/// Remainder mod 97 of the number obtained by writing letters as 10..35, computed one
/// character at a time so that no big integer is needed.
fn mod97(chars: &[u8]) -> u32 {
    chars.iter().fold(0, |rest, &c| match c {
        b'0'..=b'9' => (rest * 10 + u32::from(c - b'0')) % 97,
        _ => (rest * 100 + u32::from(c.saturating_sub(b'A')) + 10) % 97,
    })
}

impl FromStr for Iban {
    type Err = IbanError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Iban {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Iban {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
