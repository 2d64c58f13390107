//! Tests for the plausible date range.

use proptest::prelude::*;
use time::Duration;
use time::macros::date;

use super::*;

#[test]
fn the_range_runs_from_1900_to_one_year_ahead() {
    let today = date!(2026 - 05 - 04);
    assert_eq!(latest(today), date!(2027 - 05 - 04));
    assert!(check_plausible(date!(1900 - 01 - 01), today).is_ok());
    assert!(check_plausible(date!(2027 - 05 - 04), today).is_ok());
    assert_eq!(
        check_plausible(date!(1899 - 12 - 31), today),
        Err(DateError::TooEarly {
            earliest: EARLIEST,
            date: date!(1899 - 12 - 31)
        })
    );
    assert!(matches!(
        check_plausible(date!(2027 - 05 - 05), today),
        Err(DateError::TooLate { .. })
    ));
    assert!(check_plausible(date!(-0001 - 01 - 01), today).is_err());
    assert!(check_plausible(date!(9999 - 12 - 31), today).is_err());
}

#[test]
fn a_leap_day_looks_ahead_to_the_28th_of_february() {
    assert_eq!(latest(date!(2028 - 02 - 29)), date!(2029 - 02 - 28));
}

proptest! {
    /// A date is plausible exactly when it lies between 1900-01-01 and a year after today.
    #[test]
    fn plausible_exactly_within_the_range(today_days in 0i64..60_000, offset in -50_000i64..50_000) {
        let today = date!(1950 - 01 - 01) + Duration::days(today_days);
        let date = today + Duration::days(offset);
        let inside = date >= EARLIEST && date <= latest(today);
        prop_assert_eq!(check_plausible(date, today).is_ok(), inside);
        prop_assert!(latest(today) > today);
        prop_assert!((latest(today) - today).whole_days() <= 366);
    }
}
