//! The plausible range of a date typed by people: employment start and end dates, payment dates,
//! the quarters of a contribution filter.
//!
//! No domestic employment in the cassetto began before 1900, and nothing is recorded or asked
//! for more than a year ahead: a date outside the range is a typo (`0025-01-07`, `9999-12-31`),
//! refused at the edge instead of being stored or computed with.

use time::{Date, Month};

/// The earliest plausible date: 1 January 1900.
pub const EARLIEST: Date = match Date::from_calendar_date(1900, Month::January, 1) {
    Ok(date) => date,
    Err(_) => Date::MIN,
};

/// How many years after today a date may fall.
pub const MAX_YEARS_AHEAD: i32 = 1;

/// Why a date is not plausible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Before [`EARLIEST`].
    #[error("must not be before {earliest}, found {date}")]
    TooEarly {
        /// The earliest accepted date.
        earliest: Date,
        /// The date given.
        date: Date,
    },
    /// More than [`MAX_YEARS_AHEAD`] years after today.
    #[error("must not be after {latest}, found {date}")]
    TooLate {
        /// The latest accepted date.
        latest: Date,
        /// The date given.
        date: Date,
    },
}

/// The latest plausible date on `today`: the same day [`MAX_YEARS_AHEAD`] years later
/// (29 February becomes 28 February).
pub fn latest(today: Date) -> Date {
    let year = today.year().saturating_add(MAX_YEARS_AHEAD);
    let month = today.month();
    let day = today.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MAX)
}

/// Whether `date` lies in the plausible range on `today`: from [`EARLIEST`] to [`latest`].
pub fn check_plausible(date: Date, today: Date) -> Result<Date, DateError> {
    let latest = latest(today);
    if date < EARLIEST {
        Err(DateError::TooEarly {
            earliest: EARLIEST,
            date,
        })
    } else if date > latest {
        Err(DateError::TooLate { latest, date })
    } else {
        Ok(date)
    }
}

#[cfg(test)]
mod tests;
