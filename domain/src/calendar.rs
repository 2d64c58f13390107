//! The Italian working-day calendar used to move payment deadlines.
//!
//! A deadline falling on a Sunday or a national holiday moves to the next working day. Saturday
//! counts as a working day: INPS deadlines move only for Sundays and holidays, not for Saturdays
//! (unlike some tax deadlines), so treating Saturday as a day off would let payments arrive late.
//!
//! Only national holidays are modelled. Local patron-saint days (e.g. 29 June in Rome) do not
//! move national deadlines. The current list is applied to every year, except 4 October, which is
//! a holiday only from 2026 (L. 151/2025); the 1977-2000 suppressions of Epiphany and 2 June are
//! not modelled because no deadline is ever computed that far back.

use time::{Date, Month, Weekday};

/// First year of the Gregorian calendar for which the Easter algorithm is meaningful.
const FIRST_GREGORIAN_YEAR: i32 = 1583;
/// First year in which 4 October (St Francis of Assisi) is again a national holiday.
const SAN_FRANCESCO_FROM: i32 = 2026;

/// Holidays on the same day every year.
const FIXED_HOLIDAYS: [(Month, u8); 10] = [
    (Month::January, 1),
    (Month::January, 6),
    (Month::April, 25),
    (Month::May, 1),
    (Month::June, 2),
    (Month::August, 15),
    (Month::November, 1),
    (Month::December, 8),
    (Month::December, 25),
    (Month::December, 26),
];

/// Easter Sunday of `year` by the anonymous Gregorian (Meeus/Jones/Butcher) algorithm.
///
/// `None` before 1583, when the Gregorian rule did not exist, and past the years `time` can
/// represent.
pub fn easter_sunday(year: i32) -> Option<Date> {
    if year < FIRST_GREGORIAN_YEAR {
        return None;
    }
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()
}

/// Whether `date` is an Italian national holiday (Easter Sunday included).
pub fn is_national_holiday(date: Date) -> bool {
    let (month, day) = (date.month(), date.day());
    if FIXED_HOLIDAYS.contains(&(month, day)) {
        return true;
    }
    if (month, day) == (Month::October, 4) && date.year() >= SAN_FRANCESCO_FROM {
        return true;
    }
    easter_sunday(date.year())
        .is_some_and(|easter| date == easter || easter.next_day() == Some(date))
}

/// Whether a payment due on `date` can be made that day: anything but a Sunday or a national
/// holiday (Saturdays included, see the module documentation).
pub fn is_working_day(date: Date) -> bool {
    date.weekday() != Weekday::Sunday && !is_national_holiday(date)
}

/// `date` itself if it is a working day, otherwise the first working day after it.
pub fn next_working_day_on_or_after(date: Date) -> Date {
    let mut day = date;
    while !is_working_day(day) {
        match day.next_day() {
            Some(next) => day = next,
            // Only reachable past 31 December 9999, a Friday and so a working day: the loop stops
            // there before ever needing a next day.
            None => return day,
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::date;

    use super::*;

    #[test]
    fn easter_dates() {
        assert_eq!(easter_sunday(2024), Some(date!(2024 - 03 - 31)));
        assert_eq!(easter_sunday(2025), Some(date!(2025 - 04 - 20)));
        assert_eq!(easter_sunday(2026), Some(date!(2026 - 04 - 05)));
        assert_eq!(easter_sunday(2027), Some(date!(2027 - 03 - 28)));
        assert_eq!(easter_sunday(2038), Some(date!(2038 - 04 - 25)));
        assert_eq!(easter_sunday(1583), Some(date!(1583 - 04 - 10)));
        assert_eq!(easter_sunday(1582), None);
        assert_eq!(easter_sunday(10_000), None);
    }

    #[test]
    fn easter_is_always_a_sunday_between_22_march_and_25_april() {
        for year in 1583..=9999 {
            let easter = easter_sunday(year).unwrap();
            assert_eq!(easter.weekday(), Weekday::Sunday, "{year}");
            assert!(easter >= Date::from_calendar_date(year, Month::March, 22).unwrap());
            assert!(easter <= Date::from_calendar_date(year, Month::April, 25).unwrap());
        }
    }

    #[test]
    fn holidays() {
        assert!(
            is_national_holiday(date!(2026 - 04 - 06)),
            "Easter Monday 2026"
        );
        assert!(!is_working_day(date!(2026 - 04 - 06)));
        assert!(is_national_holiday(date!(2026 - 04 - 05)));
        for holiday in [
            date!(2027 - 01 - 01),
            date!(2027 - 01 - 06),
            date!(2027 - 04 - 25),
            date!(2027 - 05 - 01),
            date!(2027 - 06 - 02),
            date!(2027 - 08 - 15),
            date!(2027 - 10 - 04),
            date!(2027 - 11 - 01),
            date!(2027 - 12 - 08),
            date!(2027 - 12 - 25),
            date!(2027 - 12 - 26),
        ] {
            assert!(is_national_holiday(holiday), "{holiday}");
        }
        assert!(
            !is_national_holiday(date!(2027 - 06 - 29)),
            "Rome's patron day is local"
        );
        assert!(!is_national_holiday(date!(2027 - 04 - 07)));
    }

    #[test]
    fn san_francesco_only_from_2026() {
        assert!(!is_national_holiday(date!(2025 - 10 - 04)));
        assert!(is_national_holiday(date!(2026 - 10 - 04)));
        assert_eq!(date!(2027 - 10 - 04).weekday(), Weekday::Monday);
        assert_eq!(
            next_working_day_on_or_after(date!(2027 - 10 - 04)),
            date!(2027 - 10 - 05)
        );
    }

    #[test]
    fn saturday_is_a_working_day() {
        assert_eq!(date!(2026 - 01 - 10).weekday(), Weekday::Saturday);
        assert!(is_working_day(date!(2026 - 01 - 10)));
        assert_eq!(
            next_working_day_on_or_after(date!(2026 - 01 - 10)),
            date!(2026 - 01 - 10)
        );
    }

    #[test]
    fn sundays_move_to_monday() {
        assert_eq!(date!(2027 - 01 - 10).weekday(), Weekday::Sunday);
        assert_eq!(
            next_working_day_on_or_after(date!(2027 - 01 - 10)),
            date!(2027 - 01 - 11)
        );
        assert_eq!(date!(2022 - 04 - 10).weekday(), Weekday::Sunday);
        assert_eq!(
            next_working_day_on_or_after(date!(2022 - 04 - 10)),
            date!(2022 - 04 - 11)
        );
    }

    #[test]
    fn chains_of_closed_days_are_skipped() {
        // Christmas 2026: Friday 25, Saturday 26 (St Stephen), Sunday 27.
        assert_eq!(
            next_working_day_on_or_after(date!(2026 - 12 - 25)),
            date!(2026 - 12 - 28)
        );
        // Easter 2026: Sunday 5 April, Monday 6 April.
        assert_eq!(
            next_working_day_on_or_after(date!(2026 - 04 - 05)),
            date!(2026 - 04 - 07)
        );
    }

    #[test]
    fn the_last_representable_day_is_a_working_day() {
        assert_eq!(Date::MAX, date!(9999 - 12 - 31));
        assert!(is_working_day(Date::MAX));
        assert_eq!(next_working_day_on_or_after(Date::MAX), Date::MAX);
    }

    proptest! {
        #[test]
        fn next_working_day_is_close_and_working(
            julian in date!(1900 - 01 - 01).to_julian_day()..=date!(2200 - 12 - 31).to_julian_day()
        ) {
            let start = Date::from_julian_day(julian).unwrap();
            let next = next_working_day_on_or_after(start);
            prop_assert!(is_working_day(next));
            prop_assert!(next >= start);
            prop_assert!((next - start).whole_days() <= 5);
            if is_working_day(start) {
                prop_assert_eq!(next, start);
            }
        }
    }
}
