//! Domestic employment relationships (rapporti di lavoro domestico): the code that identifies a
//! relationship, the kind of domestic work and the checks on the declared hours, pay and period.
//!
//! Quesiti, appointments and contributions all refer to one relationship through its
//! [`EmploymentCode`], so the code is parsed once at the edge and trusted everywhere after.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Date;

pub use crate::identity::ParseError;
use crate::identity::parse_wire;

mod record;
pub use record::{
    Address, Employer, Employment, FieldProblem, MAX_MUNICIPALITY_CHARS, MAX_NAME_CHARS,
    MAX_STREET_CHARS, PersonName, RecordEmployment, RecordError,
};

/// Number of characters of an [`EmploymentCode`].
pub const EMPLOYMENT_CODE_LEN: usize = 10;

/// The largest sequence number [`EmploymentCode::from_sequence`] accepts: nine decimal digits.
pub const MAX_EMPLOYMENT_SEQUENCE: u64 = 999_999_999;

/// The most weekly hours a domestic worker may be hired for: 54, the limit of the CCNL lavoro
/// domestico for live-in workers (the highest of its weekly limits).
pub const MAX_WEEKLY_HOURS: Decimal = Decimal::from_parts(54, 0, 0, false, 0);

/// The highest hourly pay accepted, in euro. No real domestic contract comes near it: the bound
/// only catches amounts typed in cents or with misplaced separators.
pub const MAX_HOURLY_PAY: Decimal = Decimal::from_parts(1000, 0, 0, false, 0);

/// Why a string is not a valid [`EmploymentCode`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmploymentCodeError {
    /// Nothing but whitespace.
    #[error("the employment code is empty")]
    Empty,
    /// Not ten characters long once trimmed.
    #[error("an employment code has {EMPLOYMENT_CODE_LEN} digits, found {len} characters")]
    InvalidLength {
        /// Number of characters of the trimmed input.
        len: usize,
    },
    /// Ten characters, but not all ASCII decimal digits.
    #[error("an employment code contains only digits")]
    NotDigits,
    /// The last digit is not the Luhn check digit of the first nine.
    #[error(
        "the employment code check digit should be {expected} but is {found}: please check for typing errors"
    )]
    CheckDigitMismatch {
        /// Check digit computed from the first nine digits.
        expected: u8,
        /// Check digit present in the input.
        found: u8,
    },
}

/// The code of a domestic employment relationship (codice rapporto).
///
/// Our documented format: ten decimal digits, a nine-digit sequence number followed by its Luhn
/// check digit. Luhn catches every single-digit typo and every swap of two adjacent different
/// digits except `09` ↔ `90`, the usual mistakes when a code is copied by hand from a letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmploymentCode(String);

impl EmploymentCode {
    /// Parses a code, ignoring surrounding whitespace. Nothing inside the code is tolerated:
    /// codes are printed without separators.
    pub fn parse(input: &str) -> Result<Self, EmploymentCodeError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmploymentCodeError::Empty);
        }
        let len = trimmed.chars().count();
        if len != EMPLOYMENT_CODE_LEN {
            return Err(EmploymentCodeError::InvalidLength { len });
        }
        // Ten chars that are all ASCII digits are also ten bytes, so the split below is exact.
        let digits = trimmed.as_bytes();
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(EmploymentCodeError::NotDigits);
        }
        let (payload, check) = digits.split_at(EMPLOYMENT_CODE_LEN - 1);
        let expected = luhn_check_digit(payload);
        let found = check.first().map_or(0, |c| c - b'0');
        if expected != found {
            return Err(EmploymentCodeError::CheckDigitMismatch { expected, found });
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The code for sequence number `n` (zero-padded to nine digits) followed by its check
    /// digit, or `None` when `n` has more than nine digits.
    ///
    /// New relationships take `n` from a database sequence, which keeps codes unique.
    pub fn from_sequence(n: u64) -> Option<Self> {
        if n > MAX_EMPLOYMENT_SEQUENCE {
            return None;
        }
        let mut code = format!("{n:09}");
        let check = luhn_check_digit(code.as_bytes());
        code.push(char::from(b'0' + check));
        Some(Self(code))
    }

    /// The ten digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The Luhn check digit (ISO/IEC 7812-1) to append to `payload`, a string of ASCII digits.
///
/// Counting from the right end of the payload, the first digit and every other one after it are
/// doubled (summing the two digits of the result), so that once the check digit is appended the
/// doubled positions are the usual "every second digit from the right".
fn luhn_check_digit(payload: &[u8]) -> u8 {
    let sum: u32 = payload
        .iter()
        .rev()
        .enumerate()
        .map(|(index, &c)| {
            let digit = u32::from(c - b'0');
            if index % 2 == 0 {
                let doubled = digit * 2;
                doubled / 10 + doubled % 10
            } else {
                digit
            }
        })
        .sum();
    // The result is below 10, so the narrowing cannot lose anything.
    ((10 - sum % 10) % 10) as u8
}

impl FromStr for EmploymentCode {
    type Err = EmploymentCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for EmploymentCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for EmploymentCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for EmploymentCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// The kind of domestic work, as declared when the relationship is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmploymentType {
    /// Collaboratore familiare: housework (cleaning, cooking, laundry).
    Colf,
    /// Assistente familiare: care of an elderly, sick or disabled person.
    Badante,
    /// Care of children.
    BabySitter,
}

impl EmploymentType {
    /// Every variant, in declaration order.
    pub const ALL: [Self; 3] = [Self::Colf, Self::Badante, Self::BabySitter];

    /// Stable wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Colf => "colf",
            Self::Badante => "badante",
            Self::BabySitter => "baby_sitter",
        }
    }
}

impl FromStr for EmploymentType {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_wire(&Self::ALL, Self::as_str, "employment type", s)
    }
}

impl fmt::Display for EmploymentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why the declared terms of a relationship are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmploymentError {
    /// Weekly hours of zero or less.
    #[error("the weekly hours must be more than zero")]
    WeeklyHoursNotPositive,
    /// Weekly hours above [`MAX_WEEKLY_HOURS`].
    #[error("the weekly hours may be at most {max}, found {hours}")]
    WeeklyHoursAboveMax {
        /// The limit, [`MAX_WEEKLY_HOURS`].
        max: Decimal,
        /// The hours declared.
        hours: Decimal,
    },
    /// Weekly hours with more than two decimals.
    #[error("the weekly hours may have at most 2 decimals")]
    WeeklyHoursTooPrecise,
    /// Hourly pay of zero or less.
    #[error("the hourly pay must be more than zero")]
    HourlyPayNotPositive,
    /// Hourly pay above [`MAX_HOURLY_PAY`].
    #[error("the hourly pay may be at most {max} EUR, found {pay}")]
    HourlyPayAboveMax {
        /// The limit, [`MAX_HOURLY_PAY`].
        max: Decimal,
        /// The pay declared.
        pay: Decimal,
    },
    /// Hourly pay with more than two decimals (euro cents are the smallest unit).
    #[error("the hourly pay may have at most 2 decimals")]
    HourlyPayTooPrecise,
    /// The relationship would end before it starts.
    #[error("the end date {end} is before the start date {start}")]
    EndBeforeStart {
        /// First day of the relationship.
        start: Date,
        /// Last day declared.
        end: Date,
    },
}

/// Whether `value` has at most two decimals. Trailing zeros are not precision: `10.500` is
/// `10.5`.
fn has_at_most_two_decimals(value: Decimal) -> bool {
    value.normalize().scale() <= 2
}

/// Checks the contractual weekly hours: more than zero, at most [`MAX_WEEKLY_HOURS`], at most
/// two decimals (hours are declared to the minute-ish, as in `24.50`).
pub fn validate_weekly_hours(hours: Decimal) -> Result<(), EmploymentError> {
    if hours <= Decimal::ZERO {
        return Err(EmploymentError::WeeklyHoursNotPositive);
    }
    if hours > MAX_WEEKLY_HOURS {
        return Err(EmploymentError::WeeklyHoursAboveMax {
            max: MAX_WEEKLY_HOURS,
            hours,
        });
    }
    if !has_at_most_two_decimals(hours) {
        return Err(EmploymentError::WeeklyHoursTooPrecise);
    }
    Ok(())
}

/// Checks the hourly pay in euro: more than zero, at most [`MAX_HOURLY_PAY`], whole cents.
pub fn validate_hourly_pay(pay: Decimal) -> Result<(), EmploymentError> {
    if pay <= Decimal::ZERO {
        return Err(EmploymentError::HourlyPayNotPositive);
    }
    if pay > MAX_HOURLY_PAY {
        return Err(EmploymentError::HourlyPayAboveMax {
            max: MAX_HOURLY_PAY,
            pay,
        });
    }
    if !has_at_most_two_decimals(pay) {
        return Err(EmploymentError::HourlyPayTooPrecise);
    }
    Ok(())
}

/// Checks the period of a relationship: `end`, when known, is on or after `start` (a one-day
/// relationship starts and ends on the same date). `None` is an open-ended relationship.
pub fn validate_period(start: Date, end: Option<Date>) -> Result<(), EmploymentError> {
    match end {
        Some(end) if end < start => Err(EmploymentError::EndBeforeStart { start, end }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
