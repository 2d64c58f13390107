//! Civil time in Italy (Europe/Rome). Deadlines, validity windows and office hours are Italian
//! calendar days and local times, while the clock gives UTC instants: "today" is the date in
//! Rome, not in Greenwich (at 23:30 UTC it is already tomorrow in Italy).
//!
//! The offsets come from the IANA time-zone database (zone `Europe/Rome`) through `jiff`, which
//! compiles the zone into the binary: nothing is read from `/usr/share/zoneinfo` at run time, and
//! a change of the law (the EU rule of Directive 2000/84/EC today: CEST from 01:00 UTC on the
//! last Sunday of March to 01:00 UTC on the last Sunday of October) arrives with a tzdb update of
//! the crate instead of a hand edit here.
//!
//! Going the other way, from an Italian wall-clock time to an instant, is not always one answer:
//! on the last Sunday of March the clock jumps from 02:00 to 03:00 (the times in between never
//! happen), and on the last Sunday of October it goes back from 03:00 to 02:00 (the times in
//! between happen twice). [`from_rome`] says which case applies instead of guessing.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{self, AmbiguousOffset, Offset, TimeZone};
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// The `Europe/Rome` zone, compiled in from the bundled tzdb.
static ROME: TimeZone = tz::get!("Europe/Rome");

/// `instant` as a `jiff` timestamp, clamped to the range `jiff` represents (a few hours narrower
/// than `time`'s at both ends, where Rome's offset is the same anyway).
fn to_timestamp(instant: OffsetDateTime) -> Timestamp {
    let seconds = instant.unix_timestamp();
    Timestamp::from_second(seconds).unwrap_or(if seconds < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

/// A `jiff` offset as a `time` one. Both represent up to ±25:59:59, so this never falls back.
fn to_utc_offset(offset: Offset) -> UtcOffset {
    UtcOffset::from_whole_seconds(offset.seconds()).unwrap_or(UtcOffset::UTC)
}

/// The UTC offset of Italian civil time at `instant`.
pub fn rome_offset(instant: OffsetDateTime) -> UtcOffset {
    to_utc_offset(ROME.to_offset(to_timestamp(instant)))
}

/// `instant` as Italian civil time.
///
/// At the very ends of the representable range, where the Italian time would fall outside it,
/// the instant is kept in its own offset.
pub fn in_rome(instant: OffsetDateTime) -> OffsetDateTime {
    instant
        .checked_to_offset(rome_offset(instant))
        .unwrap_or(instant)
}

/// The calendar date in Italy at `instant`.
pub fn rome_date(instant: OffsetDateTime) -> Date {
    in_rome(instant).date()
}

/// What an Italian wall-clock time (a date and a time read on a clock in Rome) is as an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RomeLocal {
    /// The clock shows this time exactly once: the usual case.
    Unique(OffsetDateTime),
    /// The clock never shows this time: it lies in the spring gap, when the clock jumps from
    /// 02:00 CET to 03:00 CEST.
    Skipped {
        /// The instant the clock jumps, the first one after the gap (03:00 CEST).
        resumes_at: OffsetDateTime,
    },
    /// The clock shows this time twice: it lies in the autumn fold, when the clock goes back
    /// from 03:00 CEST to 02:00 CET.
    Repeated {
        /// The first time, still in summer time (CEST).
        earlier: OffsetDateTime,
        /// The second time, in winter time (CET), an hour later.
        later: OffsetDateTime,
    },
}

impl RomeLocal {
    /// The first instant at which the clock shows at least this time: the time itself, the
    /// end of the gap, or the first of the two times in the fold.
    pub fn earliest(self) -> OffsetDateTime {
        match self {
            Self::Unique(instant)
            | Self::Repeated {
                earlier: instant, ..
            } => instant,
            Self::Skipped { resumes_at } => resumes_at,
        }
    }

    /// The last instant at which the clock shows this time, or the end of the gap when it never
    /// does.
    pub fn latest(self) -> OffsetDateTime {
        match self {
            Self::Unique(instant) | Self::Repeated { later: instant, .. } => instant,
            Self::Skipped { resumes_at } => resumes_at,
        }
    }
}

/// What the Italian wall-clock time `time` on `date` is as an instant (in Rome's offset at
/// that instant). See [`RomeLocal`] for the spring gap and the autumn fold.
///
/// Dates at the very ends of the representable range, where no zone rule applies, are read as
/// winter time.
pub fn from_rome(date: Date, time: Time) -> RomeLocal {
    let local = PrimitiveDateTime::new(date, time);
    let at = |offset: Offset| {
        let offset = to_utc_offset(offset);
        local.assume_offset(offset)
    };
    let civil = civil_datetime(local);
    let offset = match civil {
        Some(civil) => ROME.to_ambiguous_timestamp(civil).offset(),
        None => AmbiguousOffset::Unambiguous {
            offset: Offset::from_hours(1).unwrap_or(Offset::UTC),
        },
    };
    match offset {
        AmbiguousOffset::Unambiguous { offset } => RomeLocal::Unique(at(offset)),
        AmbiguousOffset::Gap { after, .. } => {
            // Read with the summer offset, the wall time falls before the jump; the jump is the
            // first transition after it.
            let before_jump = at(after);
            let resumes_at = ROME
                .following(to_timestamp(before_jump))
                .next()
                .and_then(|transition| {
                    OffsetDateTime::from_unix_timestamp(transition.timestamp().as_second()).ok()
                })
                .unwrap_or(before_jump);
            RomeLocal::Skipped {
                resumes_at: in_rome(resumes_at),
            }
        }
        AmbiguousOffset::Fold { before, after } => RomeLocal::Repeated {
            earlier: at(before),
            later: at(after),
        },
    }
}

/// The instant at which the clocks in Italy show `time` on `date`, as one instant for deadlines
/// and schedules.
///
/// Twice a year the local time is not a one-to-one map ([`from_rome`] tells the cases apart):
/// when summer time starts (last Sunday of March) the clocks jump from 02:00 to 03:00, so 02:30
/// never happens and is read as 03:30 (the instant an unchanged clock would have shown it);
/// when it ends (last Sunday of October) 02:00 to 03:00 happens twice and the earlier,
/// summer-time instant is taken, so a deadline or a start time is never later than the local
/// time a person read.
pub fn rome_instant(date: Date, time: Time) -> OffsetDateTime {
    match from_rome(date, time) {
        RomeLocal::Unique(at) | RomeLocal::Repeated { earlier: at, .. } => at,
        RomeLocal::Skipped { resumes_at } => {
            let before_the_jump = resumes_at
                .checked_sub(time::Duration::SECOND)
                .map_or(resumes_at.offset(), rome_offset);
            PrimitiveDateTime::new(date, time).assume_offset(before_the_jump)
        }
    }
}

/// A change of the clock in Rome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClockChange {
    /// The instant it happens.
    pub at: OffsetDateTime,
    /// The offset until then.
    pub before: UtcOffset,
    /// The offset from then on.
    pub after: UtcOffset,
}

/// The clock change during the Italian date `date`, if there is one (the last Sundays of March
/// and October, today).
pub fn clock_change_on(date: Date) -> Option<ClockChange> {
    let day_start = from_rome(date, Time::MIDNIGHT).earliest();
    let transition = ROME
        .following(to_timestamp(day_start.checked_sub(time::Duration::SECOND)?))
        .next()?;
    let at = OffsetDateTime::from_unix_timestamp(transition.timestamp().as_second()).ok()?;
    let change = ClockChange {
        at,
        before: rome_offset(at.checked_sub(time::Duration::SECOND)?),
        after: to_utc_offset(transition.offset()),
    };
    let local_date = at.checked_to_offset(change.after)?.date();
    (local_date == date && change.before != change.after).then_some(change)
}

/// `local` as a `jiff` civil date-time, when `jiff` represents its year.
fn civil_datetime(local: PrimitiveDateTime) -> Option<DateTime> {
    DateTime::new(
        i16::try_from(local.year()).ok()?,
        i8::try_from(u8::from(local.month())).ok()?,
        i8::try_from(local.day()).ok()?,
        i8::try_from(local.hour()).ok()?,
        i8::try_from(local.minute()).ok()?,
        i8::try_from(local.second()).ok()?,
        i32::try_from(local.nanosecond()).ok()?,
    )
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::Month;
    use time::macros::{date, datetime, offset, time};

    const CET: UtcOffset = offset!(+1);
    const CEST: UtcOffset = offset!(+2);

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
    fn the_zone_rules_hold_before_the_eu_directive_too() {
        // 1980: summer time from Sunday 6 April (Italian law of the time), not the last Sunday.
        assert_eq!(rome_offset(datetime!(1980-04-06 00:59 UTC)), CET);
        assert_eq!(rome_offset(datetime!(1980-04-06 01:00 UTC)), CEST);
        // The ends of the representable range do not panic.
        assert_eq!(
            rome_offset(OffsetDateTime::new_utc(Date::MAX, Time::MAX)),
            CET
        );
        assert_eq!(
            rome_offset(OffsetDateTime::new_utc(Date::MIN, Time::MIDNIGHT)).whole_hours(),
            0
        );
        let last = OffsetDateTime::new_utc(Date::MAX, Time::MAX);
        assert_eq!(in_rome(last), last);
        assert_eq!(rome_date(last), Date::MAX);
    }

    #[test]
    fn an_ordinary_wall_time_is_one_instant() {
        for (date, wall, instant) in [
            (
                date!(2026 - 01 - 15),
                time!(08:30),
                datetime!(2026-01-15 08:30 +1),
            ),
            (
                date!(2026 - 07 - 15),
                time!(08:30),
                datetime!(2026-07-15 08:30 +2),
            ),
            // Either side of the changes.
            (
                date!(2026 - 03 - 29),
                time!(01:59:59),
                datetime!(2026-03-29 00:59:59 UTC),
            ),
            (
                date!(2026 - 03 - 29),
                time!(03:00),
                datetime!(2026-03-29 01:00 UTC),
            ),
            (
                date!(2026 - 10 - 25),
                time!(01:59:59),
                datetime!(2026-10-24 23:59:59 UTC),
            ),
            (
                date!(2026 - 10 - 25),
                time!(03:00),
                datetime!(2026-10-25 02:00 UTC),
            ),
        ] {
            assert_eq!(
                from_rome(date, wall),
                RomeLocal::Unique(instant),
                "{date} {wall}"
            );
        }
    }

    #[test]
    fn a_wall_time_in_the_spring_gap_never_happens() {
        let jump = datetime!(2026-03-29 01:00 UTC);
        for wall in [time!(02:00), time!(02:30), time!(02:59:59)] {
            let local = from_rome(date!(2026 - 03 - 29), wall);
            assert_eq!(local, RomeLocal::Skipped { resumes_at: jump }, "{wall}");
            assert_eq!(local.earliest(), jump);
            assert_eq!(local.latest(), jump);
            assert_eq!(local.earliest().offset(), CEST);
        }
    }

    #[test]
    fn a_wall_time_in_the_autumn_fold_happens_twice() {
        let local = from_rome(date!(2026 - 10 - 25), time!(02:30));
        assert_eq!(
            local,
            RomeLocal::Repeated {
                earlier: datetime!(2026-10-25 00:30 UTC),
                later: datetime!(2026-10-25 01:30 UTC),
            }
        );
        assert_eq!(local.earliest().offset(), CEST);
        assert_eq!(local.latest().offset(), CET);
        assert_eq!(
            from_rome(date!(2026 - 10 - 25), time!(02:00)).earliest(),
            datetime!(2026-10-25 00:00 UTC)
        );
    }

    #[test]
    fn the_clock_changes_on_the_last_sundays_of_march_and_october() {
        assert_eq!(
            clock_change_on(date!(2026 - 03 - 29)),
            Some(ClockChange {
                at: datetime!(2026-03-29 01:00 UTC),
                before: CET,
                after: CEST,
            })
        );
        assert_eq!(
            clock_change_on(date!(2026 - 10 - 25)),
            Some(ClockChange {
                at: datetime!(2026-10-25 01:00 UTC),
                before: CEST,
                after: CET,
            })
        );
        for date in [
            date!(2026 - 03 - 28),
            date!(2026 - 03 - 30),
            date!(2026 - 10 - 24),
            date!(2026 - 10 - 26),
            date!(2026 - 07 - 01),
            Date::MAX,
        ] {
            assert_eq!(clock_change_on(date), None, "{date}");
        }
    }

    #[test]
    fn local_times_map_back_to_instants_also_across_summer_time() {
        assert_eq!(
            rome_instant(date!(2026 - 01 - 15), time!(13:00)),
            datetime!(2026-01-15 12:00 UTC)
        );
        assert_eq!(
            rome_instant(date!(2026 - 07 - 15), time!(00:00)),
            datetime!(2026-07-14 22:00 UTC)
        );
        // 29 March 2026: 02:30 does not exist and reads as 03:30 CEST.
        assert_eq!(
            rome_instant(date!(2026 - 03 - 29), time!(02:30)),
            datetime!(2026-03-29 01:30 UTC)
        );
        assert_eq!(
            rome_instant(date!(2026 - 03 - 29), time!(03:00)),
            datetime!(2026-03-29 01:00 UTC)
        );
        // 25 October 2026: 02:30 happens twice; the earlier (CEST) one is taken.
        assert_eq!(
            rome_instant(date!(2026 - 10 - 25), time!(02:30)),
            datetime!(2026-10-25 00:30 UTC)
        );
        assert_eq!(
            rome_instant(date!(2026 - 10 - 26), time!(00:00)),
            datetime!(2026-10-25 23:00 UTC)
        );
    }

    proptest! {
        #[test]
        fn local_time_round_trips(secs in 0i64..4_102_444_800) {
            let local = in_rome(OffsetDateTime::from_unix_timestamp(secs).unwrap());
            let back = rome_instant(local.date(), local.time());
            prop_assert_eq!(in_rome(back).date(), local.date());
            prop_assert_eq!(in_rome(back).time(), local.time());
        }
    }

    proptest! {
        #[test]
        fn a_wall_time_comes_back_from_its_instants(
            secs in 978_307_200i64..4_102_444_800,
        ) {
            // Every instant, shown on a clock in Rome, is one of the instants of that wall time.
            let instant = OffsetDateTime::from_unix_timestamp(secs).unwrap();
            let local = in_rome(instant);
            match from_rome(local.date(), local.time()) {
                RomeLocal::Unique(back) => prop_assert_eq!(back, instant),
                RomeLocal::Repeated { earlier, later } => {
                    prop_assert!(earlier == instant || later == instant);
                    prop_assert_eq!(later - earlier, time::Duration::HOUR);
                }
                RomeLocal::Skipped { .. } => prop_assert!(false, "a shown time is never skipped"),
            }
        }

        #[test]
        fn rome_is_one_or_two_hours_ahead_and_keeps_the_instant(secs in 978_307_200i64..4_102_444_800) {
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
