//! Civil time in Italy (Europe/Rome). Deadlines, validity windows and office hours are Italian
//! calendar days and local times, while the clock gives UTC instants: "today" is the date in
//! Rome, not in Greenwich (at 23:30 UTC it is already tomorrow in Italy).
//!
//! The rule is the EU one (Directive 2000/84/EC, in force since 2001): CET (UTC+1), and CEST
//! (UTC+2) from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
//! October. Written here rather than pulled from a time-zone database because it is the only
//! zone the service needs and the rule is a law; if the EU abolishes summer time, this is the
//! one place to change.

use time::{Date, Month, OffsetDateTime, Time, UtcOffset, Weekday};

const CET: UtcOffset = match UtcOffset::from_hms(1, 0, 0) {
    Ok(offset) => offset,
    Err(_) => UtcOffset::UTC,
};
const CEST: UtcOffset = match UtcOffset::from_hms(2, 0, 0) {
    Ok(offset) => offset,
    Err(_) => UtcOffset::UTC,
};

/// The last Sunday of `month` in `year`.
fn last_sunday(year: i32, month: Month) -> Option<Date> {
    let first_of_next = match month {
        Month::December => Date::from_calendar_date(year + 1, Month::January, 1),
        _ => Date::from_calendar_date(year, month.next(), 1),
    }
    .ok()?;
    let mut day = first_of_next.previous_day()?;
    while day.weekday() != Weekday::Sunday {
        day = day.previous_day()?;
    }
    Some(day)
}

/// The UTC offset of Italian civil time at `instant`.
pub fn rome_offset(instant: OffsetDateTime) -> UtcOffset {
    let utc = instant.to_offset(UtcOffset::UTC);
    let year = utc.year();
    let switch = |month| {
        last_sunday(year, month)
            .map(|d| d.with_time(Time::MIDNIGHT).assume_utc() + time::Duration::hours(1))
    };
    match (switch(Month::March), switch(Month::October)) {
        (Some(start), Some(end)) if utc >= start && utc < end => CEST,
        _ => CET,
    }
}

/// `instant` as Italian civil time.
pub fn in_rome(instant: OffsetDateTime) -> OffsetDateTime {
    instant.to_offset(rome_offset(instant))
}

/// The calendar date in Italy at `instant`.
pub fn rome_date(instant: OffsetDateTime) -> Date {
    in_rome(instant).date()
}

/// The instant when the Italian civil clock shows `time` on `date`. A time the clock skips (the
/// hour lost in March) reads as winter time, a time it shows twice (the hour repeated in
/// October) as its first occurrence, summer time.
pub fn rome_instant(date: Date, time: Time) -> OffsetDateTime {
    let summer = date.with_time(time).assume_offset(CEST);
    if rome_offset(summer) == CEST {
        summer
    } else {
        date.with_time(time).assume_offset(CET)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::datetime;

    #[test]
    fn winter_is_utc_plus_one_and_summer_utc_plus_two() {
        assert_eq!(rome_offset(datetime!(2026-01-15 12:00 UTC)), CET);
        assert_eq!(rome_offset(datetime!(2026-07-15 12:00 UTC)), CEST);
    }

    #[test]
    fn switches_at_one_utc_on_the_last_sundays() {
        // 2026: summer time from Sunday 29 March, back on Sunday 25 October.
        assert_eq!(rome_offset(datetime!(2026-03-29 00:59:59 UTC)), CET);
        assert_eq!(rome_offset(datetime!(2026-03-29 01:00 UTC)), CEST);
        assert_eq!(rome_offset(datetime!(2026-10-25 00:59:59 UTC)), CEST);
        assert_eq!(rome_offset(datetime!(2026-10-25 01:00 UTC)), CET);
        // 2027: 28 March and 31 October.
        assert_eq!(rome_offset(datetime!(2027-03-28 01:00 UTC)), CEST);
        assert_eq!(rome_offset(datetime!(2027-10-31 00:30 UTC)), CEST);
        assert_eq!(rome_offset(datetime!(2027-10-31 01:30 UTC)), CET);
    }

    #[test]
    fn the_italian_date_turns_before_the_utc_one() {
        assert_eq!(
            rome_date(datetime!(2026-03-12 23:30 UTC)),
            time::macros::date!(2026 - 03 - 13)
        );
        assert_eq!(
            rome_date(datetime!(2026-07-12 22:00 UTC)),
            time::macros::date!(2026 - 07 - 13)
        );
        assert_eq!(
            rome_date(datetime!(2026-07-12 21:59 UTC)),
            time::macros::date!(2026 - 07 - 12)
        );
        assert_eq!(
            rome_date(datetime!(2026-12-31 23:00 UTC)),
            time::macros::date!(2027 - 01 - 01)
        );
    }

    #[test]
    fn a_civil_time_is_the_instant_its_day_shows_it() {
        use time::macros::{date, time};
        assert_eq!(
            rome_instant(date!(2026 - 03 - 28), time!(08:00)),
            datetime!(2026-03-28 07:00 UTC)
        );
        assert_eq!(
            rome_instant(date!(2026 - 03 - 30), time!(08:00)),
            datetime!(2026-03-30 06:00 UTC)
        );
        // The skipped hour reads as winter time; the repeated one as its first, summer, time.
        assert_eq!(
            rome_instant(date!(2026 - 03 - 29), time!(02:30)),
            datetime!(2026-03-29 01:30 UTC)
        );
        assert_eq!(
            rome_instant(date!(2026 - 10 - 25), time!(02:30)),
            datetime!(2026-10-25 00:30 UTC)
        );
        assert_eq!(
            rome_instant(date!(2026 - 10 - 26), time!(08:00)),
            datetime!(2026-10-26 07:00 UTC)
        );
    }

    proptest! {
        #[test]
        fn a_civil_time_reads_back(secs in 0i64..4_102_444_800) {
            let local = in_rome(OffsetDateTime::from_unix_timestamp(secs).unwrap());
            let hour = local.hour();
            // Off the switching hours, every civil time names exactly one instant.
            prop_assume!(!(1..=3).contains(&hour));
            prop_assert_eq!(rome_instant(local.date(), local.time()), local);
        }

        #[test]
        fn rome_is_one_or_two_hours_ahead_and_keeps_the_instant(secs in 0i64..4_102_444_800) {
            let instant = OffsetDateTime::from_unix_timestamp(secs).unwrap();
            let local = in_rome(instant);
            prop_assert_eq!(local, instant);
            let hours = local.offset().whole_hours();
            prop_assert!(hours == 1 || hours == 2);
            let month = local.month();
            if matches!(month, Month::November | Month::December | Month::January | Month::February) {
                prop_assert_eq!(hours, 1);
            }
            if matches!(month, Month::May | Month::June | Month::July | Month::August | Month::September) {
                prop_assert_eq!(hours, 2);
            }
        }
    }
}
