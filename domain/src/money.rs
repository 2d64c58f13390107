//! Non-negative euro amounts with cent precision.
//!
//! Contributions and payments are always in euro and never negative, and floating point must
//! never touch them: amounts are whole cents, rates are `Decimal`, and every rounding is explicit.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The largest amount the wire format carries: 13 integer digits and 2 decimals.
const MAX_CENTS: i64 = 999_999_999_999_999;
const MAX_INTEGER_DIGITS: usize = 13;
const CENTS_PER_UNIT: i64 = 100;

/// Currencies the services accept: only the euro.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Currency {
    /// Euro, ISO 4217 `EUR`.
    #[serde(rename = "EUR")]
    Eur,
}

impl Currency {
    /// The ISO 4217 code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Eur => "EUR",
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Why an amount is not acceptable money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The amount, or the result of a subtraction or a rate, is below zero.
    #[error("the amount must not be negative")]
    Negative,
    /// More than two decimal places.
    #[error("the amount must have at most two decimal places")]
    TooManyDecimals,
    /// Above 9 999 999 999 999.99 euro.
    #[error("the amount is too large")]
    Overflow,
    /// Not digits with an optional `.` and one or two decimals.
    #[error("the amount must be written as digits with an optional '.' and up to two decimals")]
    InvalidAmount,
    /// A currency other than `EUR`.
    #[error("currency '{currency}' is not supported: amounts must be in EUR")]
    UnsupportedCurrency {
        /// The currency code found.
        currency: String,
    },
}

/// A non-negative amount of euro, exact to the cent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Money {
    cents: i64,
}

impl Money {
    /// Zero euro.
    pub const fn zero() -> Self {
        Self { cents: 0 }
    }

    /// An amount of euro; refuses negatives and fractions of a cent rather than rounding them.
    pub fn eur(amount: Decimal) -> Result<Self, MoneyError> {
        if amount < Decimal::ZERO {
            return Err(MoneyError::Negative);
        }
        let mut normalized = amount.normalize();
        if normalized.scale() > 2 {
            return Err(MoneyError::TooManyDecimals);
        }
        if normalized > Decimal::new(MAX_CENTS, 2) {
            return Err(MoneyError::Overflow);
        }
        normalized.rescale(2);
        let cents = i64::try_from(normalized.mantissa()).map_err(|_| MoneyError::Overflow)?;
        Self::from_cents(cents)
    }

    /// An amount given in euro cents.
    pub fn from_cents(cents: i64) -> Result<Self, MoneyError> {
        if cents < 0 {
            Err(MoneyError::Negative)
        } else if cents > MAX_CENTS {
            Err(MoneyError::Overflow)
        } else {
            Ok(Self { cents })
        }
    }

    /// Parses the wire syntax of an amount, e.g. `"123.45"`, `"7"` or `"0.5"`.
    pub fn parse_amount(text: &str) -> Result<Self, MoneyError> {
        let (integer, fraction) = text.split_once('.').unwrap_or((text, "00"));
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(integer) || !all_digits(fraction) {
            return Err(MoneyError::InvalidAmount);
        }
        if fraction.len() > 2 {
            return Err(MoneyError::TooManyDecimals);
        }
        if integer.len() > MAX_INTEGER_DIGITS {
            return Err(MoneyError::Overflow);
        }
        let units: i64 = integer.parse().map_err(|_| MoneyError::InvalidAmount)?;
        let mut fraction_cents: i64 = fraction.parse().map_err(|_| MoneyError::InvalidAmount)?;
        if fraction.len() == 1 {
            fraction_cents *= 10;
        }
        Self::from_cents(units * CENTS_PER_UNIT + fraction_cents)
    }

    /// The amount in euro cents.
    pub fn cents(self) -> i64 {
        self.cents
    }

    /// The amount in euro, always with exactly two decimal places.
    pub fn amount(self) -> Decimal {
        Decimal::new(self.cents, 2)
    }

    /// The currency, always [`Currency::Eur`].
    pub fn currency(self) -> Currency {
        Currency::Eur
    }

    /// Whether the amount is zero.
    pub fn is_zero(self) -> bool {
        self.cents == 0
    }

    /// The sum, or [`MoneyError::Overflow`] past the largest representable amount.
    pub fn checked_add(self, other: Self) -> Result<Self, MoneyError> {
        let cents = self
            .cents
            .checked_add(other.cents)
            .ok_or(MoneyError::Overflow)?;
        Self::from_cents(cents)
    }

    /// The difference, or [`MoneyError::Negative`] if `other` is larger.
    pub fn checked_sub(self, other: Self) -> Result<Self, MoneyError> {
        Self::from_cents(self.cents - other.cents)
    }

    /// The amount multiplied by `rate` (e.g. a contribution rate of `0.33`), rounded to the cent
    /// with halves away from zero, as INPS rounds contributions.
    ///
    /// Errors with [`MoneyError::Negative`] for a negative rate and [`MoneyError::Overflow`] when
    /// the product is too large.
    pub fn mul_rate(self, rate: Decimal) -> Result<Self, MoneyError> {
        if rate < Decimal::ZERO {
            return Err(MoneyError::Negative);
        }
        let product = self
            .amount()
            .checked_mul(rate)
            .ok_or(MoneyError::Overflow)?;
        Self::eur(product.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount(), self.currency())
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // A string, so that no JSON client ever reads the amount as a float.
        let mut state = serializer.serialize_struct("Money", 2)?;
        state.serialize_field("amount", &self.amount().to_string())?;
        state.serialize_field("currency", &self.currency())?;
        state.end()
    }
}

/// The only accepted wire shape; the amount must be a JSON string, never a number.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MoneyWire {
    amount: String,
    currency: String,
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = MoneyWire::deserialize(deserializer)?;
        if wire.currency != Currency::Eur.code() {
            return Err(serde::de::Error::custom(MoneyError::UnsupportedCurrency {
                currency: wire.currency,
            }));
        }
        Self::parse_amount(&wire.amount).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
