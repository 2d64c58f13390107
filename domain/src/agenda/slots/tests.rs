//! Tests for slot generation (holidays, closures, exceptions, clock changes) and the nearest
//! free slots.

use proptest::prelude::*;
use time::macros::{date, datetime, time};
use time::{Time, Weekday};

use super::*;
use crate::agenda::plan::{Closure, Exception, WeeklyPlan};
use crate::rome_time::in_rome;

const EVERY_DAY: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

fn day(openings: &[(Time, Time)], slot_minutes: u16, seats: u16) -> DayPlan {
    DayPlan {
        openings: openings
            .iter()
            .map(|&(start, end)| Opening { start, end })
            .collect(),
        slot_minutes,
        seats,
    }
}

/// Open every day with the same plan.
fn every_day(plan: &DayPlan) -> Schedule {
    let weekly = WeeklyPlan::new(EVERY_DAY.map(|w| (w, plan.clone()))).unwrap();
    Schedule::new(weekly, vec![], vec![]).unwrap()
}

fn office_hours() -> DayPlan {
    day(&[(time!(08:30), time!(12:30))], 30, 2)
}

fn slots_on(schedule: &Schedule, date: Date) -> Vec<Slot> {
    list_slots(schedule, date, date).unwrap()
}

/// The Italian wall-clock start times of `slots`.
fn local_starts(slots: &[Slot]) -> Vec<Time> {
    slots.iter().map(|s| in_rome(s.start).time()).collect()
}

fn eight_half_hours_from(first: Time) -> Vec<Time> {
    (0..8).map(|i| first + Duration::minutes(30 * i)).collect()
}

#[test]
fn office_hours_give_whole_slots_in_utc() {
    let found = slots_on(&every_day(&office_hours()), date!(2026 - 01 - 14));
    assert_eq!(found.len(), 8);
    assert_eq!(found[0].start, datetime!(2026-01-14 07:30 UTC));
    assert_eq!(found[0].start.offset(), UtcOffset::UTC);
    assert_eq!(found[0].end, datetime!(2026-01-14 08:00 UTC));
    assert_eq!(found[7].end, datetime!(2026-01-14 11:30 UTC));
    assert!(
        found
            .iter()
            .all(|s| s.seats == 2 && s.date == date!(2026 - 01 - 14))
    );
}

#[test]
fn office_hours_keep_their_local_times_across_both_clock_changes() {
    let schedule = every_day(&office_hours());
    for (date, first_utc) in [
        // Sunday 29 March 2026: 02:00 CET becomes 03:00 CEST.
        (date!(2026 - 03 - 28), datetime!(2026-03-28 07:30 UTC)),
        (date!(2026 - 03 - 29), datetime!(2026-03-29 06:30 UTC)),
        (date!(2026 - 03 - 30), datetime!(2026-03-30 06:30 UTC)),
        // Sunday 25 October 2026: 03:00 CEST becomes 02:00 CET.
        (date!(2026 - 10 - 24), datetime!(2026-10-24 06:30 UTC)),
        (date!(2026 - 10 - 25), datetime!(2026-10-25 07:30 UTC)),
        (date!(2026 - 10 - 26), datetime!(2026-10-26 07:30 UTC)),
    ] {
        let found = slots_on(&schedule, date);
        assert_eq!(
            local_starts(&found),
            eight_half_hours_from(time!(08:30)),
            "{date}"
        );
        assert_eq!(found[0].start, first_utc, "{date}");
        assert_eq!(found[7].end - found[0].start, Duration::hours(4), "{date}");
    }
}

/// Consecutive, non-overlapping, each as long as the plan says.
fn assert_back_to_back(found: &[Slot], minutes: i64) {
    for pair in found.windows(2) {
        assert_eq!(pair[0].end, pair[1].start);
    }
    for slot in found {
        assert_eq!(slot.end - slot.start, Duration::minutes(minutes));
    }
}

#[test]
fn the_missing_spring_hour_gets_no_slot_and_nothing_else_is_lost() {
    let schedule = every_day(&day(&[(time!(01:30), time!(03:30))], 30, 1));
    let found = slots_on(&schedule, date!(2026 - 03 - 29));
    // The clock shows 01:30-02:00 and 03:00-03:30: one elapsed hour, two slots.
    assert_eq!(local_starts(&found), vec![time!(01:30), time!(03:00)]);
    assert_eq!(found[0].start, datetime!(2026-03-29 00:30 UTC));
    assert_eq!(found[1].start, datetime!(2026-03-29 01:00 UTC));
    assert_eq!(found[1].end, datetime!(2026-03-29 01:30 UTC));
    assert_back_to_back(&found, 30);
}

#[test]
fn the_repeated_autumn_hour_gets_its_slots_twice_at_different_instants() {
    let schedule = every_day(&day(&[(time!(01:30), time!(03:30))], 30, 1));
    let found = slots_on(&schedule, date!(2026 - 10 - 25));
    // The clock shows 01:30-03:00 CEST, then 02:00-03:30 CET: three elapsed hours.
    assert_eq!(
        local_starts(&found),
        [
            time!(01:30),
            time!(02:00),
            time!(02:30),
            time!(02:00),
            time!(02:30),
            time!(03:00)
        ]
    );
    assert_eq!(found[0].start, datetime!(2026-10-24 23:30 UTC));
    assert_eq!(found[5].end, datetime!(2026-10-25 02:30 UTC));
    assert_back_to_back(&found, 30);
    assert!(found.iter().all(|s| s.date == date!(2026 - 10 - 25)));
}

#[test]
fn an_opening_within_the_repeated_hour_is_open_both_times_the_clock_shows_it() {
    let schedule = every_day(&day(&[(time!(01:30), time!(02:30))], 30, 1));
    let found = slots_on(&schedule, date!(2026 - 10 - 25));
    // 01:30-02:30 CEST, then 02:00-02:30 CET: the clock never shows 02:30-03:00 CEST in it.
    let starts: Vec<_> = found.iter().map(|s| s.start).collect();
    assert_eq!(
        starts,
        [
            datetime!(2026-10-24 23:30 UTC),
            datetime!(2026-10-25 00:00 UTC),
            datetime!(2026-10-25 01:00 UTC),
        ]
    );
    assert_eq!(
        local_starts(&found),
        [time!(01:30), time!(02:00), time!(02:00)]
    );
}

#[test]
fn a_partial_slot_left_by_the_spring_change_is_dropped() {
    // 01:00-04:00 is 3 hours on the clock, 2 elapsed on 29 March: 45-minute slots fill 4 on an
    // ordinary day, 2 whole ones (and a dropped 30-minute rest) that day.
    let schedule = every_day(&day(&[(time!(01:00), time!(04:00))], 45, 1));
    assert_eq!(slots_on(&schedule, date!(2026 - 03 - 28)).len(), 4);
    let found = slots_on(&schedule, date!(2026 - 03 - 29));
    assert_eq!(found.len(), 2);
    assert!(found[1].end <= datetime!(2026-03-29 02:00 UTC));
}

#[test]
fn an_opening_starting_in_the_spring_gap_starts_when_the_clock_jumps() {
    let schedule = every_day(&day(&[(time!(02:30), time!(04:00))], 30, 1));
    let found = slots_on(&schedule, date!(2026 - 03 - 29));
    assert_eq!(local_starts(&found), vec![time!(03:00), time!(03:30)]);
}

#[test]
fn national_holidays_have_no_slots() {
    let schedule = every_day(&office_hours());
    for holiday in [
        date!(2026 - 04 - 25), // Liberazione, a Saturday
        date!(2026 - 06 - 02), // Festa della Repubblica, a Tuesday
        date!(2026 - 04 - 06), // Easter Monday
        date!(2026 - 04 - 05), // Easter Sunday
        date!(2026 - 12 - 25),
    ] {
        assert_eq!(slots_on(&schedule, holiday), vec![], "{holiday}");
    }
    assert_eq!(slots_on(&schedule, date!(2026 - 04 - 07)).len(), 8);
    assert_eq!(slots_on(&schedule, date!(2026 - 06 - 03)).len(), 8);
}

#[test]
fn weekdays_without_a_plan_are_closed() {
    let weekly = WeeklyPlan::new([(Weekday::Monday, office_hours())]).unwrap();
    let schedule = Schedule::new(weekly, vec![], vec![]).unwrap();
    // Monday 11 May to Sunday 17 May 2026.
    let found = list_slots(&schedule, date!(2026 - 05 - 11), date!(2026 - 05 - 17)).unwrap();
    assert_eq!(found.len(), 8);
    assert!(found.iter().all(|s| s.date == date!(2026 - 05 - 11)));
}

#[test]
fn a_whole_day_closure_removes_the_day() {
    let weekly = WeeklyPlan::new(EVERY_DAY.map(|w| (w, office_hours()))).unwrap();
    let closure = Closure {
        date: date!(2026 - 05 - 12),
        during: None,
    };
    let schedule = Schedule::new(weekly, vec![], vec![closure]).unwrap();
    let found = list_slots(&schedule, date!(2026 - 05 - 11), date!(2026 - 05 - 13)).unwrap();
    assert_eq!(found.len(), 16);
    assert!(found.iter().all(|s| s.date != date!(2026 - 05 - 12)));
}

#[test]
fn a_partial_closure_removes_the_slots_it_touches() {
    let weekly = WeeklyPlan::new(EVERY_DAY.map(|w| (w, office_hours()))).unwrap();
    let closure = Closure {
        date: date!(2026 - 05 - 12),
        during: Some(Opening {
            start: time!(10:15),
            end: time!(11:00),
        }),
    };
    let schedule = Schedule::new(weekly, vec![], vec![closure]).unwrap();
    let found = slots_on(&schedule, date!(2026 - 05 - 12));
    assert_eq!(
        local_starts(&found),
        [
            time!(08:30),
            time!(09:00),
            time!(09:30),
            time!(11:00),
            time!(11:30),
            time!(12:00)
        ]
    );
}

#[test]
fn an_exception_adds_openings_even_on_a_closed_day_or_a_holiday() {
    let weekly = WeeklyPlan::new([(Weekday::Monday, office_hours())]).unwrap();
    let saturday = date!(2026 - 05 - 16);
    let liberation_day = date!(2026 - 04 - 25);
    let monday = date!(2026 - 05 - 11);
    let extra = |date| Exception {
        date,
        plan: day(&[(time!(14:00), time!(15:00))], 20, 3),
    };
    let schedule = Schedule::new(
        weekly,
        vec![extra(saturday), extra(liberation_day), extra(monday)],
        vec![],
    )
    .unwrap();
    let found = slots_on(&schedule, saturday);
    assert_eq!(
        local_starts(&found),
        [time!(14:00), time!(14:20), time!(14:40)]
    );
    assert!(found.iter().all(|s| s.seats == 3));
    assert_eq!(slots_on(&schedule, liberation_day).len(), 3);
    // On a planned day it comes on top of the weekly openings.
    assert_eq!(slots_on(&schedule, monday).len(), 8 + 3);
}

#[test]
fn a_closure_wins_over_an_exception() {
    let saturday = date!(2026 - 05 - 16);
    let schedule = Schedule::new(
        WeeklyPlan::default(),
        vec![Exception {
            date: saturday,
            plan: office_hours(),
        }],
        vec![Closure {
            date: saturday,
            during: None,
        }],
    )
    .unwrap();
    assert_eq!(slots_on(&schedule, saturday), vec![]);
}

#[test]
fn a_slot_is_found_by_its_start_until_it_vanishes() {
    let weekly = WeeklyPlan::new([(Weekday::Tuesday, office_hours())]).unwrap();
    let schedule = Schedule::new(weekly.clone(), vec![], vec![]).unwrap();
    // Tuesday 12 May 2026, 09:30 in Rome.
    let start = datetime!(2026-05-12 07:30 UTC);
    let slot = slot_at(&schedule, start).unwrap();
    assert_eq!(slot.end, datetime!(2026-05-12 08:00 UTC));
    assert_eq!(slot.date, date!(2026 - 05 - 12));
    assert_eq!(slot_at(&schedule, start + Duration::minutes(10)), None);
    let closed = Schedule::new(
        weekly,
        vec![],
        vec![Closure {
            date: date!(2026 - 05 - 12),
            during: None,
        }],
    )
    .unwrap();
    assert_eq!(slot_at(&closed, start), None);
    // A slot at midnight in Rome starts on the previous UTC day.
    let midnight = every_day(&day(&[(time!(00:00), time!(00:30))], 30, 1));
    let start = datetime!(2026-05-11 22:00 UTC);
    assert_eq!(
        slot_at(&midnight, start).map(|s| s.date),
        Some(date!(2026 - 05 - 12))
    );
}

#[test]
fn the_ends_of_the_calendar_never_panic() {
    let schedule = every_day(&day(&[(time!(00:00), time!(23:45))], 15, 1));
    for date in [Date::MIN, Date::MAX] {
        let found = list_slots(&schedule, date, date).unwrap();
        assert!(found.iter().all(|s| s.date == date && s.start < s.end));
    }
    // 23:45 on 31 December 9999 in Rome is still representable in UTC: the day is full but
    // for what would end past the range.
    assert!(
        !list_slots(&schedule, Date::MAX, Date::MAX)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_listing_covers_one_to_sixty_two_days() {
    let schedule = every_day(&office_hours());
    let from = date!(2026 - 05 - 01);
    assert_eq!(
        list_slots(&schedule, from, date!(2026 - 04 - 30)),
        Err(RangeError::Reversed {
            from,
            to: date!(2026 - 04 - 30)
        })
    );
    assert!(list_slots(&schedule, from, date!(2026 - 07 - 01)).is_ok());
    assert_eq!(
        list_slots(&schedule, from, date!(2026 - 07 - 02)),
        Err(RangeError::TooLong { days: 63 })
    );
    assert!(list_slots(&schedule, Date::MAX, Date::MAX).is_ok());
}

fn opening_strategy() -> impl Strategy<Value = (DayPlan, Vec<Weekday>)> {
    // One or two openings starting on a quarter-hour and lasting whole hours, so that every
    // slot length drawn divides them; the second after the first.
    (
        prop::sample::select(vec![5u16, 10, 15, 20, 30, 60]),
        0u16..48,
        1u16..7,
        0u16..8,
        prop::option::of(1u16..5),
        1u16..5,
        prop::sample::subsequence(EVERY_DAY.to_vec(), 1..=7),
    )
        .prop_map(|(minutes, start, hours, gap, hours2, seats, weekdays)| {
            let quarter = |q: u16| Time::MIDNIGHT + Duration::minutes(i64::from(q) * 15);
            let end = start + hours * 4;
            let mut openings = vec![(quarter(start), quarter(end))];
            if let Some(hours2) = hours2 {
                openings.push((quarter(end + gap), quarter(end + gap + hours2 * 4)));
            }
            (day(&openings, minutes, seats), weekdays)
        })
}

proptest! {
    #[test]
    fn generated_slots_follow_the_plan(
        (plan, weekdays) in opening_strategy(),
        start in date!(2026 - 01 - 01).to_julian_day()..date!(2030 - 12 - 31).to_julian_day(),
        days in 0i64..14,
    ) {
        let weekly = WeeklyPlan::new(weekdays.iter().map(|&w| (w, plan.clone()))).unwrap();
        let schedule = Schedule::new(weekly, vec![], vec![]).unwrap();
        let from = Date::from_julian_day(start).unwrap();
        let to = from + Duration::days(days);
        let found = list_slots(&schedule, from, to).unwrap();
        let length = Duration::minutes(i64::from(plan.slot_minutes));
        for pair in found.windows(2) {
            // Sorted, never overlapping (so never duplicated).
            prop_assert!(pair[0].end <= pair[1].start);
        }
        for slot in &found {
            prop_assert_eq!(slot.end - slot.start, length);
            prop_assert!(slot.date >= from && slot.date <= to);
            prop_assert!(weekdays.contains(&slot.date.weekday()));
            prop_assert!(!crate::calendar::is_national_holiday(slot.date));
            prop_assert_eq!(slot.seats, plan.seats);
            // Its first and last seconds lie inside an opening on the clock in Rome (its end
            // instant may read 03:00 when the clock has just jumped from 02:00; across the fold
            // the last second may read earlier than the first).
            let local = in_rome(slot.start);
            let last_second = in_rome(slot.end - Duration::SECOND).time();
            prop_assert_eq!(local.date(), slot.date);
            let inside = |o: &Opening| {
                let shows = |t: Time| o.start <= t && t < o.end;
                shows(local.time()) && shows(last_second)
            };
            prop_assert!(plan.openings.iter().any(inside));
        }
        // On a day without a clock change, every opening is filled exactly.
        let mut date = from;
        while date <= to {
            let ordinary = crate::rome_time::clock_change_on(date).is_none();
            let planned = weekdays.contains(&date.weekday())
                && !crate::calendar::is_national_holiday(date);
            if ordinary {
                let expected: i64 = if planned {
                    plan.openings.iter().map(|o| (o.end - o.start).whole_minutes()).sum::<i64>()
                        / i64::from(plan.slot_minutes)
                } else {
                    0
                };
                let on_day = found.iter().filter(|s| s.date == date).count();
                prop_assert_eq!(i64::try_from(on_day).unwrap(), expected, "{}", date);
            }
            date = date.next_day().unwrap();
        }
    }

    #[test]
    fn on_clock_change_days_slots_tile_the_minutes_the_clock_shows_open(
        (plan, _) in opening_strategy(),
        year in 2001i32..2100,
        autumn in any::<bool>(),
    ) {
        // The last Sunday of March or October.
        let month = if autumn { time::Month::October } else { time::Month::March };
        let mut date = Date::from_calendar_date(year, month, 31).unwrap();
        while date.weekday() != Weekday::Sunday {
            date = date.previous_day().unwrap();
        }
        prop_assert!(crate::rome_time::clock_change_on(date).is_some());
        let found = slots_on(&every_day(&plan), date);
        // The oracle: minute by minute, whether the clock in Rome shows a time of an opening.
        let first = OffsetDateTime::new_utc(date, Time::MIDNIGHT) - Duration::hours(3);
        let minutes = 0..(30 * 60);
        let locals: Vec<OffsetDateTime> =
            minutes.clone().map(|m| in_rome(first + Duration::minutes(m))).collect();
        let mut cover = vec![0usize; locals.len()];
        for slot in &found {
            let from = (slot.start - first).whole_minutes();
            let to = (slot.end - first).whole_minutes();
            for m in from..to {
                cover[usize::try_from(m).unwrap()] += 1;
            }
        }
        // Easter Sunday can be the last Sunday of March (2032): then nothing is open.
        let holiday = crate::calendar::is_national_holiday(date);
        let shows = |o: &Opening, minute: i64| {
            let local = locals[usize::try_from(minute).unwrap()];
            !holiday && local.date() == date && o.start <= local.time() && local.time() < o.end
        };
        let covered = |minute: i64| cover[usize::try_from(minute).unwrap()];
        for minute in minutes.clone() {
            // Never two slots at once, never a slot over a time no opening shows.
            let slots_here = covered(minute);
            prop_assert!(slots_here <= 1);
            let open = plan.openings.iter().any(|o| shows(o, minute));
            prop_assert!(open || slots_here == 0, "minute {}", minute);
        }
        for opening in &plan.openings {
            // Each run of minutes an opening shows loses at most a partial slot.
            let mut uncovered = 0;
            for minute in minutes.clone() {
                if shows(opening, minute) {
                    uncovered += i64::from(covered(minute) == 0);
                } else {
                    prop_assert!(uncovered < i64::from(plan.slot_minutes), "{}", opening);
                    uncovered = 0;
                }
            }
        }
    }
}

mod nearest;
