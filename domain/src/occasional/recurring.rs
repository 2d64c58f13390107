//! The calendar of weekly recurring rules ([`super::changes::WeeklyRule`]): how far a rule may
//! run, which window of occurrences is generated ahead of time, and when the reminders are due.
//!
//! - A rule runs from `first_day` (not in the past) to `last_day` (required), at most
//!   [`MAX_RULE_DAYS`] days later: a rule is a standing instruction of at most a year, renewed
//!   by recording a new one.
//! - Its occurrences are generated as real services [`HORIZON_DAYS`] days ahead: the window is
//!   from today to today + [`HORIZON_DAYS`], within the rule's days ([`window`]).
//! - The worker and the client are reminded [`REMINDER_HOURS`] hours before each generated
//!   service starts ([`service_reminder_at`]).
//! - A Libretto Famiglia client with work in a month is reminded on the 1st of the next month
//!   that the month's services are reported by the 3rd ([`libretto_report_reminder_on`]).

use time::{Date, Duration, OffsetDateTime, Time};

use crate::delegation::add_months;
use crate::rome_time::rome_instant;

/// How many days ahead of today the occurrences of a rule are generated.
pub const HORIZON_DAYS: i64 = 14;

/// The longest rule: `last_day` is at most this many days after `first_day`.
pub const MAX_RULE_DAYS: i64 = 365;

/// How many hours before a generated service its parties are reminded of it.
pub const REMINDER_HOURS: i64 = 24;

/// Why the days of a rule are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SpanError {
    /// The first day is before today.
    #[error("the first day must not be in the past")]
    StartsInThePast,
    /// The last day is before the first.
    #[error("the last day must not be before the first day")]
    EndsBeforeStart,
    /// The rule runs longer than [`MAX_RULE_DAYS`].
    #[error("a recurring rule runs at most {MAX_RULE_DAYS} days")]
    TooLong,
}

impl SpanError {
    /// The field of the rule the error is about.
    pub fn field(self) -> &'static str {
        match self {
            Self::StartsInThePast => "first_date",
            Self::EndsBeforeStart | Self::TooLong => "last_date",
        }
    }
}

/// Checks that a rule from `first_day` to `last_day`, recorded on `today`, is within bounds.
pub fn check_span(first_day: Date, last_day: Date, today: Date) -> Result<(), SpanError> {
    if first_day < today {
        return Err(SpanError::StartsInThePast);
    }
    if last_day < first_day {
        return Err(SpanError::EndsBeforeStart);
    }
    if (last_day - first_day).whole_days() > MAX_RULE_DAYS {
        return Err(SpanError::TooLong);
    }
    Ok(())
}

/// The days whose occurrences are generated on `today` for a rule from `first_day` to
/// `last_day`: from the later of today and the first day to the earlier of today +
/// [`HORIZON_DAYS`] and the last day; `None` when that is empty (the rule is over or starts
/// later than the horizon).
pub fn window(first_day: Date, last_day: Date, today: Date) -> Option<(Date, Date)> {
    let from = today.max(first_day);
    let to = today
        .checked_add(Duration::days(HORIZON_DAYS))?
        .min(last_day);
    (from <= to).then_some((from, to))
}

/// Whether the horizon of a rule ending on `last_day` still has days to reach after `today`'s
/// window: then the generation runs again tomorrow.
pub fn extends_after(last_day: Date, today: Date) -> bool {
    today
        .checked_add(Duration::days(HORIZON_DAYS))
        .is_some_and(|end| end < last_day)
}

/// The instant the parties of a service on `date` at `start` (Italian civil time) are reminded:
/// [`REMINDER_HOURS`] before it starts.
pub fn service_reminder_at(date: Date, start: Time) -> OffsetDateTime {
    rome_instant(date, start) - Duration::hours(REMINDER_HOURS)
}

/// The day a Libretto Famiglia client with work on `date` is reminded to report it: the 1st of
/// the following month (the deadline is the 3rd, c.12).
pub fn libretto_report_reminder_on(date: Date) -> Option<Date> {
    add_months(date.replace_day(1).ok()?, 1)
}

/// Whether the report reminder due on `due_on` is still worth sending on `today`: up to the 3rd
/// of that month, the deadline.
pub fn libretto_report_reminder_still_due(due_on: Date, today: Date) -> bool {
    due_on
        .replace_day(3)
        .is_ok_and(|deadline| today <= deadline)
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime, time};

    use super::*;

    #[test]
    fn a_rule_starts_today_or_later_and_runs_at_most_a_year() {
        let today = date!(2026 - 03 - 02);
        assert_eq!(check_span(today, today, today), Ok(()));
        assert_eq!(
            check_span(date!(2026 - 03 - 01), today, today),
            Err(SpanError::StartsInThePast)
        );
        assert_eq!(
            check_span(today, date!(2026 - 03 - 01), today),
            Err(SpanError::EndsBeforeStart)
        );
        assert_eq!(check_span(today, date!(2027 - 03 - 02), today), Ok(()));
        assert_eq!(
            check_span(today, date!(2027 - 03 - 03), today),
            Err(SpanError::TooLong)
        );
        assert_eq!(SpanError::TooLong.field(), "last_date");
    }

    #[test]
    fn the_window_is_today_to_fourteen_days_ahead_within_the_rule() {
        let today = date!(2026 - 03 - 02);
        assert_eq!(
            window(today, date!(2026 - 12 - 31), today),
            Some((today, date!(2026 - 03 - 16)))
        );
        assert_eq!(
            window(date!(2026 - 03 - 10), date!(2026 - 03 - 12), today),
            Some((date!(2026 - 03 - 10), date!(2026 - 03 - 12)))
        );
        assert_eq!(
            window(date!(2026 - 03 - 17), date!(2026 - 04 - 30), today),
            None
        );
        assert_eq!(
            window(date!(2026 - 02 - 01), date!(2026 - 03 - 01), today),
            None
        );
        assert!(extends_after(date!(2026 - 03 - 17), today));
        assert!(!extends_after(date!(2026 - 03 - 16), today));
    }

    #[test]
    fn reminders_fall_the_day_before_and_on_the_first_of_the_next_month() {
        assert_eq!(
            service_reminder_at(date!(2026 - 03 - 10), time!(9:00)),
            datetime!(2026-03-09 08:00 UTC)
        );
        assert_eq!(
            libretto_report_reminder_on(date!(2026 - 12 - 15)),
            Some(date!(2027 - 01 - 01))
        );
        assert!(libretto_report_reminder_still_due(
            date!(2026 - 04 - 01),
            date!(2026 - 04 - 03)
        ));
        assert!(!libretto_report_reminder_still_due(
            date!(2026 - 04 - 01),
            date!(2026 - 04 - 04)
        ));
    }
}
