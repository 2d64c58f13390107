//! Tests for the checks of opening plans, closures and exceptions.

use time::macros::{date, time};

use super::*;

fn opening(start: Time, end: Time) -> Opening {
    Opening { start, end }
}

fn day(openings: Vec<Opening>, slot_minutes: u16, seats: u16) -> DayPlan {
    DayPlan {
        openings,
        slot_minutes,
        seats,
    }
}

fn morning() -> DayPlan {
    day(vec![opening(time!(08:30), time!(12:30))], 30, 2)
}

#[test]
fn a_plain_plan_is_accepted_and_its_openings_sorted() {
    let plan = day(
        vec![
            opening(time!(14:00), time!(16:00)),
            opening(time!(08:30), time!(12:30)),
        ],
        30,
        1,
    )
    .checked()
    .unwrap();
    assert_eq!(plan.openings[0].start, time!(08:30));
    assert_eq!(plan.openings[1].start, time!(14:00));
}

#[test]
fn slot_length_and_seats_are_bounded() {
    for (minutes, ok) in [(0, false), (4, false), (5, true), (240, true), (241, false)] {
        let plan = day(vec![opening(time!(08:00), time!(20:00))], minutes, 1).checked();
        assert_eq!(plan.is_ok(), ok, "{minutes} minutes");
        if !ok {
            assert_eq!(plan, Err(PlanError::SlotLength { found: minutes }));
        }
    }
    for (seats, ok) in [
        (0, false),
        (1, true),
        (MAX_SEATS, true),
        (MAX_SEATS + 1, false),
    ] {
        let plan = day(vec![opening(time!(08:00), time!(12:00))], 30, seats).checked();
        assert_eq!(plan.is_ok(), ok, "{seats} seats");
    }
}

#[test]
fn a_day_has_one_to_six_openings() {
    assert_eq!(
        day(vec![], 30, 1).checked(),
        Err(PlanError::OpeningCount { found: 0 })
    );
    let seven = (0..7u8)
        .map(|h| {
            opening(
                Time::from_hms(h * 2, 0, 0).unwrap(),
                Time::from_hms(h * 2 + 1, 0, 0).unwrap(),
            )
        })
        .collect();
    assert_eq!(
        day(seven, 30, 1).checked(),
        Err(PlanError::OpeningCount { found: 7 })
    );
}

#[test]
fn an_opening_must_end_after_it_starts() {
    for bad in [
        opening(time!(12:00), time!(12:00)),
        opening(time!(12:00), time!(08:00)),
    ] {
        assert_eq!(
            day(vec![bad], 30, 1).checked(),
            Err(PlanError::EmptyOpening { opening: bad })
        );
    }
}

#[test]
fn the_slot_length_must_divide_each_opening() {
    let four_hours = opening(time!(08:30), time!(12:30));
    assert_eq!(
        day(vec![four_hours], 50, 1).checked(),
        Err(PlanError::SlotLengthDoesNotDivide {
            opening: four_hours,
            slot_minutes: 50
        })
    );
    assert!(day(vec![four_hours], 40, 1).checked().is_ok());
}

#[test]
fn openings_may_touch_but_not_overlap() {
    let first = opening(time!(08:00), time!(12:00));
    let touching = opening(time!(12:00), time!(13:00));
    assert!(day(vec![first, touching], 30, 1).checked().is_ok());
    let second = opening(time!(11:30), time!(13:00));
    assert_eq!(
        day(vec![second, first], 30, 1).checked(),
        Err(PlanError::OverlappingOpenings { first, second })
    );
}

#[test]
fn a_weekday_is_planned_once() {
    let plan = WeeklyPlan::new([(Weekday::Monday, morning()), (Weekday::Monday, morning())]);
    assert_eq!(
        plan,
        Err(PlanError::DuplicateWeekday {
            weekday: Weekday::Monday
        })
    );
    let plan = WeeklyPlan::new([(Weekday::Monday, morning())]).unwrap();
    assert!(plan.day(Weekday::Monday).is_some());
    assert!(plan.day(Weekday::Tuesday).is_none());
}

#[test]
fn a_weekly_plan_checks_each_day() {
    assert_eq!(
        WeeklyPlan::new([(Weekday::Friday, day(vec![], 30, 1))]),
        Err(PlanError::OpeningCount { found: 0 })
    );
}

#[test]
fn exceptions_are_one_per_date_and_do_not_overlap_the_weekly_plan() {
    let weekly = WeeklyPlan::new([(Weekday::Monday, morning())]).unwrap();
    // 2026-05-04 is a Monday.
    let monday = date!(2026 - 05 - 04);
    let afternoon = day(vec![opening(time!(14:00), time!(16:00))], 30, 1);
    assert!(
        Schedule::new(
            weekly.clone(),
            vec![Exception {
                date: monday,
                plan: afternoon.clone()
            }],
            vec![]
        )
        .is_ok()
    );
    let late_morning = day(vec![opening(time!(12:00), time!(13:00))], 30, 1);
    assert_eq!(
        Schedule::new(
            weekly.clone(),
            vec![Exception {
                date: monday,
                plan: late_morning
            }],
            vec![]
        ),
        Err(PlanError::ExceptionOverlapsWeeklyPlan {
            date: monday,
            opening: opening(time!(08:30), time!(12:30))
        })
    );
    let twice = vec![
        Exception {
            date: monday,
            plan: afternoon.clone(),
        },
        Exception {
            date: monday,
            plan: afternoon,
        },
    ];
    assert_eq!(
        Schedule::new(weekly.clone(), twice, vec![]),
        Err(PlanError::DuplicateException { date: monday })
    );
    assert_eq!(
        Schedule::new(
            weekly,
            vec![Exception {
                date: monday,
                plan: day(vec![opening(time!(14:00), time!(16:00))], 0, 1)
            }],
            vec![]
        ),
        Err(PlanError::SlotLength { found: 0 })
    );
}

#[test]
fn a_partial_closure_must_end_after_it_starts() {
    let bad = opening(time!(11:00), time!(10:00));
    assert_eq!(
        Schedule::new(
            WeeklyPlan::default(),
            vec![],
            vec![Closure {
                date: date!(2026 - 05 - 04),
                during: Some(bad)
            }]
        ),
        Err(PlanError::EmptyOpening { opening: bad })
    );
}

#[test]
fn closures_and_exceptions_are_bounded() {
    let closures = vec![
        Closure {
            date: date!(2026 - 05 - 04),
            during: None
        };
        MAX_DATED_ENTRIES + 1
    ];
    assert_eq!(
        Schedule::new(WeeklyPlan::default(), vec![], closures),
        Err(PlanError::TooManyDatedEntries {
            found: MAX_DATED_ENTRIES + 1
        })
    );
}

#[test]
fn an_opening_displays_as_hours_and_minutes() {
    assert_eq!(
        opening(time!(08:30), time!(12:05)).to_string(),
        "08:30-12:05"
    );
}
